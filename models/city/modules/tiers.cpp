// Tiers (docs/model.md §1, Entities): the exclusive rung of every firm from its registers and
// labels, assigned before the rounds read it and again before instruments pay on it.
#include "models/city/city_model.hpp"
#include "models/city/modules/modules.hpp"

namespace innosim::models::city {

const sim::ParameterTable<CityParams>& tiers_parameters() { return no_parameters(); }

namespace {

class Tiers final : public Module {
 public:
  [[nodiscard]] const ModuleInfo& info() const override {
    static const ModuleInfo info{
        "tiers",
        "each firm's rung from its registers and labels (before the rounds and before payment)",
        {Phase::INITIAL, Phase::START, Phase::ROUNDS, Phase::PAYMENTS},
        {"tier"},
        {"flags", "high_tech_until_step", "tech_sme_until_step"},
        {},
        {}};
    return info;
  }
  void initial(World& world, const StepContext& context) const override { assign(world, context); }
  void start(World& world, const StepContext& context) const override { assign(world, context); }
  void rounds(World& world, const StepContext& context, StepTotals&) const override {
    assign(world, context);
  }
  void payments(World& world, const StepContext& context, StepTotals&) const override {
    assign(world, context);
  }

 private:
  static void assign(World& world, const StepContext& context) {
    FirmView f(world.firms);
    const int step = context.when.step;
    for (std::size_t row = 0; row < world.firms.size(); ++row) {
      const std::uint8_t flags = f.flags[row];
      Tier tier = CANDIDATE;
      if ((flags & FLAG_LEADER) != 0) {
        tier = LEADER;
      } else if ((flags & FLAG_GAZELLE) != 0) {
        tier = GAZELLE;
      } else if (f.high_tech_until[row] > step) {
        tier = HIGH_TECH;
      } else if (f.tech_sme_until[row] > step) {
        tier = TECH_SME;
      }
      f.tier[row] = tier;
    }
  }
};

}  // namespace

std::unique_ptr<Module> make_tiers(const ModuleSetup&) { return make_module<Tiers>(); }

}  // namespace innosim::models::city
