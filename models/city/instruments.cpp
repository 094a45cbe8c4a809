#include "models/city/instruments.hpp"

#include <algorithm>

#include "sim/params/parameter_table.hpp"

namespace innosim::models::city {

namespace {

using sim::ParameterSpec;
using sim::ParameterType;

constexpr const char* PREFIX = "instruments.";

/// One [instruments.<name>] table as its keys are written, before names become enums and masks.
struct InstrumentKeys {
  std::string trigger;
  sim::TextList tiers;
  sim::TextList sectors;
  double min_revenue;
  double max_revenue;
  std::int64_t first_year;
  std::int64_t last_year;
  double fixed;
  double share;
  double cap;
  double budget_per_year;
  std::string effect;
  double additionality;
  double events_per_year;
  double base_median;
  double base_log_sd;
  std::int64_t rank_top;
};

using Entry = sim::ParameterEntry<InstrumentKeys>;
#define KEY(member) INNOSIM_FIELD(InstrumentKeys, member)

Entry entry(const char* key, ParameterType type, std::optional<sim::ParameterValue> value,
            double minimum, double maximum, const char* unit, const char* meaning,
            sim::ParameterField<InstrumentKeys> field, std::vector<std::string> choices = {}) {
  ParameterSpec spec =
      ParameterSpec::make(key, type, std::move(value), minimum, maximum, unit, meaning,
                          "scenario (docs/seed-documents.md lists the seed cities' amounts)");
  spec.choices = std::move(choices);
  return {std::move(spec), field};
}

std::vector<std::string> names_of(auto const& names) {
  return std::vector<std::string>(names.begin(), names.end());
}

std::vector<std::string> trigger_names() {
  std::vector<std::string> names;
  for (const TriggerInfo& trigger : TRIGGERS) names.emplace_back(trigger.name);
  return names;
}

const sim::ParameterTable<InstrumentKeys>& table() {
  constexpr double HUGE_MONEY = 1.0e12;  // 万元: no real amount reaches it (no limit)
  static const sim::ParameterTable<InstrumentKeys> keys({
      entry("trigger", ParameterType::TEXT, std::nullopt, 0, 0, "",
            "the event paid for (see docs/model.md, instruments)", KEY(trigger), trigger_names()),
      entry("tiers", ParameterType::TEXT_LIST, names_of(TIER_NAMES), 0, 0, "",
            "tiers of the firms eligible", KEY(tiers), names_of(TIER_NAMES)),
      entry("sectors", ParameterType::TEXT_LIST, names_of(SECTOR_NAMES), 0, 0, "",
            "sectors of the firms eligible", KEY(sectors), names_of(SECTOR_NAMES)),
      entry("min_revenue", ParameterType::REAL, 0.0, 0.0, HUGE_MONEY, "万元/year",
            "eligible firms' revenue is at least this", KEY(min_revenue)),
      entry("max_revenue", ParameterType::REAL, HUGE_MONEY, 0.0, HUGE_MONEY, "万元/year",
            "and at most this", KEY(max_revenue)),
      entry("first_year", ParameterType::INTEGER, std::int64_t{1900}, 1900, 2200, "year",
            "first calendar year the instrument runs", KEY(first_year)),
      entry("last_year", ParameterType::INTEGER, std::int64_t{2200}, 1900, 2200, "year",
            "last calendar year it runs", KEY(last_year)),
      entry("fixed", ParameterType::REAL, 0.0, 0.0, HUGE_MONEY, "万元", "fixed part of the amount",
            KEY(fixed)),
      entry("share", ParameterType::REAL, 0.0, 0.0, 100.0, "1",
            "share of the event's base added to the amount", KEY(share)),
      entry("cap", ParameterType::REAL, HUGE_MONEY, 0.0, HUGE_MONEY, "万元",
            "the amount is at most this (default: no cap)", KEY(cap)),
      entry("budget_per_year", ParameterType::REAL, HUGE_MONEY, 0.0, HUGE_MONEY, "万元/year",
            "paid in full or not at all, in application order, until it runs out (default: "
            "no limit)",
            KEY(budget_per_year)),
      entry("effect", ParameterType::TEXT, std::string("cash"), 0, 0, "",
            "cash: adds to the firm's cash; rd: additionality of it is spent on extra real R&D, "
            "the rest is cash",
            KEY(effect), {"cash", "rd"}),
      entry("additionality", ParameterType::REAL, 1.0, 0.0, 1.0, "1",
            "effect rd: share of the amount spent on extra R&D", KEY(additionality)),
      entry("events_per_year", ParameterType::REAL, 0.0, 0.0, 1.0e9, "events/year",
            "challenge_project, application_scenario, innovation_voucher: awards a year "
            "(Poisson), each to a random eligible firm",
            KEY(events_per_year)),
      entry("base_median", ParameterType::REAL, 100.0, 0.0, HUGE_MONEY, "万元",
            "those triggers: median of the lognormal base (contract payments, investment, "
            "services bought)",
            KEY(base_median)),
      entry("base_log_sd", ParameterType::REAL, 1.0, 0.0, 10.0, "1", "sigma of its log",
            KEY(base_log_sd)),
      entry("rank_top", ParameterType::INTEGER, std::int64_t{10}, 1, 1000000000, "firms",
            "top_rd_investor: how many of the largest R&D spenders are eligible", KEY(rank_top)),
  });
  return keys;
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

Trigger trigger_of(const std::string& name) {
  for (std::size_t index = 0; index < TRIGGER_COUNT; ++index) {
    if (TRIGGERS[index].name == name) return static_cast<Trigger>(index);
  }
  return Trigger::COUNT;
}

Instrument instrument_of(const std::string& name, const InstrumentKeys& keys) {
  Instrument instrument;
  instrument.name = name;
  instrument.trigger = trigger_of(keys.trigger);
  instrument.who.tier_mask = mask_of(keys.tiers, TIER_NAMES);
  instrument.who.sector_mask = mask_of(keys.sectors, SECTOR_NAMES);
  instrument.who.min_revenue = keys.min_revenue;
  instrument.who.max_revenue = keys.max_revenue;
  instrument.who.first_year = static_cast<int>(keys.first_year);
  instrument.who.last_year = static_cast<int>(keys.last_year);
  instrument.fixed = sim::Money(keys.fixed);
  instrument.share = keys.share;
  instrument.cap = sim::Money(keys.cap);
  instrument.budget_per_year = sim::Money(keys.budget_per_year);
  instrument.effect = keys.effect == "rd" ? Effect::RD : Effect::CASH;
  instrument.additionality = keys.additionality;
  instrument.events_per_year = keys.events_per_year;
  instrument.base_median = sim::Money(keys.base_median);
  instrument.base_log_sd = keys.base_log_sd;
  instrument.rank_top = keys.rank_top;
  return instrument;
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

}  // namespace

const std::vector<sim::ParameterSpec>& instrument_specs() { return table().specs(); }

Instrument instrument_defaults() { return instrument_of("", table().defaults()); }

std::vector<Instrument> instruments_from(const sim::ParameterSet& values) {
  std::vector<Instrument> instruments;
  for (const std::string& name : instrument_names(values))
    instruments.push_back(instrument_of(name, table().fill(values, PREFIX + name + ".")));
  return instruments;
}

std::vector<sim::ParameterProblem> check_instruments(const sim::ParameterSet& values) {
  std::vector<sim::ParameterProblem> problems;
  for (const Instrument& instrument : instruments_from(values)) {
    const std::string prefix = PREFIX + instrument.name + ".";
    const TriggerInfo& trigger = trigger_info(instrument.trigger);
    if (instrument.share > 0.0 && !trigger.has_base) {
      problems.push_back({prefix + "share",
                          "needs a trigger with a base amount (annual_rd, top_rd_investor, "
                          "challenge_project, application_scenario, innovation_voucher); " +
                              std::string(trigger.name) + " has none"});
    }
    if (instrument.events_per_year > 0.0 && !trigger.generated) {
      problems.push_back({prefix + "events_per_year",
                          "applies only to challenge_project, application_scenario and "
                          "innovation_voucher; " +
                              std::string(trigger.name) + " events come from the model"});
    }
    if (instrument.who.first_year > instrument.who.last_year) {
      problems.push_back({prefix + "first_year", "is after " + prefix + "last_year"});
    }
    if (instrument.who.min_revenue > instrument.who.max_revenue) {
      problems.push_back({prefix + "min_revenue", "exceeds " + prefix + "max_revenue"});
    }
    if (instrument.who.tier_mask == 0) problems.push_back({prefix + "tiers", "names no tier"});
    if (instrument.who.sector_mask == 0)
      problems.push_back({prefix + "sectors", "names no sector"});
  }
  return problems;
}

InstrumentSet::InstrumentSet(std::vector<Instrument> instruments)
    : instruments_(std::move(instruments)) {
  for (const Instrument& instrument : instruments_)
    wanted_ |= 1u << static_cast<unsigned>(instrument.trigger);
}

Ledger::Ledger(const std::vector<Instrument>& instruments)
    : instruments_(&instruments),
      budget_left_(instruments.size()),
      spending_(instruments.size()),
      counts_{std::vector<std::uint32_t>(instruments.size()),
              std::vector<std::uint32_t>(instruments.size())} {
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
      if (!instrument.who.admits(firms, row)) continue;
      const sim::Money amount = instrument.amount(application.base);
      if (amount <= sim::Money()) continue;
      ++counts_.claims[index];
      if (amount > budget_left_[index]) continue;  // all or nothing
      budget_left_[index] -= amount;
      spending_[index] += amount;
      ++counts_.payments[index];
      ++payments;
      const sim::Money to_rd =
          instrument.effect == Effect::RD ? amount * instrument.additionality : sim::Money();
      firms.cash[row] += sim::MoneyColumn(amount - to_rd);
      const auto extra_rd = static_cast<float>(to_rd.value());
      firms.knowledge[row] += extra_rd;
      firms.rd_reported_ytd[row] += extra_rd;
    }
  }
  applications.clear();
  return payments;
}

std::vector<sim::Money> Ledger::take_spending() {
  std::vector<sim::Money> spent = spending_;
  std::fill(spending_.begin(), spending_.end(), sim::Money());
  return spent;
}

Ledger::Counts Ledger::take_counts() {
  Counts counts = counts_;
  std::fill(counts_.claims.begin(), counts_.claims.end(), 0u);
  std::fill(counts_.payments.begin(), counts_.payments.end(), 0u);
  return counts;
}

}  // namespace innosim::models::city
