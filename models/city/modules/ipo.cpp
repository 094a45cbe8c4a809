// The IPO pipeline (docs/model.md §3.2.6): certified firms above a revenue floor enter
// counselling; acceptance and listing follow at their rates, one stage per step at most. Each
// milestone is an event instruments can pay on. Rewards for the milestones that a firm expects
// to be paid lower the net cost of going public and so raise the rate of starting counselling.
#include <algorithm>
#include <cmath>

#include "models/city/benefits.hpp"
#include "models/city/city_model.hpp"
#include "models/city/modules/modules.hpp"
#include "models/city/parameter_entries.hpp"
#include "sim/rng/distributions.hpp"

namespace innosim::models::city {

const ParameterTable& ipo_parameters() {
  static const ParameterTable table({
      real("ipo_min_revenue", 30000.0, 0.0, HUGE_MONEY, "万元/year",
           "high-tech firms from this revenue may start IPO counselling", "assumption: 3亿",
           FIELD(ipo_min_revenue)),
      real("ipo_counselling_rate", 0.05, 0.0, 100.0, "1/year",
           "rate of starting IPO counselling (辅导备案)", "assumption",
           FIELD(ipo_counselling_rate)),
      real("ipo_acceptance_rate", 1.0, 0.0, 100.0, "1/year",
           "rate of the application being accepted after counselling", "assumption",
           FIELD(ipo_acceptance_rate)),
      real("ipo_listing_rate", 0.7, 0.0, 100.0, "1/year", "rate of listing after acceptance",
           "assumption", FIELD(ipo_listing_rate)),
      real("ipo_cost", 6000.0, 1.0, HUGE_MONEY, "万元",
           "what going public costs a firm (underwriting, sponsor, audit, legal, listing); the "
           "counselling rate scales as ipo_cost / (ipo_cost - expected rewards for the three "
           "milestones), an elasticity of 1 of the rate to the net cost",
           "assumption: A-share issuance costs run from about 5,000万 to over 1亿 a listing "
           "(prospectuses' 发行费用); the elasticity is an assumption",
           FIELD(ipo_cost)),
  });
  return table;
}

namespace {

class Ipo final : public Module {
 public:
  explicit Ipo(const ModuleSetup& setup)
      : p_(setup.params), instruments_(setup.instruments), dt_(setup.dt()) {}

  [[nodiscard]] const ModuleInfo& info() const override {
    static const ModuleInfo info{
        "ipo",
        "IPO pipeline: counselling, accepted, listed",
        {Phase::ROWS},
        {"ipo_stage"},
        {"alive", "revenue", "high_tech_until_step", "flags", "tier", "sector"},
        {},
        {{PURPOSE_IP, 0, 0, 0b0100}}};
    return info;
  }

  void rows(World& world, const StepContext& context, ChunkWork& work) const override {
    const CityParams& p = p_;
    const FirmView f(world.firms);
    const sim::StreamKey ip_stream = context.stream(PURPOSE_IP);
    const sim::StreamKey order = context.stream(PURPOSE_ORDER);
    for (std::size_t row = work.begin; row < work.end; ++row) {
      if (f.alive[row] == 0) continue;
      const std::uint8_t stage = f.ipo_stage[row];
      if (stage >= 3) continue;
      const bool high_tech = f.high_tech_until[row] > context.when.step;
      const bool candidate = stage == 0 && high_tech && f.revenue[row] >= p.ipo_min_revenue;
      const double rate = stage == 0 ? (candidate ? counselling_rate(world, f, row, context) : 0.0)
                          : stage == 1 ? p.ipo_acceptance_rate
                                       : p.ipo_listing_rate;
      if (rate > 0.0 && sim::bernoulli(ip_stream.block(f.id[row], 0)[2],
                                       static_cast<float>(1.0 - std::exp(-rate * dt_)))) {
        f.ipo_stage[row] = static_cast<std::uint8_t>(stage + 1);
        if (stage + 1 == 3) f.flags[row] |= FLAG_LISTED;
        const auto trigger =
            static_cast<Trigger>(static_cast<int>(Trigger::IPO_COUNSELLING) + stage);
        instruments_.claim(work.applications, static_cast<std::uint32_t>(row), f.id[row], trigger,
                           order);
      }
    }
  }

 private:
  /// The counselling rate of an IPO candidate: the base rate times ipo_cost / (ipo_cost - the
  /// rewards it expects for counselling, acceptance and listing, each at the instrument's
  /// expected fill), the net cost capped at a tenth of the cost. Exactly the base rate without
  /// rewards (a zero budget included).
  [[nodiscard]] double counselling_rate(const World& world, const FirmView& f, std::size_t row,
                                        const StepContext& context) const {
    if (context.burn_in) return p_.ipo_counselling_rate;
    const TierChange tiers{f.tier[row], f.tier[row]};
    double rewards = 0.0;
    for (const Trigger milestone :
         {Trigger::IPO_COUNSELLING, Trigger::IPO_ACCEPTED, Trigger::IPO_LISTED}) {
      rewards += instruments_value(instruments_, world.ledger, milestone, tiers, f.sector[row],
                                   f.revenue[row], 0.0, context.when.year, 0.0);
    }
    const double net_cost = std::max(0.1 * p_.ipo_cost, p_.ipo_cost - rewards);
    return p_.ipo_counselling_rate * (p_.ipo_cost / net_cost);
  }

  const CityParams& p_;
  const InstrumentSet& instruments_;
  float dt_;
};

}  // namespace

std::unique_ptr<Module> make_ipo(const ModuleSetup& setup) { return make_module<Ipo>(setup); }

}  // namespace innosim::models::city
