// Direct policy instruments as data (design.md decision 5). Each [instruments.<name>] table of
// a scenario is one instrument: an eligibility rule (trigger event, tiers, sectors, revenue
// range, active years), an amount rule (fixed + share of a base, capped), an annual budget
// (when it runs out, later applicants that year get nothing) and an effect on the firm.
// A new instrument is a new table in a scenario; a new kind of trigger is one enum entry here
// plus the place in the model that raises it.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "models/city/firms.hpp"
#include "sim/params/parameter_spec.hpp"

namespace innosim::models::city {

/// The events an instrument can pay on.
enum class Trigger : std::uint8_t {
  HIGH_TECH_CERTIFIED,    ///< first certification, or again after a lapse
  HIGH_TECH_RECERTIFIED,  ///< renewal at expiry
  TECH_SME_ADMITTED,      ///< entry into the register (not a renewal)
  GAZELLE_SELECTED,       ///< newly labelled (not labelled the year before)
  LEADER_SELECTED,
  LITTLE_GIANT_SELECTED,
  FLEDGLING_SELECTED,
  IPO_COUNSELLING,  ///< IPO milestones: counselling filed, application accepted, listed
  IPO_ACCEPTED,
  IPO_LISTED,
  ANNUAL_RD,             ///< every firm with last year's reported R&D; base = that R&D
  TOP_RD_INVESTOR,       ///< the rank_top largest R&D spenders of last year; base = R&D
  CHALLENGE_PROJECT,     ///< 揭榜挂帅 awards: events_per_year; base = contract payments
  APPLICATION_SCENARIO,  ///< application-scenario projects; base = investment
  INNOVATION_VOUCHER,    ///< 创新券 claims; base = services bought
  TALENT_TEAM_ENTRY,     ///< a talent-team firm is founded
  COUNT
};
inline constexpr std::array<std::string_view, static_cast<std::size_t>(Trigger::COUNT)>
    TRIGGER_NAMES = {"high_tech_certified", "high_tech_recertified",
                     "tech_sme_admitted",   "gazelle_selected",
                     "leader_selected",     "little_giant_selected",
                     "fledgling_selected",  "ipo_counselling",
                     "ipo_accepted",        "ipo_listed",
                     "annual_rd",           "top_rd_investor",
                     "challenge_project",   "application_scenario",
                     "innovation_voucher",  "talent_team_entry"};
/// Triggers whose events the instrument itself generates (events_per_year, base distribution).
[[nodiscard]] bool is_generated(Trigger trigger);

enum class Effect : std::uint8_t {
  CASH,  ///< the amount goes to the firm's cash
  RD,    ///< `additionality` of it is spent on extra real R&D (knowledge), the rest is cash
};

struct Instrument {
  std::string name;
  Trigger trigger = Trigger::HIGH_TECH_CERTIFIED;
  std::uint8_t tier_mask = 0xff;    ///< bit t: tier t eligible
  std::uint8_t sector_mask = 0xff;  ///< bit s: sector s eligible
  double min_revenue = 0.0;
  double max_revenue = 1.0e12;
  int first_year = 1900;
  int last_year = 2200;
  double fixed = 0.0;  ///< 万元
  double share = 0.0;  ///< of the event's base
  double cap = 1.0e12;
  double budget_per_year = 1.0e12;
  Effect effect = Effect::CASH;
  double additionality = 1.0;
  double events_per_year = 0.0;  ///< generated triggers only
  double base_median = 0.0;      ///< generated triggers: base ~ LogNormal(median, log sd)
  double base_log_sd = 0.0;
  std::int64_t rank_top = 10;  ///< top_rd_investor

  [[nodiscard]] bool active_in(int year) const { return year >= first_year && year <= last_year; }
  [[nodiscard]] double amount(double base) const;
};

/// Keys of one [instruments.<name>] table (relative: "trigger", "fixed", ...).
[[nodiscard]] const std::vector<sim::ParameterSpec>& instrument_specs();
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
  double base = 0.0;
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
  std::vector<double> take_spending();
  [[nodiscard]] const std::vector<Instrument>& instruments() const { return *instruments_; }

 private:
  const std::vector<Instrument>* instruments_;
  std::vector<double> budget_left_;
  std::vector<double> spending_;
};

}  // namespace innosim::models::city
