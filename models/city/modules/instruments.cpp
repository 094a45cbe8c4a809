// Instruments (docs/model.md §3.4): the scenario's instruments gather the events they pay on
// (claims on last year's R&D, generated awards, talent-team entries; the other modules claim
// theirs through InstrumentSet::claim) and pay at the end of the step, in application order,
// until budgets run out. The ledger opens each year (budgets, expectations) before any January
// decision (CityModel::run_step).
#include <algorithm>
#include <cmath>

#include "models/city/city_model.hpp"
#include "models/city/modules/modules.hpp"
#include "models/city/parameter_entries.hpp"
#include "sim/rng/distributions.hpp"

namespace innosim::models::city {

const ParameterTable& instruments_parameters() {
  static const ParameterTable table({
      integer("rd_award_month", 6, 1, 12, "month",
              "month in which instruments on last year's R&D (annual_rd, top_rd_investor) pay",
              "assumption: after annual reports", FIELD(rd_award_month)),
  });
  return table;
}

namespace {

std::uint32_t name_hash(const std::string& name) {
  std::uint32_t hash = 2166136261u;  // FNV-1a: generated events are keyed by instrument name,
  for (const char c : name) {        // so adding an instrument does not shift another's draws
    hash ^= static_cast<std::uint8_t>(c);
    hash *= 16777619u;
  }
  return hash;
}

class Instruments final : public Module {
 public:
  explicit Instruments(const ModuleSetup& setup)
      : p_(setup.params), instruments_(setup.instruments), time_(setup.time) {}

  [[nodiscard]] const ModuleInfo& info() const override {
    static const ModuleInfo info{
        "instruments",
        "claims on R&D, generated awards and talent-team entries; payments in order until "
        "budgets run out",
        {Phase::ENTRANTS, Phase::ROUNDS, Phase::PAYMENTS},
        {"survival_until_step", "survival_hazard_cut"},
        {"alive", "tier", "sector", "revenue", "rd_reported_last_year", "cash", "knowledge",
         "rd_reported_ytd", "rd_intensity_real", "rd_intensity_reported", "application_support",
         "tax_profit_ytd"},
        {SPENDING_INSTRUMENTS},
        {{PURPOSE_ORDER, 0, ALL_BLOCKS}, {PURPOSE_EVENTS, 0, ALL_BLOCKS}}};
    return info;
  }

  void entrants(World& world, std::size_t first_row, Origin origin,
                const StepContext& context) const override {
    if (origin != TALENT_TEAM) return;
    const FirmView f(world.firms);
    const sim::StreamKey order = context.stream(PURPOSE_ORDER);
    for (std::size_t row = first_row; row < world.firms.size(); ++row)
      instruments_.claim(world.applications, static_cast<std::uint32_t>(row), f.id[row],
                         Trigger::TALENT_TEAM_ENTRY, order);
  }
  // In the burn-in the events are raised and claimed as in the run, but not paid (no
  // instrument existed yet): the claims of its last year set what firms expect of each
  // instrument in the first year (Ledger::expected_fill).
  void rounds(World& world, const StepContext& context, StepTotals&) const override {
    // Only the burn-in's last year's claims set expectations: earlier burn-in years claim nothing.
    if (context.burn_in && context.when.year != context.model.calendar(0).year - 1) return;
    if (context.when.contains_month(static_cast<int>(p_.rd_award_month)))
      rd_claims(world, context.when);
    generated_events(world, context);
  }
  void payments(World& world, const StepContext& context, StepTotals& totals) const override {
    world.institution_payments.clear();
    world.ledger.pay(world.applications, FirmView(world.firms), context.when, !context.burn_in,
                     &world.institution_payments);
    world.instrument_step = world.ledger.take_step();
    sim::Money total;
    for (const sim::Money spent : world.instrument_step.spending) total += spent;
    totals[SPENDING_INSTRUMENTS] = total.value();
  }

 private:
  /// Claims on last year's R&D: annual_rd for every firm that reported some, top_rd_investor
  /// for the rank_top largest.
  void rd_claims(World& world, const StepCalendar& when) const;
  /// Awards of the instruments that generate their own events, each to a random eligible firm.
  void generated_events(World& world, const StepContext& context) const;

