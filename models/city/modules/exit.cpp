// Exit (docs/model.md §3.2.6): a hazard falling with age and size, plus distress for debt above
// a leverage, drawn each step after growth; the exits take effect at the end of the firm pass
// (SETTLE), when survivors also age. Each exit is attributed to a cause in proportion.
#include <algorithm>
#include <cmath>

#include "models/city/city_model.hpp"
#include "models/city/modules/modules.hpp"
#include "models/city/parameter_entries.hpp"
#include "sim/math/fastmath.hpp"
#include "sim/rng/distributions.hpp"

namespace innosim::models::city {

const ParameterTable& exit_parameters() {
  static const ParameterTable table({
      real("exit_hazard", 0.12, 0.0, 10.0, "1/year",
           "exit hazard of a newborn firm at the reference size",
           "docs/policy-rules.md §5.4: ~6% of Chinese firms exit a year", FIELD(exit_hazard)),
      real("exit_age_exponent", 0.5, 0.0, 5.0, "1",
           "hazard falls with age as (1 + age in years)^-exponent",
           "docs/policy-rules.md §5.3: exit hazard falls with age", FIELD(exit_age_exponent)),
      real("exit_size_reference", 500.0, 0.01, HUGE_MONEY, "万元/year",
           "revenue at which the size factor of the hazard is 1", "assumption",
           FIELD(exit_size_reference)),
      real("exit_size_exponent", 0.15, 0.0, 5.0, "1",
           "hazard falls with size as (revenue/reference)^-exponent (capped at 3x)",
           "docs/policy-rules.md §5.3: small firms exit more often", FIELD(exit_size_exponent)),
      real("distress_hazard", 0.6, 0.0, 100.0, "1/year",
           "added hazard per unit of debt/revenue above distress_leverage (cash shortfall)",
           "assumption", FIELD(distress_hazard)),
      real("distress_leverage", 0.5, 0.0, 100.0, "years",
           "debt / annual revenue above which distress adds to the hazard", "assumption",
           FIELD(distress_leverage)),
  });
  return table;
}

namespace {

struct ExitConstants {
  float dt, exit_size_exponent, log_exit_reference, distress_rate, distress_leverage;
  std::uint32_t max_age_index;
};

/// The exit draw of a chunk (0 stays, 1 exits for the age-and-size hazard, 2 for distress), in
/// one vectorised pass as in growth.
void draw_exits(const ExitConstants c, const sim::StreamKey stream, std::size_t rows,
                const std::uint32_t* __restrict ids, const std::uint8_t* __restrict alive_flags,
                const std::uint16_t* __restrict ages, const float* __restrict revenues,
                const sim::MoneyColumn* __restrict debts, const float* __restrict exit_by_age,
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
    const float market = exit_by_age[age_index] * size_factor;
    const float leverage_excess = debts[row].value() / revenue - c.distress_leverage;
    const float distress = c.distress_rate * (leverage_excess > 0.0f ? leverage_excess : 0.0f);
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
      exit_by_age_.push_back(
          static_cast<float>(p.exit_hazard * std::pow(1.0 + years, -p.exit_age_exponent)));
    }
    c_.dt = setup.dt();
    c_.exit_size_exponent = static_cast<float>(p.exit_size_exponent);
    c_.log_exit_reference = std::log(static_cast<float>(p.exit_size_reference));
    c_.distress_rate = static_cast<float>(p.distress_hazard);
    c_.distress_leverage = static_cast<float>(p.distress_leverage);
    c_.max_age_index = static_cast<std::uint32_t>(CityModel::MAX_TABLE_AGE_MONTHS);
  }

  [[nodiscard]] const ModuleInfo& info() const override {
    static const ModuleInfo info{"exit",
                                 "exit hazard by age, size and debt, drawn after growth; exits "
                                 "take effect at the end of the firm pass, survivors age",
                                 {Phase::ROWS, Phase::SETTLE},
                                 {"alive", "age_months"},
                                 {"revenue", "debt"},
                                 {EXITS_MARKET, EXITS_DISTRESS},
                                 {{PURPOSE_STEP, 0, 0, 0b0110}}};
    return info;
  }

  void rows(World& world, const StepContext& context, ChunkWork& work) const override {
    const FirmView f(world.firms);
    const std::size_t begin = work.begin;
    work.exit_codes.resize(work.end - begin);
    draw_exits(c_, context.stream(PURPOSE_STEP), work.end - begin, f.id + begin, f.alive + begin,
               f.age_months + begin, f.revenue + begin, f.debt + begin, exit_by_age_.data(),
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
  std::vector<float> exit_by_age_;  ///< exit_hazard * (1 + age in years)^-exit_age_exponent
};

}  // namespace

std::unique_ptr<Module> make_exit(const ModuleSetup& setup) { return make_module<Exit>(setup); }

}  // namespace innosim::models::city
