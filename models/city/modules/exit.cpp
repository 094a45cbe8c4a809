// Exit (docs/model.md §3.2.6): a hazard hump-shaped in age (rising to a peak in the third year,
// then falling, as the national survival report measures) and falling with size, plus distress
// for firms out of cash and credit (liquidity.hpp), drawn each step after growth; the exits take
// effect at the end of the firm pass (SETTLE), when survivors also age. Each exit is attributed to
// a cause in proportion.
#include "models/city/modules/exit.hpp"

#include <algorithm>
#include <cmath>

#include "models/city/city_model.hpp"
#include "models/city/modules/liquidity.hpp"
#include "models/city/modules/modules.hpp"
#include "models/city/parameter_entries.hpp"
#include "sim/math/fastmath.hpp"
#include "sim/rng/distributions.hpp"

namespace innosim::models::city {

const ParameterTable& exit_parameters() {
  static const ParameterTable table({
      real("exit_hazard_birth", 0.015, 0.0, 10.0, "1/year",
           "market exit hazard at founding, at the reference size",
           "calibrated: exit rate in the founding year 1.6% (国家工商总局 2013, docs/references.md "
           "§4.4; half a year exposed on average)",
           FIELD(exit_hazard_birth)),
      real("exit_hazard_peak", 0.085, 0.0, 10.0, "1/year",
           "market exit hazard at its peak age, at the reference size",
           "calibrated: exit rate 9.5% in the third year, above 8% through the seventh "
           "(国家工商总局 2013)",
           FIELD(exit_hazard_peak)),
      real("exit_peak_age_years", 2.0, 0.01, 100.0, "years",
           "age at which the market exit hazard peaks (linear rise before)",
           "国家工商总局 2013: exits peak in the third calendar year of life (ages 1-3 during it)",
           FIELD(exit_peak_age_years)),
      real("exit_decline_years", 15.0, 0.01, 1000.0, "years",
           "time constant of the hazard's exponential fall from the peak towards exit_hazard_old",
           "calibrated: exit rate above 8% through the seventh year, falling after "
           "(国家工商总局 2013)",
           FIELD(exit_decline_years)),
      real("exit_hazard_old", 0.04, 0.0, 10.0, "1/year",
           "market exit hazard of old firms at the reference size (the fall's asymptote)",
           "calibrated: stationary exit rate ~6% a year (6.2% in 2012, 国家工商总局 2013)",
           FIELD(exit_hazard_old)),
      real("exit_size_reference", 150.0, 0.01, HUGE_MONEY, "万元/year",
           "revenue at which the size factor of the hazard is 1 (the age profile applies as "
           "observed to firms of this size)",
           "calibrated: the example city's exit rate, about 6% a year (docs/model.md §3.7)",
           FIELD(exit_size_reference)),
      real("exit_size_exponent", 0.15, 0.0, 5.0, "1",
           "hazard falls with size as (revenue/reference)^-exponent (capped at 3x)",
           "docs/policy-rules.md §5.3: small firms exit more often", FIELD(exit_size_exponent)),
      real("distress_hazard", 2.0, 0.0, 100.0, "1/year",
           "hazard added while the firm is out of funds: no cash, and debt above its credit limit "
           "(it could not finance its last shortfall)",
           "calibrated: distress exits 5-25% of all exits (an assumption: most closures are not "
           "insolvencies), 11% in the example city; a mean of six months out of funds before "
           "closing (docs/model.md §3.2.6)",
           FIELD(distress_hazard)),
  });
  return table;
}

double exit_hazard_at_age(const CityParams& p, double years) {
  if (years < p.exit_peak_age_years)
    return p.exit_hazard_birth +
           (p.exit_hazard_peak - p.exit_hazard_birth) * years / p.exit_peak_age_years;
  return p.exit_hazard_old + (p.exit_hazard_peak - p.exit_hazard_old) *
                                 std::exp(-(years - p.exit_peak_age_years) / p.exit_decline_years);
}

namespace {

struct ExitConstants {
  float dt, exit_size_exponent, log_exit_reference, distress_rate, credit_per_revenue,
      incubation_factor;
  std::uint32_t max_age_index;
};

/// The exit draw of a chunk (0 stays, 1 exits for the age-and-size hazard, 2 for distress), in
/// one vectorised pass as in growth.
void draw_exits(const ExitConstants c, const sim::StreamKey stream, std::size_t rows,
                const std::uint32_t* __restrict ids, const std::uint8_t* __restrict alive_flags,
                const std::uint16_t* __restrict ages, const float* __restrict revenues,
                const sim::MoneyColumn* __restrict cashes, const sim::MoneyColumn* __restrict debts,
                const sim::MoneyColumn* __restrict credit_lines,
                const float* __restrict exit_by_age, const std::uint16_t* __restrict survival_until,
                const float* __restrict survival_hazard_cut,
                const std::uint16_t* __restrict incubated_until, const std::int32_t step,
                std::uint8_t* __restrict exit_codes) {
  for (std::size_t row = 0; row < rows; ++row) {
    const sim::PhiloxBlock words = stream.block(ids[row]);  // words 1-2; word 0 is growth's
    const std::int32_t alive = alive_flags[row];
    const float revenue = revenues[row];
    const std::uint32_t age = ages[row];
    const std::uint32_t age_index = age < c.max_age_index ? age : c.max_age_index;
    const float size_raw = sim::fastmath::exp(-c.exit_size_exponent *
                                              (sim::fastmath::log(revenue) - c.log_exit_reference));
    const float size_factor = size_raw < 3.0f ? size_raw : 3.0f;
    // Survival support (an instrument's effect) cuts the market hazard while it lasts; without
    // it the factor is exactly 1.
    const float cut = survival_until[row] > step ? survival_hazard_cut[row] : 0.0f;
    // A tenant of an incubator (incubation module) faces incubation_factor times the market
    // hazard; without a tenancy the factor is exactly 1.
    const float incubation = incubated_until[row] > step ? c.incubation_factor : 1.0f;
    const float market = exit_by_age[age_index] * size_factor * (1.0f - cut) * incubation;
    const bool distressed = out_of_funds(cashes[row].value(), debts[row].value(), revenue,
                                         c.credit_per_revenue, credit_lines[row].value());
    const float distress = distressed ? c.distress_rate : 0.0f;
    const float hazard = market + distress;
    const float exit_probability = 1.0f - sim::fastmath::exp(-hazard * c.dt);
    const std::int32_t exits = alive & (sim::bernoulli(words[1], exit_probability) ? 1 : 0);
    const std::int32_t cause = sim::u01_closed_open(words[2]) * hazard < market ? 1 : 2;
    exit_codes[row] = static_cast<std::uint8_t>(exits * cause);
  }
}

class Exit final : public Module {
 public:
  explicit Exit(const ModuleSetup& setup) : step_months_(setup.time.step_months) {
    const CityParams& p = setup.params;
    for (std::size_t age = 0; age <= CityModel::MAX_TABLE_AGE_MONTHS; ++age) {
      const double years = static_cast<double>(age) / 12.0;
      exit_by_age_.push_back(static_cast<float>(exit_hazard_at_age(p, years)));
    }
    c_.dt = setup.dt();
    c_.exit_size_exponent = static_cast<float>(p.exit_size_exponent);
    c_.log_exit_reference = std::log(static_cast<float>(p.exit_size_reference));
    c_.distress_rate = static_cast<float>(p.distress_hazard);
    c_.credit_per_revenue = credit_per_revenue(p);
    c_.incubation_factor = static_cast<float>(p.incubation_hazard_factor);
    c_.max_age_index = static_cast<std::uint32_t>(CityModel::MAX_TABLE_AGE_MONTHS);
  }