  const CityParams& p_;
  const InstrumentSet& instruments_;
  sim::TimeAxis time_;
};

void Instruments::rd_claims(World& world, const StepCalendar& when) const {
  FirmView f(world.firms);
  if (instruments_.pays_on(Trigger::ANNUAL_RD)) {
    for (std::size_t row = 0; row < world.firms.size(); ++row) {
      if (f.alive[row] == 0 || f.rd_reported_y1[row] <= 0.0f) continue;
      world.applications.push_back({static_cast<std::uint32_t>(row), f.id[row], Trigger::ANNUAL_RD,
                                    -1, 0, sim::Money(f.rd_reported_y1[row])});
    }
  }
  const auto& all = instruments_.all();
  for (std::size_t index = 0; index < all.size(); ++index) {
    const Instrument& instrument = all[index];
    if (instrument.trigger != Trigger::TOP_RD_INVESTOR || !instrument.active_in(when.year))
      continue;
    std::vector<std::uint32_t> rows;
    for (std::size_t row = 0; row < world.firms.size(); ++row) {
      if (f.alive[row] != 0 && f.rd_reported_y1[row] > 0.0f)
        rows.push_back(static_cast<std::uint32_t>(row));
    }
    const std::size_t top = std::min(rows.size(), static_cast<std::size_t>(instrument.rank_top));
    std::partial_sort(rows.begin(), rows.begin() + static_cast<std::ptrdiff_t>(top), rows.end(),
                      [&](std::uint32_t a, std::uint32_t b) {
                        return f.rd_reported_y1[a] != f.rd_reported_y1[b]
                                   ? f.rd_reported_y1[a] > f.rd_reported_y1[b]
                                   : f.id[a] < f.id[b];
                      });
    for (std::size_t rank = 0; rank < top; ++rank) {
      world.applications.push_back(
          {rows[rank], f.id[rows[rank]], Trigger::TOP_RD_INVESTOR, static_cast<std::int32_t>(index),
           static_cast<std::uint32_t>(rank), sim::Money(f.rd_reported_y1[rows[rank]])});
    }
  }
  // annual_rd claims are paid pro rata (Ledger::pay): their order does not matter, and they keep
  // order key 0 (then firm id).
}

void Instruments::generated_events(World& world, const StepContext& context) const {
  FirmView f(world.firms);
  const double dt = time_.step_months / 12.0;
  const sim::StreamKey stream = context.stream(PURPOSE_EVENTS);
  const auto& all = instruments_.all();
  for (std::size_t index = 0; index < all.size(); ++index) {
    const Instrument& instrument = all[index];
    if (!trigger_info(instrument.trigger).generated || !instrument.active_in(context.when.year) ||
        instrument.events_per_year <= 0.0)
      continue;
    sim::DrawSequence draws(stream, name_hash(instrument.name));
    const std::int64_t events = sim::poisson(draws, instrument.events_per_year * dt);
    if (events == 0) continue;
    std::vector<std::uint32_t> eligible;
    for (std::size_t row = 0; row < world.firms.size(); ++row) {
      if (instrument.who.admits(f, row)) eligible.push_back(static_cast<std::uint32_t>(row));
    }
    if (eligible.empty()) continue;
    for (std::int64_t event = 0; event < events; ++event) {
      const double pick = draws.next_u01();
      const std::uint32_t row =
          eligible[static_cast<std::size_t>(pick * static_cast<double>(eligible.size()))];
      const std::uint32_t radius = draws.next_word();
      const float z = sim::normal(radius, draws.next_word());
      const sim::Money base = instrument.base_median * std::exp(instrument.base_log_sd * z);
      world.applications.push_back({row, f.id[row], instrument.trigger,
                                    static_cast<std::int32_t>(index),
                                    static_cast<std::uint32_t>(event), base});
    }
  }
}

}  // namespace

std::unique_ptr<Module> make_instruments(const ModuleSetup& setup) {
  return make_module<Instruments>(setup);
}

}  // namespace innosim::models::city
