// Direct policy instruments as data. Each [instruments.<name>] table of a scenario is one
// instrument: who is eligible (trigger event, tiers, sectors, revenue range, active years), an
// amount rule (fixed + share of a base, capped), an annual budget (when it runs out, later
// applicants that year get nothing) and an effect on the firm. A new instrument is a new table
// in a scenario; a new kind of trigger is one line of triggers.hpp plus the module raising it.
#pragma once

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "models/city/eligibility.hpp"
#include "models/city/firms.hpp"
#include "models/city/triggers.hpp"
#include "sim/money/money.hpp"
#include "sim/params/parameter_spec.hpp"
#include "sim/rng/stream.hpp"

namespace innosim::models::city {

enum class Effect : std::uint8_t {
  CASH,  ///< the amount goes to the firm's cash
  RD,    ///< `additionality` of it is spent on extra real R&D (knowledge), the rest is cash
};

struct Instrument {
  std::string name;
  Trigger trigger = Trigger::COUNT;
  Eligibility who;
  sim::Money fixed;
  double share = 0.0;  ///< of the event's base
  sim::Money cap;
  sim::Money budget_per_year;
  Effect effect = Effect::CASH;
  double additionality = 0.0;
  double events_per_year = 0.0;  ///< generated triggers only
  sim::Money base_median;        ///< generated triggers: base ~ LogNormal(median, log sd)
  double base_log_sd = 0.0;
  std::int64_t rank_top = 0;  ///< top_rd_investor

  [[nodiscard]] bool active_in(int year) const { return who.active_in(year); }
  [[nodiscard]] sim::Money amount(sim::Money base) const {
    return std::min(cap, fixed + share * base);
  }
};

/// Keys of one [instruments.<name>] table (relative: "trigger", "fixed", ...).
[[nodiscard]] const std::vector<sim::ParameterSpec>& instrument_specs();
/// An instrument with every key at its spec's default (trigger and name still to set).
[[nodiscard]] Instrument instrument_defaults();
/// The instruments of a resolved parameter set, sorted by name.
[[nodiscard]] std::vector<Instrument> instruments_from(const sim::ParameterSet& values);
/// Cross-key checks of every instrument (e.g. share > 0 needs a trigger with a base).
[[nodiscard]] std::vector<sim::ParameterProblem> check_instruments(const sim::ParameterSet& values);

/// An event a firm may be paid for. Instruments pay applications in (order_key, firm_id) order.
struct Application {
  std::uint32_t row = 0;
  std::uint32_t firm_id = 0;
  Trigger trigger = Trigger::ANNUAL_RD;
  /// -1: every instrument on the trigger; otherwise the generating instrument's index.
  std::int32_t instrument = -1;
  std::uint32_t order_key = 0;
  sim::Money base;
};

/// The scenario's instruments and the triggers they pay on.
class InstrumentSet {
 public:
  explicit InstrumentSet(std::vector<Instrument> instruments);
  [[nodiscard]] const std::vector<Instrument>& all() const { return instruments_; }
  [[nodiscard]] bool pays_on(Trigger trigger) const {
    return (wanted_ >> static_cast<unsigned>(trigger) & 1u) != 0;
  }
  /// Queues an application for `trigger` if an instrument pays on it; its place in the paying
  /// order is a draw of `order` (the step's PURPOSE_ORDER stream) for the firm and trigger.
  void claim(std::vector<Application>& applications, std::uint32_t row, std::uint32_t firm_id,
             Trigger trigger, const sim::StreamKey& order, sim::Money base = {}) const {
    if (!pays_on(trigger)) return;
    applications.push_back({row, firm_id, trigger, -1,
                            order.block(firm_id, static_cast<std::uint32_t>(trigger))[0], base});
  }

 private:
  std::vector<Instrument> instruments_;
  std::uint32_t wanted_ = 0;  ///< bit per Trigger some instrument pays on
};

/// Budgets and payments of every instrument.
class Ledger {
 public:
  explicit Ledger(const std::vector<Instrument>& instruments);
  /// Refills every budget at the start of a calendar year.
  void start_year();
  /// Pays each eligible application in order until budgets run out; applies the effects.
  /// Returns the number of payments made.
  std::size_t pay(std::vector<Application>& applications, const FirmView& firms, int year);
  /// Spending per instrument since the last take_spending(), then reset to zero.
  std::vector<sim::Money> take_spending();
  /// Per instrument since the last take_counts(), then reset: claims (applications it would
  /// pay, budget aside: active, firm eligible, amount > 0; a zero-budget instrument still counts
  /// them) and payments made. Their ratio across runs with and without the instrument estimates
  /// its deadweight (docs/attribution.md).
  struct Counts {
    std::vector<std::uint32_t> claims;
    std::vector<std::uint32_t> payments;
  };
  Counts take_counts();

 private:
  const std::vector<Instrument>* instruments_;
  std::vector<sim::Money> budget_left_;
  std::vector<sim::Money> spending_;
  Counts counts_;
};

}  // namespace innosim::models::city
