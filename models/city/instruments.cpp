#include "models/city/instruments.hpp"

#include <algorithm>

#include "models/city/network/accounts.hpp"
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
  double hazard_factor;
  std::int64_t effect_months;
  double claim_cost;
  double events_per_year;
  double base_median;
  double base_log_sd;
  std::int64_t rank_top;
};

using Entry = sim::ParameterEntry<InstrumentKeys>;
#define KEY(member) INNOSIM_FIELD(InstrumentKeys, member)

constexpr const char* SCENARIO_SOURCE =
    "scenario (docs/seed-documents.md lists the seed cities' amounts)";

Entry entry(const char* key, ParameterType type, std::optional<sim::ParameterValue> value,
            double minimum, double maximum, const char* unit, const char* meaning,
            sim::ParameterField<InstrumentKeys> field, std::vector<std::string> choices = {},
            const char* source = SCENARIO_SOURCE) {
  ParameterSpec spec =
      ParameterSpec::make(key, type, std::move(value), minimum, maximum, unit, meaning, source);
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
      entry("effect", ParameterType::TEXT, std::string("liquidity"), 0, 0, "",
            "the channel (docs/model.md §3.4): liquidity: adds to the firm's cash; rd: "
            "additionality of it is spent on extra real R&D, the rest is cash; application: "
            "services held for the firm's next high-tech application (application_support); "
            "demand: a contract, the firm's revenue rate rises by the amount a year; survival: "
            "cash, and the firm's market exit hazard times hazard_factor for effect_months",
            KEY(effect), names_of(EFFECT_NAMES)),
      entry("additionality", ParameterType::REAL, 0.5, 0.0, 1.0, "1",
            "effect rd: extra R&D per yuan of the grant (1: no crowding out; 0: full crowding "
            "out); the literature's range is 0-1, centred near 0.5 for Chinese grants",
            KEY(additionality), {},
            "Boeing 2016 (Chinese listed firms: half a yuan crowded out per yuan in the year of "
            "the grant); Dimos & Pugh 2016 (meta-analysis: no crowding out, no substantial "
            "additionality: up to 1); Wang, Li & Furman 2017 (Innofund: no causal effect: 0)"),
      entry("hazard_factor", ParameterType::REAL, 0.9, 0.0, 1.0, "1",
            "effect survival: the firm's market exit hazard is multiplied by this while the "
            "support lasts",
            KEY(hazard_factor), {},
            "assumption: direction from Girma, Görg & Strobl 2003 (grants help domestic plants "
            "survive longer); incubators show no survival gain in matched studies (Schwartz "
            "2013), so the default cut is small (10%); not measured for Chinese rent support"),
      entry("effect_months", ParameterType::INTEGER, std::int64_t{12}, 1, 600, "months",
            "effect survival: how long the lower hazard lasts after the payment",
            KEY(effect_months), {}, "assumption: a year of rent or incubation support"),
      entry("claim_cost", ParameterType::REAL, 0.0, 0.0, HUGE_MONEY, "万元",
            "what claiming costs a firm (the application's paperwork): an eligible firm claims "
            "only when it expects more than this (the amount times the expected fill); 0: every "
            "eligible firm claims",
            KEY(claim_cost), {},
            "assumption: a subsidy application's paperwork, of the order of a few thousand yuan"),
      entry("events_per_year", ParameterType::REAL, 0.0, 0.0, 1.0e9, "events/year",
            "challenge_project, application_scenario, innovation_voucher, cultivation: awards a "
            "year (Poisson), each to a random eligible firm",
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
  instrument.effect = static_cast<Effect>(
      std::find(EFFECT_NAMES.begin(), EFFECT_NAMES.end(), keys.effect) - EFFECT_NAMES.begin());
  instrument.additionality = keys.additionality;
  instrument.hazard_factor = keys.hazard_factor;
  instrument.effect_months = keys.effect_months;
  instrument.claim_cost = sim::Money(keys.claim_cost);
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
                          "challenge_project, application_scenario, innovation_voucher, "
                          "cultivation); " +
                              std::string(trigger.name) + " has none"});
    }
    if (instrument.events_per_year > 0.0 && !trigger.generated) {
      problems.push_back({prefix + "events_per_year",
                          "applies only to challenge_project, application_scenario, "
                          "innovation_voucher and cultivation; " +
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
    wanted_ |= std::uint64_t{1} << static_cast<unsigned>(instrument.trigger);
}

Ledger::Ledger(const std::vector<Instrument>& instruments)
    : instruments_(&instruments),
      budget_left_(instruments.size()),
      expected_fill_(instruments.size()),
      claimed_year_(instruments.size()),
      paid_year_(instruments.size()) {
  step_.spending.assign(instruments.size(), sim::Money());
  step_.claims.assign(instruments.size(), 0.0);
  step_.payments.assign(instruments.size(), 0.0);
  start_year();
}

void Ledger::start_year() {
  for (std::size_t i = 0; i < budget_left_.size(); ++i) {
    const sim::Money budget = (*instruments_)[i].budget_per_year;
    double fill = budget > sim::Money() ? 1.0 : 0.0;
    if (claimed_year_[i] > sim::Money()) {
      fill = paid_this_year_ ? paid_year_[i].value() / claimed_year_[i].value()
                             : std::min(1.0, budget.value() / claimed_year_[i].value());
    }
    expected_fill_[i] = fill;
    budget_left_[i] = sim::to_yuan(budget);
    claimed_year_[i] = sim::Money();
    paid_year_[i] = sim::Money();
  }
  paid_this_year_ = false;
}

void Ledger::keep_accounts(sim::AccountBook& book, sim::AccountBook::AccountId firms_account) {
  book_ = &book;
  firms_account_ = firms_account;
  programme_accounts_.clear();
  for (std::size_t index = 0; index < instruments_->size(); ++index)
    programme_accounts_.push_back(
        book.open(PROGRAMME_ACCOUNT, recipient_class_of(PROGRAMME_ACCOUNT), true));
}

void Ledger::scale_claims(double factor) {
  for (sim::Money& claimed : claimed_year_) claimed = claimed * factor;
}

namespace {

/// Products of two amounts in yuan (up to 10^32) for exact pro-rata shares.
__extension__ using Wide = __int128;

/// What a payment does to the firm, by the instrument's channel (docs/model.md §3.4).
/// A grant for R&D is taxable income: a government grant is, unless treated as a non-taxable
/// special fund, whose spending is then not deductible (财税〔2011〕70号). The model takes the
/// taxable route for `rd` grants, so the R&D a grant pays for is deducted once and the grant taxed
/// once (it joins the year's profit, taxed with the next provisional payment). Other cash
/// (rewards, `liquidity`, `survival`) pays for no deductible spending and is left untaxed.
void receive_rd_grant(const FirmView& firms, std::uint32_t row, sim::Money amount) {
  firms.cash[row] += sim::MoneyColumn(amount);
  firms.tax_profit_ytd[row] += static_cast<float>(amount.value());
}

void apply_effect(const Instrument& instrument, sim::Money amount, const FirmView& firms,
                  std::uint32_t row, int step, int step_months, int months_left) {
  switch (instrument.effect) {
    case Effect::LIQUIDITY:
      firms.cash[row] += sim::MoneyColumn(amount);
      return;
    case Effect::RD: {
      // An annual_rd subsidy pays for R&D the firm chose (and deducts) anyway: taxable too.
      receive_rd_grant(firms, row, amount);
      // A grant for R&D is spent on additional R&D over the rest of the year, from the cash
      // it brought: it counts once, as the firm's real (and reported) R&D. An R&D subsidy on
      // last year's R&D (annual_rd) acts through the user cost instead (docs/model.md §3.2.3):
      // the R&D it buys is already in the firm's choice, and its payment is cash.
      if (instrument.trigger == Trigger::ANNUAL_RD) return;
      const float extra_rd = static_cast<float>((amount * instrument.additionality).value());
      if (months_left > 0 && firms.revenue[row] > 0.0f) {
        const float extra_intensity =
            extra_rd / (firms.revenue[row] * static_cast<float>(months_left) / 12.0f);
        firms.rd_real[row] += extra_intensity;
        firms.rd_reported[row] += extra_intensity;
      } else {  // paid in December: spent at once
        firms.cash[row] -= sim::MoneyColumn(extra_rd);
        firms.knowledge[row] += extra_rd;
        firms.rd_reported_ytd[row] += extra_rd;
      }
      return;
    }
    case Effect::APPLICATION:
      // Services in kind: no cash; the high-tech round reads what the firm holds.
      firms.application_support[row] += static_cast<float>(amount.value());
      return;
    case Effect::DEMAND:
      // A contract worth the amount, delivered over the next twelve months: the firm's revenue
      // rate rises by it, and its cash follows through its margin (no cash is given). The rise
      // then grows and shrinks with the firm's revenue: it persists, as the gains of winning a
      // public contract do beyond the contract (Ferraz, Finan & Szerman 2015).
      firms.revenue[row] += static_cast<float>(amount.value());
      return;
    case Effect::SURVIVAL: {
      firms.cash[row] += sim::MoneyColumn(amount);
      // The exit pass of the steps after this one multiplies the market hazard by (1 - cut)
      // while the step is before survival_until; overlapping support keeps the longer and the
      // stronger.
      const int steps =
          static_cast<int>((instrument.effect_months + step_months - 1) / step_months);
      const int until = std::min(65535, step + 1 + steps);
      firms.survival_until[row] =
          static_cast<std::uint16_t>(std::max<int>(firms.survival_until[row], until));
      firms.survival_hazard_cut[row] = std::max(firms.survival_hazard_cut[row],
                                                static_cast<float>(1.0 - instrument.hazard_factor));
      return;
    }
  }
}

}  // namespace

std::size_t Ledger::pay(std::vector<Application>& applications, const FirmView& firms,
                        const StepCalendar& when, bool paying,
                        std::vector<InstitutionPayment>* to_institutions) {
  std::sort(applications.begin(), applications.end(),
            [](const Application& a, const Application& b) {
              return a.order_key != b.order_key ? a.order_key < b.order_key : a.firm_id < b.firm_id;
            });
  if (paying) paid_this_year_ = true;
  // Months of the year after this step: extra R&D a grant pays for is spent over them.
  const int months_left = 12 - when.last_month;
  const int step_months = when.last_month - when.first_month + 1;
  std::size_t payments = 0;
  const auto& instruments = *instruments_;
  for (std::size_t index = 0; index < instruments.size(); ++index) {
    const Instrument& instrument = instruments[index];
    if (!instrument.active_in(when.year)) continue;
    // A subsidy on last year's R&D takes every claim at once and, when its budget falls short,
    // pays each claim the same share (按比例核减): what a firm is paid is then what every
    // claimant expects (Ledger::expected_fill). Other instruments pay in order, all or nothing.
    // The amount an application claims of this instrument: 0 unless it is an eligible event.
    // An institution's claim is eligible by its trigger alone.
    const auto amount_claimed = [&](const Application& application) {
      const bool event =
          application.trigger == instrument.trigger &&
          (application.instrument < 0 ||
           static_cast<std::size_t>(application.instrument) == index) &&
          (application.account >= 0 || instrument.who.admits(firms, application.row));
      return event ? instrument.amount(application.base) : sim::Money();
    };
    // Pro rata in whole yuan: the claims paid so far get floor(their sum × left / claimed),
    // so the shares add up to exactly what is left (integer arithmetic, no rounding drift).
    sim::Yuan pro_rata_claimed = 0, pro_rata_left = 0, claimed_so_far = 0, shared_so_far = 0;
    if (instrument.trigger == Trigger::ANNUAL_RD && paying) {
      for (const Application& application : applications) {
        const sim::Money amount = amount_claimed(application);
        if (amount > sim::Money() && worth_claiming(index, application.base))
          pro_rata_claimed += sim::to_yuan(amount);
      }
      if (pro_rata_claimed > budget_left_[index])
        pro_rata_left = budget_left_[index];
      else
        pro_rata_claimed = 0;
    }
    for (const Application& application : applications) {
      const std::uint32_t row = application.row;
      sim::Money amount = amount_claimed(application);
      if (amount <= sim::Money()) continue;
      step_.claims[index] += 1.0;
      if (!worth_claiming(index, application.base)) continue;  // the firm does not apply
      claimed_year_[index] += amount;
      if (!paying) continue;
      sim::Yuan yuan = sim::to_yuan(amount);
      if (pro_rata_claimed > 0) {
        claimed_so_far += yuan;
        const auto shared = static_cast<sim::Yuan>(static_cast<Wide>(claimed_so_far) *
                                                   pro_rata_left / pro_rata_claimed);
        yuan = shared - shared_so_far;
        shared_so_far = shared;
      }
      if (yuan <= 0 || yuan > budget_left_[index]) continue;  // all or nothing
      amount = sim::to_wan(yuan);
      budget_left_[index] -= yuan;
      paid_year_[index] += amount;
      step_.spending[index] += amount;
      step_.payments[index] += 1.0;
      ++payments;
      if (application.account >= 0) {
        if (book_ != nullptr)
          book_->transfer(programme_accounts_[index],
                          static_cast<sim::AccountBook::AccountId>(application.account), yuan);
        if (to_institutions != nullptr)
          to_institutions->push_back({index, application.account, application.institution, amount});
        continue;
      }
      if (book_ != nullptr)
        book_->transfer(programme_accounts_[index], firms_account_, yuan, firms.tier[row]);
      apply_effect(instrument, amount, firms, row, when.step, step_months, months_left);
    }
  }
  applications.clear();
  return payments;
}

LedgerStep Ledger::take_step() {
  LedgerStep taken = step_;
  std::fill(step_.spending.begin(), step_.spending.end(), sim::Money());
  std::fill(step_.claims.begin(), step_.claims.end(), 0.0);
  std::fill(step_.payments.begin(), step_.payments.end(), 0.0);
  return taken;
}

}  // namespace innosim::models::city
