// Growth (docs/model.md §3.2.2): revenue drifts every step (drift raised by youth at small size
// and by the knowledge stock, as far as the firm can finance the investment that growth needs)
// and takes one Laplace shock a year, in the step that opens the
// year, whose size falls with revenue: annual growth rates are then Laplace within a size class,
// in the annual accounts as from point to point. One vectorised pass over a chunk's rows.
#include <cmath>

#include "models/city/city_model.hpp"
#include "models/city/modules/liquidity.hpp"
#include "models/city/modules/modules.hpp"
#include "models/city/parameter_entries.hpp"
#include "sim/math/fastmath.hpp"
#include "sim/rng/distributions.hpp"

namespace innosim::models::city {

const ParameterTable& growth_parameters() {
  static const ParameterTable table({
      real("growth_drift", 0.04, -1.0, 1.0, "1/year",
           "drift of log revenue (nominal) of an old, large firm without knowledge",
           "calibrated: the Pareto exponent about 1 of the stationary revenue distribution (Axtell "
           "2001; docs/model.md §3.5)",
           FIELD(growth_drift)),
      real("growth_young", 0.15, 0.0, 5.0, "1/year",
           "extra drift of a newborn small firm; decays with age and size",
           "docs/policy-rules.md §5.3: small and young firms grow faster", FIELD(growth_young)),
      real("growth_young_age_years", 3.0, 0.01, 100.0, "years",
           "age scale over which the young-firm drift decays (exponentially)", "assumption",
           FIELD(growth_young_age_years)),
      real("growth_young_size", 1000.0, 0.01, HUGE_MONEY, "万元/year",
           "revenue at which the young-firm drift is halved", "assumption",
           FIELD(growth_young_size)),
      real("growth_knowledge", 0.05, 0.0, 5.0, "1/year",
           "drift added at saturating knowledge; k/(1+k) of it at knowledge k = stock/revenue",
           "assumption; Chen et al. (AER 2021): doubling real R&D raises productivity ~9%",
           FIELD(growth_knowledge)),
      real("growth_sd", 0.45, 0.0, 5.0, "1/year",
           "standard deviation of the annual Laplace shock to log revenue at the reference size "
           "(one shock per firm and year, in its first step)",
           "calibrated: Pareto exponent ~1 of the stationary revenue distribution (Axtell 2001); "
           "Laplace shape: Bottazzi & Secchi (2003, 2006)",
           FIELD(growth_sd)),
      real("growth_sd_size_reference", 1000.0, 0.01, HUGE_MONEY, "万元/year",
           "revenue at which growth_sd applies", "assumption", FIELD(growth_sd_size_reference)),
      real("growth_sd_size_exponent", 0.2, 0.0, 2.0, "1",
           "volatility falls with size as (revenue/reference)^-exponent", STYLIZED,
           FIELD(growth_sd_size_exponent)),
      real("growth_sd_min", 0.2, 0.0, 5.0, "1/year", "lower bound of that volatility", "assumption",
           FIELD(growth_sd_min)),
      real("growth_sd_max", 1.0, 0.0, 5.0, "1/year", "upper bound of that volatility",
           "calibrated (not yet fitted): growth volatility of the smallest firms; docs/model.md "
           "§3.7, to be fitted",
           FIELD(growth_sd_max)),
      real("min_revenue", 1.0, 0.0, HUGE_MONEY, "万元/year", "revenue never falls below this",
           "assumption", FIELD(min_revenue)),
  });
  return table;
}

namespace {

/// Constants of the growth pass, in single precision.
struct GrowthConstants {
  float dt, min_revenue, laplace_scale;
  float growth_sd, growth_sd_min, growth_sd_max, sd_exponent, log_sd_reference;
  float young_size, growth_drift, growth_knowledge;
  float assets_per_revenue, credit_per_revenue;
  std::uint32_t max_age_index;
};

/// The columns are __restrict function parameters and every condition is a select, so GCC
/// vectorises the pass with its transcendental functions and Philox; rows that are not alive
/// compute but change nothing. With SHOCK (the step that opens a year) each firm older than its
/// entry step also takes the year's shock, word 0 of its block of the year's stream
/// (PURPOSE_GROWTH_YEAR keyed by the calendar year: one draw per firm-year, whatever the step
/// length); other steps draw nothing.
template <bool SHOCK>
void grow(const GrowthConstants c, const sim::StreamKey year_stream, std::size_t rows,
          const std::uint32_t* __restrict ids, const std::uint8_t* __restrict alive_flags,
          const std::uint16_t* __restrict ages, const float* __restrict knowledge,
          const sim::MoneyColumn* __restrict cashes, const sim::MoneyColumn* __restrict debts,
          const sim::MoneyColumn* __restrict credit_lines, const float* __restrict youth_by_age,
          float* __restrict revenues) {
  for (std::size_t row = 0; row < rows; ++row) {
    const std::int32_t alive = alive_flags[row];
    const float before = revenues[row];
    const std::uint32_t age = ages[row];
    const std::uint32_t age_index = age < c.max_age_index ? age : c.max_age_index;
    const float youth = youth_by_age[age_index] * c.young_size / (c.young_size + before);
    const float knowledge_ratio = knowledge[row] / before;
    // Growth beyond the base drift needs capital, assets_per_revenue per yuan of extra annual
    // revenue: the firm realises the share of it that its cash and credit can pay for over the
    // coming year (all of it, exactly, when they suffice).
    const float invested = youth + c.growth_knowledge * knowledge_ratio / (1.0f + knowledge_ratio);
    const float needed = c.assets_per_revenue * before * invested;
    const float funds = available_funds(cashes[row].value(), debts[row].value(), before,
                                        c.credit_per_revenue, credit_lines[row].value());
    const float financed = funds < needed ? funds / needed : 1.0f;
    const float drift = c.growth_drift + financed * invested;
    float log_change = drift * c.dt;
    if constexpr (SHOCK) {
      const sim::PhiloxBlock words = year_stream.block(ids[row]);
      const float volatility_raw =
          c.growth_sd *
          sim::fastmath::exp(-c.sd_exponent * (sim::fastmath::log(before) - c.log_sd_reference));
      const float volatility_low =
          volatility_raw > c.growth_sd_min ? volatility_raw : c.growth_sd_min;
      const float volatility = volatility_low < c.growth_sd_max ? volatility_low : c.growth_sd_max;
      const float shock = sim::laplace(words[0], 0.0f, c.laplace_scale);
      log_change += age > 0 ? volatility * shock : 0.0f;
    }
    const float grown_raw = before * sim::fastmath::exp(log_change);
    const float grown = grown_raw > c.min_revenue ? grown_raw : c.min_revenue;
    revenues[row] = alive != 0 ? grown : before;
  }
}

class Growth final : public Module {
 public:
  explicit Growth(const ModuleSetup& setup) {
    const CityParams& p = setup.params;
    // Functions of age alone are tabulated by month: an exp per firm-step saved.
    for (std::size_t age = 0; age <= CityModel::MAX_TABLE_AGE_MONTHS; ++age) {
      const double years = static_cast<double>(age) / 12.0;
      youth_by_age_.push_back(
          static_cast<float>(p.growth_young * std::exp(-years / p.growth_young_age_years)));
    }
    const float dt = setup.dt();
    c_.dt = dt;
    c_.min_revenue = static_cast<float>(p.min_revenue);
    c_.laplace_scale = 1.0f / std::sqrt(2.0f);  // unit variance
    c_.growth_sd = static_cast<float>(p.growth_sd);
    c_.growth_sd_min = static_cast<float>(p.growth_sd_min);
    c_.growth_sd_max = static_cast<float>(p.growth_sd_max);
    c_.sd_exponent = static_cast<float>(p.growth_sd_size_exponent);
    c_.log_sd_reference = std::log(static_cast<float>(p.growth_sd_size_reference));
    c_.young_size = static_cast<float>(p.growth_young_size);
    c_.growth_drift = static_cast<float>(p.growth_drift);
    c_.growth_knowledge = static_cast<float>(p.growth_knowledge);
    c_.assets_per_revenue = static_cast<float>(p.assets_per_revenue);
    c_.credit_per_revenue = credit_per_revenue(p);
    c_.max_age_index = static_cast<std::uint32_t>(CityModel::MAX_TABLE_AGE_MONTHS);
  }

