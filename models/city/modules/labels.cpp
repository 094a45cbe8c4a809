// Labels (docs/model.md §3.3, docs/policy-rules.md): once a year, gazelle, innovation leader,
// little giant and fledgling are selected by their criteria, by priority where a quota binds.
// A newly labelled firm is an event instruments can pay on.
#include <algorithm>

#include "models/city/city_model.hpp"
#include "models/city/modules/modules.hpp"
#include "models/city/parameter_entries.hpp"
#include "models/city/rules.hpp"

namespace innosim::models::city {

const ParameterTable& labels_parameters() {
  static const ParameterTable table({
      integer("label_month", 6, 1, 12, "month",
              "month of the annual gazelle, leader, little-giant and fledgling selections",
              "assumption", FIELD(label_month)),
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
      real("little_giant_min_age_years", 3.0, 0.0, 200.0, "years", "years in its niche",
           RULES_UPPER, FIELD(label_rules.little_giant_min_age_years)),
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
      integer("gazelle_quota", 0, 0, 1000000000, "firms/year",
              "at most this many gazelles a year, fastest growers first (0: no quota)",
              "scenario lever", FIELD(gazelle_quota)),
      integer("leader_quota", 0, 0, 1000000000, "firms/year",
              "at most this many leaders a year, largest first (0: no quota)", "scenario lever",
              FIELD(leader_quota)),
      integer("little_giant_quota", 0, 0, 1000000000, "firms/year",
              "at most this many little giants a year, most class-I IP first (0: no quota)",
              "scenario lever", FIELD(little_giant_quota)),
      integer("fledgling_quota", 0, 0, 1000000000, "firms/year",
              "at most this many fledglings a year, fastest growers first (0: no quota)",
              "docs/seed-documents.md §4.2: 许昌 >= 30", FIELD(fledgling_quota)),
  });
  return table;
}

namespace {

struct Candidate {
  std::uint32_t row;
  double priority;  ///< larger first when a quota binds
};

struct Selection {
  Flag flag;
  Trigger trigger;
  std::int64_t quota;
  std::vector<Candidate> candidates;
};

class Labels final : public Module {
 public:
  explicit Labels(const ModuleSetup& setup) : p_(setup.params), instruments_(setup.instruments) {}

  [[nodiscard]] const ModuleInfo& info() const override {
    static const ModuleInfo info{
        "labels",
        "the annual selections of gazelles, leaders, little giants and fledglings",
        {Phase::ROUNDS},
        {"flags"},
        {"alive", "age_months", "revenue", "revenue_y1", "revenue_y2", "revenue_y3", "revenue_y4",
         "rd_reported_last_year", "rd_reported_y2", "cash", "debt", "ip_class1",
         "high_tech_until_step", "tech_sme_until_step"},
        {},
        {}};
    return info;
  }

  void rounds(World& world, const StepContext& context, StepTotals& totals) const override;

 private:
  [[nodiscard]] LabelInputs inputs_of(const FirmView& f, std::size_t row, int step) const;
  /// Labels the chosen candidates (the quota's best), removes the label from the rest.
  void select(World& world, Selection& selection, const StepContext& context) const;

  const CityParams& p_;
  const InstrumentSet& instruments_;
};

LabelInputs Labels::inputs_of(const FirmView& f, std::size_t row, int step) const {
  LabelInputs firm;
  firm.age_years = f.age_months[row] / 12.0;
  firm.sales_y1 = f.revenue_y1[row];
  firm.sales_y2 = f.revenue_y2[row];
  firm.sales_y3 = f.revenue_y3[row];
  firm.sales_y4 = f.revenue_y4[row];
  firm.rd_y1 = f.rd_reported_y1[row];
  firm.rd_y2 = f.rd_reported_y2[row];
  const double assets = f.cash[row].value() + p_.assets_per_revenue * f.revenue[row];
  firm.debt_ratio = assets > 0.0 ? f.debt[row].value() / assets : 0.0;
  firm.ip_class1 = f.ip_class1[row];
  firm.high_tech = f.high_tech_until[row] > step;
  firm.tech_sme = f.tech_sme_until[row] > step;
  firm.niche = (f.flags[row] & FLAG_NICHE) != 0;
  return firm;
}

void Labels::select(World& world, Selection& selection, const StepContext& context) const {
  FirmView f(world.firms);
  auto& candidates = selection.candidates;
  if (selection.quota > 0 && candidates.size() > static_cast<std::size_t>(selection.quota)) {
    // Ties go to the lower firm id: the order never depends on row positions.
    std::partial_sort(candidates.begin(), candidates.begin() + selection.quota, candidates.end(),
                      [&](const Candidate& a, const Candidate& b) {
                        return a.priority != b.priority ? a.priority > b.priority
                                                        : f.id[a.row] < f.id[b.row];
                      });
    candidates.resize(static_cast<std::size_t>(selection.quota));
  }
  std::vector<std::uint8_t> chosen(world.firms.size(), 0);
  for (const Candidate& candidate : candidates) chosen[candidate.row] = 1;
  const sim::StreamKey order = context.stream(PURPOSE_ORDER);
  for (std::size_t row = 0; row < world.firms.size(); ++row) {
    const bool had = (f.flags[row] & selection.flag) != 0;
    if (chosen[row] != 0) {
      f.flags[row] |= selection.flag;
      if (!had)
        instruments_.claim(world.applications, static_cast<std::uint32_t>(row), f.id[row],
                           selection.trigger, order);
    } else {
      f.flags[row] &= static_cast<std::uint8_t>(~selection.flag);
    }
  }
}

void Labels::rounds(World& world, const StepContext& context, StepTotals& /*totals*/) const {
  const CityParams& p = p_;
  if (!context.when.contains_month(static_cast<int>(p.label_month))) return;
  FirmView f(world.firms);
  Selection selections[] = {
      {FLAG_GAZELLE, Trigger::GAZELLE_SELECTED, p.gazelle_quota, {}},
      {FLAG_LEADER, Trigger::LEADER_SELECTED, p.leader_quota, {}},
      {FLAG_LITTLE_GIANT, Trigger::LITTLE_GIANT_SELECTED, p.little_giant_quota, {}},
      {FLAG_FLEDGLING, Trigger::FLEDGLING_SELECTED, p.fledgling_quota, {}}};
  for (std::size_t row = 0; row < world.firms.size(); ++row) {
    if (f.alive[row] == 0) continue;
    const LabelInputs firm = inputs_of(f, row, context.when.step);
    const auto row32 = static_cast<std::uint32_t>(row);
    if (qualifies_gazelle(firm, p.label_rules))
      selections[0].candidates.push_back(
          {row32, compound_growth(firm.sales_y4, firm.sales_y1, 3.0)});
    if (qualifies_leader(firm, p.label_rules))
      selections[1].candidates.push_back({row32, firm.sales_y1});
    if (qualifies_little_giant(firm, p.label_rules))
      selections[2].candidates.push_back({row32, static_cast<double>(firm.ip_class1)});
    if (qualifies_fledgling(firm, p.label_rules))
      selections[3].candidates.push_back(
          {row32, compound_growth(firm.sales_y2, firm.sales_y1, 1.0)});
  }
  for (Selection& selection : selections) select(world, selection, context);
}

}  // namespace

std::unique_ptr<Module> make_labels(const ModuleSetup& setup) { return make_module<Labels>(setup); }

}  // namespace innosim::models::city
