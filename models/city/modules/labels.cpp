// Labels (docs/model.md §3.3, docs/policy-rules.md §4): the initial label stocks; once a year,
// gazelle, innovation leader, little giant and fledgling are selected by their criteria, at most
// a quota of new ones by priority, and held for their holding periods. A new selection (not a
// renewal) is an event instruments can pay on.
#include <algorithm>
#include <array>
#include <cstdint>
#include <vector>

#include "models/city/benefits.hpp"
#include "models/city/city_model.hpp"
#include "models/city/modules/modules.hpp"
#include "models/city/parameter_entries.hpp"
#include "models/city/rules.hpp"
#include "sim/rng/distributions.hpp"

namespace innosim::models::city {

const ParameterTable& labels_parameters() {
  static const ParameterTable table({
      integer("label_month", 6, 1, 12, "month",
              "month of the annual gazelle, leader, little-giant and fledgling selections",
              "assumption", FIELD(label_month)),
      real("label_apply_baseline", 0.9, 0.0, 1.0, "1/year",
           "chance a firm meeting a label's criteria (not holding it, or at the end of its hold) "
           "applies when applying is worth nothing net of its cost (the application choice's "
           "propensity at zero net value, docs/model.md §3.3)",
           "assumption: most qualifying firms apply (range 0.7-1); the quotas bind, so the "
           "stocks hardly move with it",
           FIELD(label_apply_baseline)),
      real("label_application_cost", 1.0, 0.0, HUGE_MONEY, "万元",
           "cost of preparing a label application (materials, audited accounts)",
           "assumption: small against the rewards cities pay (range 0.5-3万)",
           FIELD(label_application_cost)),
      real("gazelle_max_age_years", 15.0, 0.0, 200.0, "years", "gazelles are at most this old",
           RULES_UPPER, FIELD(label_rules.gazelle_max_age_years)),
      real("gazelle_min_base_sales", 1000.0, 0.0, HUGE_MONEY, "万元/year",
           "sales of the base year (three years before the last) must exceed this", RULES_UPPER,
           FIELD(label_rules.gazelle_min_base_sales)),
      real("gazelle_min_growth", 0.20, -1.0, 100.0, "1/year",
           "compound sales growth over three years", RULES_UPPER,
           FIELD(label_rules.gazelle_min_growth)),
      real("gazelle_min_rd_ratio", 0.025, 0.0, 1.0, "1", "R&D / sales must exceed this",
           RULES_UPPER, FIELD(label_rules.gazelle_min_rd_ratio)),
      real("leader_min_sales", 100000.0, 0.0, HUGE_MONEY, "万元/year",
           "sales of an innovation leader (10亿; 100亿 for 新乡's and 焦作's top group)",
           "docs/seed-documents.md §6", FIELD(label_rules.leader_min_sales)),
      real("leader_min_rd_ratio", 0.03, 0.0, 1.0, "1", "R&D / sales of a leader",
           "docs/policy-rules.md §4.1: many leaders have R&D >= 5% (assumption: 3%)",
           FIELD(label_rules.leader_min_rd_ratio)),
      real("little_giant_min_years_in_niche", 3.0, 0.0, 200.0, "years", "years in its niche market",
           RULES_UPPER, FIELD(label_rules.little_giant_min_years_in_niche)),
      real("little_giant_min_main_business_share", 0.90, 0.0, 1.0, "1", "main business / revenue",
           RULES_UPPER, FIELD(label_rules.little_giant_min_main_business_share)),
      real("little_giant_min_market_share", 0.10, 0.0, 1.0, "1",
           "share of its niche market (the rule's alternative, top 3 in the niche, is not "
           "represented)",
           RULES_UPPER, FIELD(label_rules.little_giant_min_market_share)),
      real("little_giant_min_sales", 5000.0, 0.0, HUGE_MONEY, "万元/year", "sales", RULES_UPPER,
           FIELD(label_rules.little_giant_min_sales)),
      real("little_giant_min_growth", 0.05, -1.0, 100.0, "1/year",
           "compound sales growth over two years", RULES_UPPER,
           FIELD(label_rules.little_giant_min_growth)),
      real("little_giant_max_debt_ratio", 0.75, 0.0, 100.0, "1", "debt / total assets", RULES_UPPER,
           FIELD(label_rules.little_giant_max_debt_ratio)),
      real("little_giant_min_rd_two_years", 1200.0, 0.0, HUGE_MONEY, "万元",
           "reported R&D over the last two years", RULES_UPPER,
           FIELD(label_rules.little_giant_min_rd_two_years)),
      real("little_giant_min_rd_ratio", 0.03, 0.0, 1.0, "1", "R&D / sales in each of them",
           RULES_UPPER, FIELD(label_rules.little_giant_min_rd_ratio)),
      integer("little_giant_min_class1_ip", 4, 0, 100000, "items", "class-I IP", RULES_UPPER,
              FIELD(label_rules.little_giant_min_class1_ip)),
      real("fledgling_max_age_years", 5.0, 0.0, 200.0, "years",
           "fledglings (from the tech-SME and high-tech pools) are at most this old",
           "assumption: 雏鹰 is a young-firm reserve", FIELD(label_rules.fledgling_max_age_years)),
      real("fledgling_min_growth", 0.20, -1.0, 100.0, "1/year", "last year's sales growth",
           "assumption", FIELD(label_rules.fledgling_min_growth)),
      integer("gazelle_quota", 7, 0, 1000000000, "firms/year",
              "at most this many new gazelles a year, fastest growers first (0: no quota)",
              "驻马店 (255 high-tech enterprises) got 8 on Henan's 2023 gazelle list "
              "(docs/references.md §4.3) x 信阳's 233 / 255 = 7.3; Henan's about 100 a year x "
              "信阳's 2.3% of its high-tech enterprises would give 2.3 (§4.1): cities get more "
              "than their share",
              FIELD(gazelle_quota)),
      integer("leader_quota", 2, 0, 1000000000, "firms/year",
              "at most this many new leaders a year, largest first (0: no quota)",
              "Henan picks about 100 百强 leaders a year (郑州高新区's 13 in 2022 were 11%; 166 "
              "in 2024; docs/references.md §4.1) x 信阳's 2.3% of Henan's high-tech enterprises "
              "= 2.3",
              FIELD(leader_quota)),
      integer("little_giant_quota", 2, 0, 1000000000, "firms/year",
              "at most this many new little giants a year, most class-I IP first (0: no quota)",
              "Henan aims at 100 new national little giants a year (Henan industry department, "
              "2022; docs/references.md §4.1) x 信阳's 2.3% of Henan's high-tech enterprises = "
              "2.3; 信阳 had 2 in the 2022 batch (docs/references.md §4.3). Its target of > 20 by "
              "2025 would need 5",
              FIELD(little_giant_quota)),
      integer("fledgling_quota", 5, 0, 1000000000, "firms/year",
              "at most this many new fledglings a year, fastest growers first (0: no quota)",
              "docs/seed-documents.md §4.2: 许昌 >= 30 over 2020-2022 (10 a year) for about 500 "
              "high-tech enterprises, x 信阳's 233 / 500 = 4.7",
              FIELD(fledgling_quota)),
      integer("gazelle_holding_years", 1, 1, 20, "years",
              "a gazelle is reviewed at the round this many years after its selection",
              "Henan publishes a gazelle list each year (2023年度 list; docs/references.md "
              "§4.3): held to the next list",
              FIELD(gazelle_holding_years)),
      integer("leader_holding_years", 1, 1, 20, "years",
              "a leader is reviewed at the round this many years after its selection",
              "Henan publishes a leader list each year (2024's 166; docs/policy-rules.md §4.1): "
              "held to the next list",
              FIELD(leader_holding_years)),
      integer("little_giant_holding_years", 3, 1, 20, "years",
              "the little-giant label lasts this long, then is reviewed (复核)",
              "docs/policy-rules.md §4.3 (工信部企业〔2022〕63号)",
              FIELD(little_giant_holding_years)),
      integer("fledgling_holding_years", 3, 1, 20, "years",
              "a fledgling is reviewed at the round this many years after its selection",
              "assumption: a reserve pool cultivated over a three-year plan (许昌's >= 30 by "
              "2022, docs/seed-documents.md §4), so the stock is about quota x 3 = the initial "
              "stock (docs/policy-rules.md §4.4)",
              FIELD(fledgling_holding_years)),
      integer("initial_gazelles", 7, 0, 1000000000, "firms", "gazelles at the start",
              "the stock of one yearly list: gazelle_quota x gazelle_holding_years (驻马店's 8 "
              "new on the 2023 list of its 10, docs/references.md §4.3, x 233 / 255)",
              FIELD(initial_gazelles)),
      integer("initial_leaders", 1, 0, 1000000000, "firms", "leaders at the start",
              "驻马店 (255 high-tech enterprises) had 1 provincial leader in 2023 "
              "(docs/references.md §4.3), x 信阳's 233 / 255 = 0.9",
              FIELD(initial_leaders)),
      integer("initial_little_giants", 7, 0, 1000000000, "firms", "little giants at the start",
              "信阳 had 7 national little giants in 2022 (docs/references.md §4.3)",
              FIELD(initial_little_giants)),
      integer("initial_fledglings", 14, 0, 1000000000, "firms", "fledglings at the start",
              "docs/seed-documents.md §4.2: 许昌 >= 30 for about 500 high-tech enterprises, x "
              "信阳's 233 / 500 = 14",
              FIELD(initial_fledglings)),
      real("niche_main_business_median", 0.85, 0.0, 1.0, "1",
           "median main-business share of revenue (logit-normal across firms)",
           "calibrated: to the little-giant count (docs/seed-documents.md §1: 信阳 > 20 by "
           "2025); no published distribution",
           FIELD(niche_traits.main_business_median)),
      real("niche_main_business_logit_sd", 1.0, 0.0, 10.0, "1",
           "s.d. of the main-business share's logit",
           "calibrated: to the little-giant count; no published distribution",
           FIELD(niche_traits.main_business_logit_sd)),
      real("niche_since_founding_probability", 0.5, 0.0, 1.0, "1",
           "share of firms in their niche since founding (the others moved in at a uniform "
           "point of their life)",
           "calibrated: to the little-giant count; no published distribution",
           FIELD(niche_traits.since_founding_probability)),
      real("niche_market_median", 200000.0, 1.0, HUGE_MONEY, "万元/year",
           "median size of a firm's niche market (log-normal across firms)",
           "calibrated: to the little-giant count (20亿 gives a firm at the little giant's "
           "typical 2亿 a 10% share); no published distribution",
           FIELD(niche_traits.market_median)),
      real("niche_market_log_sd", 1.0, 0.0, 10.0, "1", "log s.d. of the niche market's size",
           "calibrated: to the little-giant count; no published distribution",
           FIELD(niche_traits.market_log_sd)),
  });
  return table;
}

namespace {

/// One label's place in the firm table and its parameters.
struct LabelSpec {
  Flag flag;
  Trigger trigger;
  std::int64_t quota;
  std::int64_t holding_years;
  std::int64_t initial_count;
  std::uint16_t* FirmView::*until;
  int (*criteria_met)(const LabelInputs&, const LabelRules&);
  int criteria;
  double (*priority)(const LabelInputs&);
};

double gazelle_priority(const LabelInputs& firm) {
  return compound_growth(firm.sales_y4, firm.sales_y1, 3.0);
}
double leader_priority(const LabelInputs& firm) { return firm.sales_y1; }
double little_giant_priority(const LabelInputs& firm) {
  return static_cast<double>(firm.ip_class1);
}
double fledgling_priority(const LabelInputs& firm) {
  return compound_growth(firm.sales_y2, firm.sales_y1, 1.0);
}

constexpr std::size_t LABEL_COUNT = 4;

std::array<LabelSpec, LABEL_COUNT> label_specs(const CityParams& p) {
  return {{{FLAG_GAZELLE, Trigger::GAZELLE_SELECTED, p.gazelle_quota, p.gazelle_holding_years,
            p.initial_gazelles, &FirmView::gazelle_until, gazelle_criteria_met, GAZELLE_CRITERIA,
            gazelle_priority},
           {FLAG_LEADER, Trigger::LEADER_SELECTED, p.leader_quota, p.leader_holding_years,
            p.initial_leaders, &FirmView::leader_until, leader_criteria_met, LEADER_CRITERIA,
            leader_priority},
           {FLAG_LITTLE_GIANT, Trigger::LITTLE_GIANT_SELECTED, p.little_giant_quota,
            p.little_giant_holding_years, p.initial_little_giants, &FirmView::little_giant_until,
            little_giant_criteria_met, LITTLE_GIANT_CRITERIA, little_giant_priority},
           {FLAG_FLEDGLING, Trigger::FLEDGLING_SELECTED, p.fledgling_quota,
            p.fledgling_holding_years, p.initial_fledglings, &FirmView::fledgling_until,
            fledgling_criteria_met, FLEDGLING_CRITERIA, fledgling_priority}}};
}

/// The firm's figures as the label rules read them. The niche attributes are persistent traits
/// recomputed from the firm's id (block 4 of its attribute draws), so they need no column.
LabelInputs inputs_of(const CityParams& p, const FirmView& f, std::size_t row, int step,
                      const sim::StreamKey& attributes) {
  LabelInputs firm;
  firm.age_years = f.age_months[row] / 12.0;
  firm.sales_y1 = f.revenue_y1[row];
  firm.sales_y2 = f.revenue_y2[row];
  firm.sales_y3 = f.revenue_y3[row];
  firm.sales_y4 = f.revenue_y4[row];
  firm.rd_y1 = f.rd_reported_y1[row];
  firm.rd_y2 = f.rd_reported_y2[row];
  const double assets = f.cash[row].value() + p.assets_per_revenue * f.revenue[row];
  firm.debt_ratio = assets > 0.0 ? f.debt[row].value() / assets : 0.0;
  firm.ip_class1 = f.ip_class1[row];
  firm.high_tech = f.high_tech_until[row] > step;
  firm.tech_sme = f.tech_sme_until[row] > step;
  const sim::PhiloxBlock words = attributes.block(f.id[row], 4);
  const sim::NormalPair z = sim::normal_pair(words[0], words[1]);
  const NicheTraits traits =
      niche_traits(p.niche_traits, z.first, z.second, sim::u01_closed_open(words[2]),
                   sim::u01_closed_open(words[3]));
  firm.main_business_share = traits.main_business_share;
  firm.years_in_niche = firm.age_years * traits.niche_life_share;
  firm.market_share = traits.market_size > 0.0 ? firm.sales_y1 / traits.market_size : 0.0;
  return firm;
}

sim::StreamKey attribute_stream(const StepContext& context) {
  return {context.seed, PURPOSE_ATTRIBUTES, context.replication, 0};
}

/// The alive firms' rows and their inputs to the label rules, in row order.
struct AliveInputs {
  std::vector<std::uint32_t> rows;
  std::vector<LabelInputs> inputs;
};

AliveInputs alive_inputs(const CityParams& p, World& world, int step,
                         const sim::StreamKey& attributes) {
  const FirmView f(world.firms);
  AliveInputs alive;
  // Reserved at once: growing them copied each firm's inputs several times.
  alive.rows.reserve(world.firms.size());
  alive.inputs.reserve(world.firms.size());
  for (std::size_t row = 0; row < world.firms.size(); ++row) {
    if (f.alive[row] == 0) continue;
    alive.rows.push_back(static_cast<std::uint32_t>(row));
    alive.inputs.push_back(inputs_of(p, f, row, step, attributes));
  }
  return alive;
}

class Labels final : public Module {
 public:
  explicit Labels(const ModuleSetup& setup) : p_(setup.params), instruments_(setup.instruments) {}

