// Tiers (docs/model.md §1, Entities): the exclusive rung of every firm from its registers and
// labels, assigned before the rounds read it and again before instruments pay on it.
#include "models/city/city_model.hpp"
#include "models/city/modules/modules.hpp"

namespace innosim::models::city {

const sim::ParameterTable<CityParams>& tiers_parameters() { return no_parameters(); }

namespace {

/// The highest rung a firm stands on. Rungs are numbered in their order of precedence (leader
/// over gazelle over high-tech over tech SME), so the tier is the largest of the rungs held: a
/// vectorised pass of maxima, where a chain of selects became branches. Not inlined, so GCC
/// keeps the restrict.
[[gnu::noinline]] void assign_tiers(std::size_t rows, std::int32_t step,
                                    const std::uint8_t* __restrict flags,
                                    const std::uint16_t* __restrict high_tech_until,
                                    const std::uint16_t* __restrict tech_sme_until,
                                    std::uint8_t* __restrict tiers) {
  static_assert(CANDIDATE < TECH_SME && TECH_SME < HIGH_TECH && HIGH_TECH < GAZELLE &&
                GAZELLE < LEADER);
  for (std::size_t row = 0; row < rows; ++row) {
    const std::int32_t leader = (flags[row] & FLAG_LEADER) != 0 ? LEADER : CANDIDATE;
    const std::int32_t gazelle = (flags[row] & FLAG_GAZELLE) != 0 ? GAZELLE : CANDIDATE;
    const std::int32_t high_tech = high_tech_until[row] > step ? HIGH_TECH : CANDIDATE;
    const std::int32_t tech_sme = tech_sme_until[row] > step ? TECH_SME : CANDIDATE;
    const std::int32_t upper = leader > gazelle ? leader : gazelle;
    const std::int32_t lower = high_tech > tech_sme ? high_tech : tech_sme;
    tiers[row] = static_cast<std::uint8_t>(upper > lower ? upper : lower);
  }
}

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
    assign_tiers(world.firms.size(), context.when.step, f.flags, f.high_tech_until,
                 f.tech_sme_until, f.tier);
  }
};

}  // namespace

std::unique_ptr<Module> make_tiers(const ModuleSetup&) { return make_module<Tiers>(); }

}  // namespace innosim::models::city
