#include "models/ref1/ref1_params.hpp"

#include "sim/params/parameter_table.hpp"

namespace innosim::models::ref1 {

namespace {

using sim::ParameterSpec;
using sim::ParameterType;

constexpr const char* DESIGN = "docs/model-ref1.md";

using Entry = sim::ParameterEntry<Ref1Params>;
using Field = sim::ParameterField<Ref1Params>;
#define FIELD(member) INNOSIM_FIELD(Ref1Params, member)

Entry entry(const char* key, ParameterType type, sim::ParameterValue value, double minimum,
            double maximum, const char* unit, const char* meaning, const char* source,
            Field field) {
  return {ParameterSpec::make(std::string("ref1.") + key, type, std::move(value), minimum, maximum,
                              unit, meaning, source),
          field};
}

Entry real(const char* key, double value, double minimum, double maximum, const char* unit,
           const char* meaning, Field field, const char* source = DESIGN) {
  return entry(key, ParameterType::REAL, value, minimum, maximum, unit, meaning, source, field);
}

Entry integer(const char* key, std::int64_t value, double minimum, double maximum, const char* unit,
              const char* meaning, Field field, const char* source = DESIGN) {
  return entry(key, ParameterType::INTEGER, value, minimum, maximum, unit, meaning, source, field);
}

const sim::ParameterTable<Ref1Params>& table() {
  // Firm ids below 2^31 are initial firms, ids from 2^31 are births (see ref1_model.cpp).
  static const sim::ParameterTable<Ref1Params> table({
      integer("initial_firms", 100000, 0, 2147483647.0, "firms",
              "N0: firms at the start, all candidates of age 0", FIELD(initial_firms)),
      real("births_per_step", 0.0, 0.0, 1.0e6, "firms/step",
           "lambda: mean of the Poisson number of new firms per step", FIELD(births_per_step)),
      real("revenue_median", 300.0, 1.0e-3, 1.0e9, "万元",
           "median of the lognormal initial revenue R", FIELD(revenue_median)),
      real("revenue_log_sd", 1.0, 0.0, 5.0, "1", "sigma of log R at entry", FIELD(revenue_log_sd)),
      real("rd_median", 0.04, 0.0, 1.0, "1", "median of the lognormal R&D intensity r",
           FIELD(rd_median)),
      real("rd_log_sd", 0.5, 0.0, 5.0, "1", "sigma of log r at entry", FIELD(rd_log_sd)),
      real("rd_max", 0.3, 0.0, 1.0, "1", "r is clipped to [0, rd_max]", FIELD(rd_max)),
      real("exit_hazard", 0.01, 0.0, 1.0, "1/step",
           "h0: exit probability per step while young; h0/2 afterwards", FIELD(exit_hazard)),
      integer("young_age_steps", 36, 0, 100000.0, "steps",
              "age (in steps) from which the hazard halves", FIELD(young_age_steps)),
      real("growth_drift", 0.002, -1.0, 1.0, "1/step", "g0: drift of log revenue",
           FIELD(growth_drift)),
      real("growth_rd", 0.05, -10.0, 10.0, "1/step",
           "g1: drift of log revenue per unit of R&D intensity", FIELD(growth_rd)),
      real("growth_sd", 0.06, 0.0, 2.0, "1/step",
           "sigma_g: standard deviation of the normal log-revenue shock", FIELD(growth_sd)),
      real("tech_sme_revenue_cap", 20000.0, 0.0, 1.0e12, "万元",
           "candidates with R above this cannot become tech SMEs", FIELD(tech_sme_revenue_cap),
           "docs/policy-rules.md §1.1"),
      real("tech_sme_probability", 0.03, 0.0, 1.0, "1/step",
           "p1: candidate -> tech_sme probability at full R&D", FIELD(tech_sme_probability)),
      real("tech_sme_rd_reference", 0.03, 1.0e-6, 1.0, "1", "probability is p1 * min(1, r / this)",
           FIELD(tech_sme_rd_reference)),
      real("high_tech_probability", 0.02, 0.0, 1.0, "1/step",
           "p2: tech_sme -> high_tech probability when the R&D ratio is met",
           FIELD(high_tech_probability)),
      real("high_tech_support", 0.0, -1.0, 1000.0, "1",
           "s: policy lever; the probability becomes p2 * (1 + s), capped at 1",
           FIELD(high_tech_support)),
      real("rd_threshold_small", 0.05, 0.0, 1.0, "1", "theta for R < small_revenue_limit",
           FIELD(rd_threshold_small), "docs/policy-rules.md §2.1: 5% (sales <= 5,000万)"),
      real("rd_threshold_medium", 0.04, 0.0, 1.0, "1",
           "theta for small_revenue_limit <= R <= medium_revenue_limit", FIELD(rd_threshold_medium),
           "docs/policy-rules.md §2.1: 4% (5,000万-2亿)"),
      real("rd_threshold_large", 0.03, 0.0, 1.0, "1", "theta for R > medium_revenue_limit",
           FIELD(rd_threshold_large), "docs/policy-rules.md §2.1: 3% (> 2亿)"),
      real("small_revenue_limit", 5000.0, 0.0, 1.0e12, "万元",
           "upper end (exclusive) of the small revenue band", FIELD(small_revenue_limit),
           "docs/policy-rules.md §2.1"),
      real("medium_revenue_limit", 20000.0, 0.0, 1.0e12, "万元",
           "upper end (inclusive) of the medium revenue band", FIELD(medium_revenue_limit),
           "docs/policy-rules.md §2.1"),
      real("leader_revenue", 100000.0, 0.0, 1.0e12, "万元",
           "high_tech firms with R at least this may become leaders", FIELD(leader_revenue),
           "docs/seed-documents.md §6: 10亿 leaders"),
      real("leader_probability", 0.05, 0.0, 1.0, "1/step",
           "p3: high_tech -> leader probability above leader_revenue", FIELD(leader_probability)),
      real("lapse_probability", 0.005, 0.0, 1.0, "1/step",
           "q2: high_tech -> tech_sme (certificate lapses) below leader_revenue",
           FIELD(lapse_probability)),
  });
  return table;
}

}  // namespace

const std::vector<sim::ParameterSpec>& parameter_specs() { return table().specs(); }

Ref1Params Ref1Params::from(const sim::ParameterSet& values) { return table().fill(values); }

Ref1Params Ref1Params::defaults() { return table().defaults(); }

}  // namespace innosim::models::ref1