  [[nodiscard]] const ModuleInfo& info() const override {
    static const ModuleInfo info{"exit",
                                 "exit hazard hump-shaped in age, falling with size, and "
                                 "distress out of funds, drawn after growth; exits "
                                 "take effect at the end of the firm pass, survivors age",
                                 {Phase::ROWS, Phase::SETTLE},
                                 {"alive", "age_months"},
                                 {"revenue", "cash", "debt", "credit_line", "survival_until_step",
                                  "survival_hazard_cut", "incubated_until_step"},
                                 {EXITS_MARKET, EXITS_DISTRESS},
                                 {{PURPOSE_STEP, 0, 0, 0b0110}}};
    return info;
  }

  void rows(World& world, const StepContext& context, ChunkWork& work) const override {
    const FirmView f(world.firms);
    const std::size_t begin = work.begin;
    work.exit_codes.resize(work.end - begin);
    draw_exits(c_, context.stream(PURPOSE_STEP), work.end - begin, f.id + begin, f.alive + begin,
               f.age_months + begin, f.revenue + begin, f.cash + begin, f.debt + begin,
               f.credit_line + begin, exit_by_age_.data(), f.survival_until + begin,
               f.survival_hazard_cut + begin, f.incubated_until + begin, context.when.step,
               work.exit_codes.data());
  }

  void settle(World& world, const StepContext& /*context*/, ChunkWork& work) const override {
    const FirmView f(world.firms);
    for (std::size_t row = work.begin; row < work.end; ++row) {
      if (f.alive[row] == 0) continue;
      const std::uint8_t code = work.exit_codes[row - work.begin];
      if (code != 0) {
        f.alive[row] = 0;
        work.totals[code == 1 ? EXITS_MARKET : EXITS_DISTRESS] += 1.0;
        continue;
      }
      f.age_months[row] =
          static_cast<std::uint16_t>(std::min(65535, f.age_months[row] + step_months_));
    }
  }

 private:
  ExitConstants c_{};
  int step_months_;
  std::vector<float> exit_by_age_;  ///< exit_hazard_at_age by month of age
};

}  // namespace

std::unique_ptr<Module> make_exit(const ModuleSetup& setup) { return make_module<Exit>(setup); }

}  // namespace innosim::models::city