  [[nodiscard]] const ModuleInfo& info() const override {
    static const ModuleInfo info{
        "labels",
        "the initial label stocks; the annual selections of gazelles, leaders, little giants "
        "and fledglings, held for their holding periods",
        {Phase::ROUNDS},
        {"flags", "gazelle_until_step", "leader_until_step", "little_giant_until_step",
         "fledgling_until_step"},
        {"alive", "age_months", "revenue", "revenue_y1", "revenue_y2", "revenue_y3", "revenue_y4",
         "rd_reported_last_year", "rd_reported_y2", "cash", "debt", "ip_class1",
         "high_tech_until_step", "tech_sme_until_step", "tier", "sector"},
        {},
        {{PURPOSE_ATTRIBUTES, 4, 4},
         {PURPOSE_LABELS, 0, 0},
         {PURPOSE_ROUNDS, DRAW_LABELS, DRAW_LABELS}}};
    return info;
  }

  void rounds(World& world, const StepContext& context, StepTotals& totals) const override;

 private:
  const CityParams& p_;
  const InstrumentSet& instruments_;
};

void Labels::rounds(World& world, const StepContext& context, StepTotals& /*totals*/) const {
  const CityParams& p = p_;
  if (!context.when.contains_month(static_cast<int>(p.label_month))) return;
  FirmView f(world.firms);
  const int step = context.when.step;
  const sim::StreamKey attributes = attribute_stream(context);
  const sim::StreamKey order = context.stream(PURPOSE_ORDER);
  const AliveInputs alive = alive_inputs(p, world, step, attributes);
  const std::vector<std::uint32_t>& rows = alive.rows;
  const std::vector<LabelInputs>& inputs = alive.inputs;
  const sim::StreamKey stream = context.stream(PURPOSE_ROUNDS);
  std::vector<LabelCandidate> candidates(rows.size());
  std::size_t word = 0;  // one word of the firm's DRAW_LABELS block per label
  for (const LabelSpec& label : label_specs(p)) {
    std::uint16_t* until = f.*label.until;
    for (std::size_t i = 0; i < rows.size(); ++i) {
      const std::uint32_t row = rows[i];
      const bool holds = (f.flags[row] & label.flag) != 0;
      const bool expiring = holds && until[row] <= step;
      bool qualifies = label.criteria_met(inputs[i], p.label_rules) == label.criteria;
      // A qualifying firm that would be selected or renewed chooses whether to apply (§3.3):
      // the rewards for a new selection and the tier's R&D instruments over the hold, against
      // the cost of the application.
      if (qualifies && (!holds || expiring)) {
        ApplicationValue value;
        if (!context.burn_in) {
          // A renewal keeps the firm's tier and pays no reward (instruments pay new selections).
          TierChange tiers{f.tier[row], f.tier[row]};
          if (!holds && label.flag == FLAG_GAZELLE)
            tiers.with = std::max<std::uint8_t>(tiers.with, GAZELLE);
          if (!holds && label.flag == FLAG_LEADER)
            tiers.with = std::max<std::uint8_t>(tiers.with, LEADER);
          value.benefit = instruments_value(
              instruments_, world.ledger, holds ? Trigger::COUNT : label.trigger, tiers,
              f.sector[row], f.revenue[row], inputs[i].rd_y1, context.when.year,
              annuity(static_cast<int>(label.holding_years), p.interest_rate));
        }
        value.cost = p.label_application_cost;
        const double chance =
            apply_probability(p.label_apply_baseline, value.net(), p.application_value_scale);
        qualifies =
            sim::bernoulli(stream.block(f.id[row], DRAW_LABELS)[word], static_cast<float>(chance));
      }
      candidates[i] = {f.id[row], holds, expiring, qualifies, label.priority(inputs[i])};
    }
    ++word;
    const std::vector<LabelOutcome> outcomes = decide_label_round(candidates, label.quota);
    const auto held_until =
        static_cast<std::uint16_t>(step + label.holding_years * context.model.steps_per_year());
    for (std::size_t i = 0; i < rows.size(); ++i) {
      const std::uint32_t row = rows[i];
      switch (outcomes[i]) {
        case LabelOutcome::SELECTED:
          instruments_.claim(world.applications, row, f.id[row], label.trigger, order);
          [[fallthrough]];
        case LabelOutcome::RENEWED:
          f.flags[row] |= label.flag;
          until[row] = held_until;
          break;
        case LabelOutcome::LAPSED:
        case LabelOutcome::NONE:
          f.flags[row] &= static_cast<std::uint8_t>(~label.flag);
          until[row] = 0;
          break;
        case LabelOutcome::KEPT:
          break;
      }
    }
  }
}

}  // namespace

void select_initial_labels(const CityParams& p, World& world, const StepContext& context) {
  FirmView f(world.firms);
  const CityModel& model = context.model;
  const int spy = model.steps_per_year();
  // The first selection round: initial holds end there or at a later round.
  const int first_round =
      model.first_step_in_month(context.when.step, static_cast<int>(p.label_month));
  const int step = context.when.step;
  const sim::StreamKey attributes = attribute_stream(context);
  const sim::StreamKey holds(context.seed, PURPOSE_LABELS, context.replication, 0);
  const AliveInputs alive = alive_inputs(p, world, step, attributes);
  const std::vector<std::uint32_t>& rows = alive.rows;
  const std::vector<LabelInputs>& inputs = alive.inputs;
  std::vector<InitialLabelCandidate> candidates(rows.size());
  std::size_t word = 0;
  for (const LabelSpec& label : label_specs(p)) {
    std::uint16_t* until = f.*label.until;
    // Labels the burn-in gave are chosen afresh: its holders qualify and come first by priority.
    for (std::size_t row = 0; row < world.firms.size(); ++row) {
      f.flags[row] &= static_cast<std::uint8_t>(~label.flag);
      until[row] = 0;
    }
    for (std::size_t i = 0; i < rows.size(); ++i)
      candidates[i] = {f.id[rows[i]], label.criteria_met(inputs[i], p.label_rules),
                       label.priority(inputs[i])};
    for (const std::size_t i : pick_initial_labels(candidates, label.initial_count)) {
      const std::uint32_t row = rows[i];
      // Selected in one of the last `holding_years` rounds: the holds end over as many rounds.
      const auto rounds_left = static_cast<int>(holds.block(f.id[row], 0)[word] %
                                                static_cast<std::uint32_t>(label.holding_years));
      f.flags[row] |= label.flag;
      until[row] = static_cast<std::uint16_t>(first_round + rounds_left * spy);
    }
    ++word;
  }
}

std::unique_ptr<Module> make_labels(const ModuleSetup& setup) { return make_module<Labels>(setup); }

}  // namespace innosim::models::city