  [[nodiscard]] const ModuleInfo& info() const override {
    static const ModuleInfo info{
        "growth",
        "revenue growth each step: youth and knowledge drift as far as "
        "funds pay for it; one Laplace shock a year, its size falling "
        "with revenue",
        {Phase::ROWS},
        {"revenue"},
        {"alive", "age_months", "knowledge", "cash", "debt", "credit_line"},
        {},
        {{PURPOSE_GROWTH_YEAR, 0, 0, 0b0001}}};
    return info;
  }

  void rows(World& world, const StepContext& context, ChunkWork& work) const override {
    const FirmView f(world.firms);
    const std::size_t begin = work.begin;
    const sim::StreamKey year_stream(context.seed, PURPOSE_GROWTH_YEAR, context.replication,
                                     static_cast<std::uint32_t>(context.when.year));
    if (context.when.starts_year()) {
      grow<true>(c_, year_stream, work.end - begin, f.id + begin, f.alive + begin,
                 f.age_months + begin, f.knowledge + begin, f.cash + begin, f.debt + begin,
                 f.credit_line + begin, youth_by_age_.data(), f.revenue + begin);
    } else {
      grow<false>(c_, year_stream, work.end - begin, f.id + begin, f.alive + begin,
                  f.age_months + begin, f.knowledge + begin, f.cash + begin, f.debt + begin,
                  f.credit_line + begin, youth_by_age_.data(), f.revenue + begin);
    }
  }

 private:
  GrowthConstants c_{};
  std::vector<float> youth_by_age_;  ///< growth_young * exp(-age / growth_young_age_years)
};

}  // namespace

std::unique_ptr<Module> make_growth(const ModuleSetup& setup) { return make_module<Growth>(setup); }

}  // namespace innosim::models::city
