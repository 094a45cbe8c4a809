// Direct policy instruments as data. Each [instruments.<name>] table of a scenario is one
// instrument: who is eligible (trigger event, tiers, sectors, revenue range, active years), an
// amount rule (fixed + share of a base, capped), an annual budget (when it runs out, later
// applicants that year get nothing) and an effect on the firm. A new instrument is a new table
// in a scenario; a new kind of trigger is one line of triggers.hpp plus the module raising it.
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "models/city/calendar.hpp"
#include "models/city/eligibility.hpp"
#include "models/city/firms.hpp"
#include "models/city/triggers.hpp"
#include "sim/money/account_book.hpp"
#include "sim/money/money.hpp"
#include "sim/params/parameter_spec.hpp"
#include "sim/rng/stream.hpp"

namespace innosim::models::city {

/// The channel through which a payment acts on the firm (docs/model.md §3.4, effects).
enum class Effect : std::uint8_t {
  LIQUIDITY,    ///< the amount goes to the firm's cash
  RD,           ///< `additionality` of it is spent on extra real R&D, the rest is cash
  APPLICATION,  ///< services for the next certification application (application_support)
  DEMAND,       ///< a contract: the firm's revenue rate rises by the amount a year
  SURVIVAL,     ///< cash, and the market exit hazard times hazard_factor for effect_months
};
inline constexpr std::array<std::string_view, 5> EFFECT_NAMES = {"liquidity", "rd", "application",
                                                                 "demand", "survival"};

struct Instrument {
  std::string name;
  Trigger trigger = Trigger::COUNT;
  Eligibility who;
  sim::Money fixed;
  double share = 0.0;  ///< of the event's base
  sim::Money cap;
  sim::Money budget_per_year;
  Effect effect = Effect::LIQUIDITY;
  double additionality = 0.0;      ///< effect rd
  double hazard_factor = 1.0;      ///< effect survival
  std::int64_t effect_months = 0;  ///< effect survival
  sim::Money claim_cost;           ///< a firm claims only when it expects more
  double events_per_year = 0.0;    ///< generated triggers only
  sim::Money base_median;          ///< generated triggers: base ~ LogNormal(median, log sd)
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
  /// An institution's claim (an incubator's upgrade award, a bank's loss compensation): the
  /// recipient's account; `row` and `firm_id` are then unused and the instrument's eligibility by
  /// firm attributes does not apply. -1: the firm in `row` claims.
  std::int32_t account = -1;
  std::uint32_t institution = 0;  ///< the institution's index within its kind
};

/// A payment to an institution, which its mechanism turns into an effect (docs/model.md §3.8).
struct InstitutionPayment {
  std::size_t instrument = 0;
  std::int32_t account = -1;
  std::uint32_t institution = 0;
  sim::Money amount;
};

/// The scenario's instruments and the triggers they pay on.
class InstrumentSet {
 public:
  explicit InstrumentSet(std::vector<Instrument> instruments);
  [[nodiscard]] const std::vector<Instrument>& all() const { return instruments_; }
  [[nodiscard]] bool pays_on(Trigger trigger) const {
    return (wanted_ >> static_cast<unsigned>(trigger) & 1u) != 0;
    static_assert(TRIGGER_COUNT <= 64);
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
  std::uint64_t wanted_ = 0;  ///< bit per Trigger some instrument pays on
};

/// What the ledger did in a step, per instrument.
struct LedgerStep {
  std::vector<sim::Money> spending;  ///< paid
  std::vector<double> claims;        ///< eligible claims (paid or not)
  std::vector<double> payments;      ///< claims paid
};

/// Budgets, payments and what firms expect of every instrument.
class Ledger {
 public:
  explicit Ledger(const std::vector<Instrument>& instruments);
  /// Routes every payment through `book` from here on: each instrument gets a programme
  /// account, and a payment moves whole yuan from it to the firms' account (counted by the
  /// firm's tier) or to the claiming institution's account. The book must outlive the ledger.
  void keep_accounts(sim::AccountBook& book, sim::AccountBook::AccountId firms_account);
  /// The programme account of instrument `index` (after keep_accounts).
  [[nodiscard]] sim::AccountBook::AccountId programme_account(std::size_t index) const {
    return programme_accounts_[index];
  }
  /// Opens a calendar year: refills every budget and sets each instrument's expected fill from
  /// the year that ended.
  void start_year();
  /// Pays each eligible application in order until budgets run out and applies the effects;
  /// `when` is the step paying. Without `paying` (the burn-in, before any instrument exists) it
  /// only counts the claims an instrument would have had. Amounts are paid in whole yuan.
  /// Payments to institutions are appended to `to_institutions` for their mechanisms. Returns
  /// the number of payments made.
  std::size_t pay(std::vector<Application>& applications, const FirmView& firms,
                  const StepCalendar& when, bool paying,
                  std::vector<InstitutionPayment>* to_institutions = nullptr);
  /// The share of its claims firms expect instrument `index` to pay this year (docs/model.md
  /// §3.4, expectations): the share of last year's claimed amount it paid; for an instrument that
  /// paid nothing last year because it did not run (the first year after the burn-in, or before
  /// its first_year), the share its budget would have covered, min(1, budget / claimed); with no
  /// claims last year, 1 if it has a budget and 0 if not. A zero budget is expected to pay
  /// nothing, an unlimited one everything.
  [[nodiscard]] double expected_fill(std::size_t index) const { return expected_fill_[index]; }
  /// What a firm expects instrument `index` to pay it for a claim with `base`: the rule's amount
  /// times the expected fill (exactly 0 for a zero budget).
  [[nodiscard]] sim::Money expected_payment(std::size_t index, sim::Money base = {}) const {
    return (*instruments_)[index].amount(base) * expected_fill_[index];
  }
  /// Whether a firm eligible for instrument `index` with a claim on `base` applies: always when
  /// claiming costs nothing, else when it expects more than the claim's cost. Firms that do not
  /// apply are still counted as claims (`claims_<name>`: eligible events), not in the fill.
  [[nodiscard]] bool worth_claiming(std::size_t index, sim::Money base = {}) const {
    const sim::Money cost = (*instruments_)[index].claim_cost;
    return cost <= sim::Money() || expected_payment(index, base) > cost;
  }
  /// Scales the claims of the year so far (the burn-in city is larger than the run's: the start
  /// scales its last year's claims to the starting firms).
  void scale_claims(double factor);
  /// What was paid and claimed per instrument since the last take_step(), then reset to zero.
  LedgerStep take_step();

 private:
  const std::vector<Instrument>* instruments_;
  std::vector<sim::Yuan> budget_left_;  ///< whole yuan
  sim::AccountBook* book_ = nullptr;
  sim::AccountBook::AccountId firms_account_ = 0;
  std::vector<sim::AccountBook::AccountId> programme_accounts_;
  std::vector<double> expected_fill_;
  std::vector<sim::Money> claimed_year_;  ///< eligible amount claimed this calendar year
  std::vector<sim::Money> paid_year_;
  bool paid_this_year_ = false;  ///< whether this year's claims were payable (not the burn-in)
  LedgerStep step_;
};

}  // namespace innosim::models::city
