#include "models/ref1/ref1_params.hpp"

namespace innosim::models::ref1 {

namespace {

using sim::ParameterSpec;
using sim::ParameterType;

constexpr const char* DESIGN = "docs/model-ref1.md";

ParameterSpec real(const char* key, double value, double minimum, double maximum, const char* unit,
                   const char* meaning, const char* source = DESIGN) {
  return ParameterSpec::make(std::string("ref1.") + key, ParameterType::REAL, value, minimum,
                             maximum, unit, meaning, source);
}

ParameterSpec integer(const char* key, std::int64_t value, double minimum, double maximum,
                      const char* unit, const char* meaning, const char* source = DESIGN) {
  return ParameterSpec::make(std::string("ref1.") + key, ParameterType::INTEGER, value, minimum,
                             maximum, unit, meaning, source);
}

}  // namespace

const std::vector<sim::ParameterSpec>& parameter_specs() {
  // Firm ids below 2^31 are initial firms, ids from 2^31 are births (see ref1_model.cpp).
  static const std::vector<sim::ParameterSpec> specs = {
      integer("initial_firms", 100000, 0, 2147483647.0, "firms",
              "N0: firms at the start, all candidates of age 0"),
      real("births_per_step", 0.0, 0.0, 1.0e6, "firms/step",
           "lambda: mean of the Poisson number of new firms per step"),
      real("revenue_median", 300.0, 1.0e-3, 1.0e9, "万元",
           "median of the lognormal initial revenue R"),
      real("revenue_log_sd", 1.0, 0.0, 5.0, "1", "sigma of log R at entry"),
      real("rd_median", 0.04, 0.0, 1.0, "1", "median of the lognormal R&D intensity r"),
      real("rd_log_sd", 0.5, 0.0, 5.0, "1", "sigma of log r at entry"),
      real("rd_max", 0.3, 0.0, 1.0, "1", "r is clipped to [0, rd_max]"),
      real("exit_hazard", 0.01, 0.0, 1.0, "1/step",
           "h0: exit probability per step while young; h0/2 afterwards"),
      integer("young_age_steps", 36, 0, 100000.0, "steps",
              "age (in steps) from which the hazard halves"),
      real("growth_drift", 0.002, -1.0, 1.0, "1/step", "g0: drift of log revenue"),
      real("growth_rd", 0.05, -10.0, 10.0, "1/step",
           "g1: drift of log revenue per unit of R&D intensity"),
      real("growth_sd", 0.06, 0.0, 2.0, "1/step",
           "sigma_g: standard deviation of the normal log-revenue shock"),
      real("tech_sme_revenue_cap", 20000.0, 0.0, 1.0e12, "万元",
           "candidates with R above this cannot become tech SMEs", "docs/policy-rules.md §1.1"),
      real("tech_sme_probability", 0.03, 0.0, 1.0, "1/step",
           "p1: candidate -> tech_sme probability at full R&D"),
      real("tech_sme_rd_reference", 0.03, 1.0e-6, 1.0, "1", "probability is p1 * min(1, r / this)"),
      real("high_tech_probability", 0.02, 0.0, 1.0, "1/step",
           "p2: tech_sme -> high_tech probability when the R&D ratio is met"),
      real("high_tech_support", 0.0, -1.0, 1000.0, "1",
           "s: policy lever; the probability becomes p2 * (1 + s), capped at 1"),
      real("rd_threshold_small", 0.05, 0.0, 1.0, "1", "theta for R < small_revenue_limit",
           "docs/policy-rules.md §2.1: 5% (sales <= 5,000万)"),
      real("rd_threshold_medium", 0.04, 0.0, 1.0, "1",
           "theta for small_revenue_limit <= R <= medium_revenue_limit",
           "docs/policy-rules.md §2.1: 4% (5,000万-2亿)"),
      real("rd_threshold_large", 0.03, 0.0, 1.0, "1", "theta for R > medium_revenue_limit",
           "docs/policy-rules.md §2.1: 3% (> 2亿)"),
      real("small_revenue_limit", 5000.0, 0.0, 1.0e12, "万元",
           "upper end (exclusive) of the small revenue band", "docs/policy-rules.md §2.1"),
      real("medium_revenue_limit", 20000.0, 0.0, 1.0e12, "万元",
           "upper end (inclusive) of the medium revenue band", "docs/policy-rules.md §2.1"),
      real("leader_revenue", 100000.0, 0.0, 1.0e12, "万元",
           "high_tech firms with R at least this may become leaders",
           "docs/seed-documents.md §6: 10亿 leaders"),
      real("leader_probability", 0.05, 0.0, 1.0, "1/step",
           "p3: high_tech -> leader probability above leader_revenue"),
      real("lapse_probability", 0.005, 0.0, 1.0, "1/step",
           "q2: high_tech -> tech_sme (certificate lapses) below leader_revenue"),
  };
  return specs;
}

Ref1Params Ref1Params::from(const sim::ParameterSet& values) {
  auto real = [&](const char* key) {
    return static_cast<float>(values.real(std::string("ref1.") + key));
  };
  auto integer = [&](const char* key) { return values.integer(std::string("ref1.") + key); };
  Ref1Params p;
  p.initial_firms = integer("initial_firms");
  p.births_per_step = values.real("ref1.births_per_step");
  p.revenue_median = real("revenue_median");
  p.revenue_log_sd = real("revenue_log_sd");
  p.rd_median = real("rd_median");
  p.rd_log_sd = real("rd_log_sd");
  p.rd_max = real("rd_max");
  p.exit_hazard = real("exit_hazard");
  p.young_age_steps = integer("young_age_steps");
  p.growth_drift = real("growth_drift");
  p.growth_rd = real("growth_rd");
  p.growth_sd = real("growth_sd");
  p.tech_sme_revenue_cap = real("tech_sme_revenue_cap");
  p.tech_sme_probability = real("tech_sme_probability");
  p.tech_sme_rd_reference = real("tech_sme_rd_reference");
  p.high_tech_probability = real("high_tech_probability");
  p.high_tech_support = real("high_tech_support");
  p.rd_threshold_small = real("rd_threshold_small");
  p.rd_threshold_medium = real("rd_threshold_medium");
  p.rd_threshold_large = real("rd_threshold_large");
  p.small_revenue_limit = real("small_revenue_limit");
  p.medium_revenue_limit = real("medium_revenue_limit");
  p.leader_revenue = real("leader_revenue");
  p.leader_probability = real("leader_probability");
  p.lapse_probability = real("lapse_probability");
  return p;
}

}  // namespace innosim::models::ref1
