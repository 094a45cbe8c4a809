#include "models/city/instruments.hpp"

#include <algorithm>
#include <set>

namespace innosim::models::city {

namespace {

using sim::ParameterSpec;
using sim::ParameterType;

constexpr const char* PREFIX = "instruments.";

ParameterSpec spec(const char* key, ParameterType type, std::optional<sim::ParameterValue> value,
                   double minimum, double maximum, const char* unit, const char* meaning) {
  return ParameterSpec::make(key, type, std::move(value), minimum, maximum, unit, meaning,
                             "scenario (facts.md lists the seed cities' amounts)");
}

std::vector<std::string> names_of(auto const& names) {
  return std::vector<std::string>(names.begin(), names.end());
}

template <class Names>
std::uint8_t mask_of(const sim::TextList& chosen, const Names& names) {
  std::uint8_t mask = 0;
  for (const auto& name : chosen) {
    const auto found = std::find(names.begin(), names.end(), name);
    mask = static_cast<std::uint8_t>(mask | (1u << (found - names.begin())));
  }
  return mask;
}

/// Instrument names of a resolved set: the <name> of every "instruments.<name>.trigger".
std::vector<std::string> instrument_names(const sim::ParameterSet& values) {
  std::vector<std::string> names;
  for (const auto& [key, value] : values.values()) {
    if (key.rfind(PREFIX, 0) != 0) continue;
    const std::string rest = key.substr(std::string(PREFIX).size());
    const auto dot = rest.find('.');
    if (rest.substr(dot + 1) == "trigger") names.push_back(rest.substr(0, dot));
  }
  return names;  // sorted: the map is
}

Trigger trigger_of(const std::string& name) {
  const auto found = std::find(TRIGGER_NAMES.begin(), TRIGGER_NAMES.end(), name);
  return static_cast<Trigger>(found - TRIGGER_NAMES.begin());
}

/// Triggers whose event carries a base amount (share of a base is meaningful).
bool has_base(Trigger trigger) {
  return trigger == Trigger::ANNUAL_RD || trigger == Trigger::TOP_RD_INVESTOR ||
         is_generated(trigger);
}

}  // namespace

bool is_generated(Trigger trigger) {
  return trigger == Trigger::CHALLENGE_PROJECT || trigger == Trigger::APPLICATION_SCENARIO ||
         trigger == Trigger::INNOVATION_VOUCHER;
}

double Instrument::amount(double base) const { return std::min(cap, fixed + share * base); }

const std::vector<sim::ParameterSpec>& instrument_specs() {
  static const std::vector<ParameterSpec> specs = [] {
    ParameterSpec trigger = spec("trigger", ParameterType::TEXT, std::nullopt, 0, 0, "",
                                 "the event paid for (see docs/model.md, instruments)");
    trigger.choices = names_of(TRIGGER_NAMES);
    ParameterSpec tiers = spec("tiers", ParameterType::TEXT_LIST, names_of(TIER_NAMES), 0, 0, "",
                               "tiers of the firms eligible");
    tiers.choices = names_of(TIER_NAMES);
    ParameterSpec sectors = spec("sectors", ParameterType::TEXT_LIST, names_of(SECTOR_NAMES), 0, 0,
                                 "", "sectors of the firms eligible");
    sectors.choices = names_of(SECTOR_NAMES);
    ParameterSpec effect = spec("effect", ParameterType::TEXT, std::string("cash"), 0, 0, "",
                                "cash: adds to the firm's cash; rd: additionality of it is spent "
                                "on extra real R&D, the rest is cash");
    effect.choices = {"cash", "rd"};
    return std::vector<ParameterSpec>{
        trigger,
        tiers,
        sectors,
        spec("min_revenue", ParameterType::REAL, 0.0, 0.0, 1.0e12, "万元/year",
             "eligible firms' revenue is at least this"),
        spec("max_revenue", ParameterType::REAL, 1.0e12, 0.0, 1.0e12, "万元/year",
             "and at most this"),
        spec("first_year", ParameterType::INTEGER, std::int64_t{1900}, 1900, 2200, "year",
             "first calendar year the instrument runs"),
        spec("last_year", ParameterType::INTEGER, std::int64_t{2200}, 1900, 2200, "year",
             "last calendar year it runs"),
        spec("fixed", ParameterType::REAL, 0.0, 0.0, 1.0e12, "万元", "fixed part of the amount"),
        spec("share", ParameterType::REAL, 0.0, 0.0, 100.0, "1",
             "share of the event's base added to the amount"),
        spec("cap", ParameterType::REAL, 1.0e12, 0.0, 1.0e12, "万元",
             "the amount is at most this (default: no cap)"),
        spec("budget_per_year", ParameterType::REAL, 1.0e12, 0.0, 1.0e12, "万元/year",
             "paid in full or not at all, in application order, until it runs out (default: "
             "no limit)"),
        effect,
        spec("additionality", ParameterType::REAL, 1.0, 0.0, 1.0, "1",
             "effect rd: share of the amount spent on extra R&D"),
        spec(
            "events_per_year", ParameterType::REAL, 0.0, 0.0, 1.0e9, "events/year",
            "challenge_project, application_scenario, innovation_voucher: awards a year (Poisson), "
            "each to a random eligible firm"),
        spec("base_median", ParameterType::REAL, 100.0, 0.0, 1.0e12, "万元",
             "those triggers: median of the lognormal base (contract payments, investment, "
             "services bought)"),
        spec("base_log_sd", ParameterType::REAL, 1.0, 0.0, 10.0, "1", "sigma of its log"),
        spec("rank_top", ParameterType::INTEGER, std::int64_t{10}, 1, 1000000000, "firms",
             "top_rd_investor: how many of the largest R&D spenders are eligible"),
    };
  }();
  return specs;
}

std::vector<Instrument> instruments_from(const sim::ParameterSet& values) {
  std::vector<Instrument> instruments;
  for (const std::string& name : instrument_names(values)) {
    const std::string prefix = PREFIX + name + ".";
    auto real = [&](const char* key) { return values.real(prefix + key); };
    Instrument instrument;
    instrument.name = name;
    instrument.trigger = trigger_of(values.text(prefix + "trigger"));
    instrument.tier_mask = mask_of(values.text_list(prefix + "tiers"), TIER_NAMES);
    instrument.sector_mask = mask_of(values.text_list(prefix + "sectors"), SECTOR_NAMES);
    instrument.min_revenue = real("min_revenue");
    instrument.max_revenue = real("max_revenue");
    instrument.first_year = static_cast<int>(values.integer(prefix + "first_year"));
    instrument.last_year = static_cast<int>(values.integer(prefix + "last_year"));
    instrument.fixed = real("fixed");
    instrument.share = real("share");
    instrument.cap = real("cap");
    instrument.budget_per_year = real("budget_per_year");
    instrument.effect = values.text(prefix + "effect") == "rd" ? Effect::RD : Effect::CASH;
    instrument.additionality = real("additionality");
    instrument.events_per_year = real("events_per_year");
    instrument.base_median = real("base_median");
    instrument.base_log_sd = real("base_log_sd");
    instrument.rank_top = values.integer(prefix + "rank_top");
    instruments.push_back(std::move(instrument));
  }
  return instruments;
}

std::vector<sim::ParameterProblem> check_instruments(const sim::ParameterSet& values) {
  std::vector<sim::ParameterProblem> problems;
  for (const Instrument& instrument : instruments_from(values)) {
    const std::string prefix = PREFIX + instrument.name + ".";
    const std::string trigger(TRIGGER_NAMES[static_cast<std::size_t>(instrument.trigger)]);
    if (instrument.share > 0.0 && !has_base(instrument.trigger)) {
      problems.push_back({prefix + "share",
                          "needs a trigger with a base amount (annual_rd, top_rd_investor, "
                          "challenge_project, application_scenario, innovation_voucher); " +
                              trigger + " has none"});
    }
    if (instrument.events_per_year > 0.0 && !is_generated(instrument.trigger)) {
      problems.push_back({prefix + "events_per_year",
                          "applies only to challenge_project, application_scenario and "
                          "innovation_voucher; " +
                              trigger + " events come from the model"});
    }
    if (instrument.first_year > instrument.last_year) {
      problems.push_back({prefix + "first_year", "is after " + prefix + "last_year"});
    }
    if (instrument.min_revenue > instrument.max_revenue) {
      problems.push_back({prefix + "min_revenue", "exceeds " + prefix + "max_revenue"});
    }
    if (instrument.tier_mask == 0) problems.push_back({prefix + "tiers", "names no tier"});
    if (instrument.sector_mask == 0) problems.push_back({prefix + "sectors", "names no sector"});
  }
  return problems;
}

Ledger::Ledger(const std::vector<Instrument>& instruments)
    : instruments_(&instruments),
      budget_left_(instruments.size(), 0.0),
      spending_(instruments.size(), 0.0) {
  start_year();
}

void Ledger::start_year() {
  for (std::size_t i = 0; i < budget_left_.size(); ++i)
    budget_left_[i] = (*instruments_)[i].budget_per_year;
}

std::size_t Ledger::pay(std::vector<Application>& applications, const FirmView& firms, int year) {
  std::sort(applications.begin(), applications.end(),
            [](const Application& a, const Application& b) {
              return a.order_key != b.order_key ? a.order_key < b.order_key : a.firm_id < b.firm_id;
            });
  std::size_t payments = 0;
  const auto& instruments = *instruments_;
  for (std::size_t index = 0; index < instruments.size(); ++index) {
    const Instrument& instrument = instruments[index];
    if (!instrument.active_in(year)) continue;
    for (const Application& application : applications) {
      if (application.trigger != instrument.trigger) continue;
      if (application.instrument >= 0 && static_cast<std::size_t>(application.instrument) != index)
        continue;
      const std::uint32_t row = application.row;
      const double revenue = firms.revenue[row];
      const bool eligible = firms.alive[row] != 0 &&
                            (instrument.tier_mask >> firms.tier[row] & 1u) != 0 &&
                            (instrument.sector_mask >> firms.sector[row] & 1u) != 0 &&
                            revenue >= instrument.min_revenue && revenue <= instrument.max_revenue;
      if (!eligible) continue;
      const double amount = instrument.amount(application.base);
      if (amount <= 0.0 || amount > budget_left_[index]) continue;  // all or nothing
      budget_left_[index] -= amount;
      spending_[index] += amount;
      ++payments;
      const double to_rd =
          instrument.effect == Effect::RD ? amount * instrument.additionality : 0.0;
      firms.cash[row] += static_cast<float>(amount - to_rd);
      firms.knowledge[row] += static_cast<float>(to_rd);
      firms.rd_real_ytd[row] += static_cast<float>(to_rd);
      firms.rd_reported_ytd[row] += static_cast<float>(to_rd);
    }
  }
  applications.clear();
  return payments;
}

std::vector<double> Ledger::take_spending() {
  std::vector<double> spent = spending_;
  std::fill(spending_.begin(), spending_.end(), 0.0);
  return spent;
}

}  // namespace innosim::models::city
