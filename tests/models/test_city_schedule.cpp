// The city model's schedule: the modules' declarations are sound, the check refuses unsound
// ones, and docs/model.md states the order and phases the code runs.
#include <gtest/gtest.h>

#include <fstream>
#include <regex>
#include <sstream>

#include "city_fixtures.hpp"
#include "models/city/schedule.hpp"

namespace innosim::models::city {
namespace {

/// A module with a given declaration and no behaviour.
class Declared final : public Module {
 public:
  explicit Declared(ModuleInfo info) : info_(std::move(info)) {}
  [[nodiscard]] const ModuleInfo& info() const override { return info_; }

 private:
  ModuleInfo info_;
};

std::vector<std::unique_ptr<Module>> modules_of(const CityModel& model,
                                                std::vector<ModuleInfo> extra) {
  std::vector<std::unique_ptr<Module>> modules;
  for (const auto& module : model.modules())
    modules.push_back(std::make_unique<Declared>(module->info()));
  for (ModuleInfo& info : extra) modules.push_back(std::make_unique<Declared>(std::move(info)));
  return modules;
}

TEST(CitySchedule, EveryColumnHasOneOwnerAndRandomWordsAreClaimedOnce) {
  const auto model = testing::city_model(testing::city_scenario(""));
  EXPECT_EQ(check_modules(model->modules()), std::vector<std::string>{});
  ASSERT_EQ(model->modules().size(), schedule().size());
}

TEST(CitySchedule, TheCheckRefusesASecondOwnerOverlappingWordsAndUnknownColumns) {
  // Each declaration below breaks one rule; the check must name it. A check that compared
  // nothing would pass the sound schedule above and fail here.
  const auto model = testing::city_model(testing::city_scenario(""));
  const auto problems = check_modules(
      modules_of(*model, {{"second_revenue", "", {}, {"revenue"}, {}, {}, {}},
                          {"shares_exit_words", "", {}, {}, {}, {}, {{PURPOSE_STEP, 0, 0, 0b0100}}},
                          {"disjoint_words", "", {}, {}, {}, {}, {{PURPOSE_STEP, 0, 0, 0b1000}}},
                          {"typo", "", {}, {}, {"revenu"}, {}, {}}}));
  const auto has = [&](const std::string& text) {
    return std::any_of(problems.begin(), problems.end(),
                       [&](const std::string& p) { return p.find(text) != std::string::npos; });
  };
  EXPECT_TRUE(has("revenue is owned by both growth and second_revenue"));
  EXPECT_TRUE(has("shares_exit_words and exit claim the same random words"));
  EXPECT_FALSE(has("disjoint_words"));  // word 3 of the block is free
  EXPECT_TRUE(has("typo uses revenu, which is no firm column"));
  EXPECT_EQ(problems.size(), 3u);
}

TEST(CitySchedule, TheCheckRefusesAColumnNoModuleOwns) {
  const auto model = testing::city_model(testing::city_scenario(""));
  std::vector<std::unique_ptr<Module>> modules;
  for (const auto& module : model->modules()) {
    ModuleInfo info = module->info();
    if (info.name == "ipo") info.owns.clear();
    modules.push_back(std::make_unique<Declared>(std::move(info)));
  }
  EXPECT_EQ(check_modules(modules),
            std::vector<std::string>{"no module owns the firm column ipo_stage"});
}

TEST(CitySchedule, TheCheckRefusesAMetricFilledTwiceOrByNone) {
  const auto model = testing::city_model(testing::city_scenario(""));
  std::vector<std::unique_ptr<Module>> modules;
  for (const auto& module : model->modules()) {
    ModuleInfo info = module->info();
    if (info.name == "exit") info.metrics = {EXITS_MARKET};  // drops exits_distress
    if (info.name == "ipo")
      info.metrics = {HIGH_TECH_GRANTED};  // high_tech, later in the schedule, fills it
    modules.push_back(std::make_unique<Declared>(std::move(info)));
  }
  EXPECT_EQ(check_modules(modules),
            (std::vector<std::string>{"high_tech_granted is filled by both ipo and high_tech",
                                      "no module fills the metric exits_distress"}));
}

/// Overrides `rows` but declares the `settle` phase: the hook would never run.
class MisDeclared final : public Module {
 public:
  [[nodiscard]] const ModuleInfo& info() const override {
    static const ModuleInfo info{"misdeclared", "", {Phase::SETTLE}, {}, {}, {}, {}};
    return info;
  }
  void rows(World&, const StepContext&, ChunkWork&) const override {}
};

TEST(CitySchedule, AModuleWhosePhasesDifferFromItsHooksIsRefused) {
  EXPECT_EQ(overridden_phases<MisDeclared>(), std::vector<Phase>{Phase::ROWS});
  EXPECT_THROW((void)make_module<MisDeclared>(), std::logic_error);
  EXPECT_EQ(overridden_phases<Declared>(), std::vector<Phase>{});
}

TEST(CitySchedule, AParameterKeyDeclaredTwiceIsRefused) {
  sim::ParameterTable<CityParams> table(
      {{sim::ParameterSpec::make("city.x", sim::ParameterType::REAL, 1.0, 0, 2, "", "", ""),
        INNOSIM_FIELD(CityParams, rd_max)}});
  EXPECT_THROW(table.append(table), std::logic_error);
}

TEST(CitySchedule, DocsListTheModulesInScheduleOrderWithTheirPhases) {
  // docs/model.md, "Process overview and scheduling": one table row per module.
  std::ifstream file(INNOSIM_SOURCE_DIR "/docs/model.md");
  ASSERT_TRUE(file) << "docs/model.md";
  std::stringstream text;
  text << file.rdbuf();
  const std::string doc = text.str();
  const auto begin = doc.find("### Process overview and scheduling");
  const auto end = doc.find("\n## ", begin);
  ASSERT_NE(begin, std::string::npos);
  const std::string section = doc.substr(begin, end - begin);
  const std::regex row(R"(\n\| `([a-z_]+)` \| ([a-z_, ]+) \|)");
  std::vector<std::string> documented;
  std::vector<std::string> documented_phases;
  for (auto it = std::sregex_iterator(section.begin(), section.end(), row);
       it != std::sregex_iterator(); ++it) {
    documented.push_back((*it)[1]);
    documented_phases.push_back((*it)[2]);
  }
  const auto model = testing::city_model(testing::city_scenario(""));
  std::vector<std::string> scheduled;
  std::vector<std::string> scheduled_phases;
  for (const auto& module : model->modules()) {
    scheduled.emplace_back(module->info().name);
    std::string phases;
    for (const Phase phase : module->info().phases)
      phases += (phases.empty() ? "" : ", ") + std::string(PHASE_NAMES[static_cast<int>(phase)]);
    scheduled_phases.push_back(phases);
  }
  EXPECT_EQ(documented, scheduled);
  EXPECT_EQ(documented_phases, scheduled_phases);
}

std::string read_doc(const std::string& name) {
  std::ifstream file(std::string(INNOSIM_SOURCE_DIR "/docs/") + name);
  std::stringstream text;
  text << file.rdbuf();
  return text.str();
}

TEST(CitySchedule, TheLayoutDocNamesEveryMetricWithItsUnitAndEverySnapshotColumn) {
  // Metrics and columns are declared once in code (metrics.hpp, firms.hpp); the layout doc is
  // checked against those tables, so a new metric or column that is not documented fails here.
  const std::string doc = read_doc("hdf5-layout.md");
  const auto metrics_at = doc.find("City-model metrics");
  const auto metrics_end = doc.find("\n## ", metrics_at);
  ASSERT_NE(metrics_at, std::string::npos);
  const std::string metrics = doc.substr(metrics_at, metrics_end - metrics_at);
  for (const sim::MetricInfo& metric : fixed_metrics()) {
    // Built by appending: GCC 12 warns falsely (-Wrestrict, PR105329) on "literal" + string.
    std::string pattern = "\\n\\|[^\\n]*`";
    pattern.append(metric.name).append("`[^\\n]*\\| ").append(metric.unit).append(" \\|");
    const std::regex row(pattern);
    EXPECT_TRUE(std::regex_search(metrics, row)) << metric.name << " (" << metric.unit << ")";
  }
  const auto snapshots_at = doc.find("## `/firms/<year>/`");
  ASSERT_NE(snapshots_at, std::string::npos);
  const std::string snapshots =
      doc.substr(snapshots_at, doc.find("\n## ", snapshots_at + 1) - snapshots_at);
  for (const FirmColumnInfo& column : firm_columns()) {
    if (!column.snapshot || column.name == "firm_id") continue;  // the id is the `firm` scale
    std::string quoted = "`";
    quoted.append(column.name).append("`");
    EXPECT_NE(snapshots.find(quoted), std::string::npos) << column.name;
  }
}

TEST(CitySchedule, FixedMetricsAreOneTableWithKindsMatchingUnits) {
  // The kind (stock or flow) is declared, not parsed from the unit; this checks the table
  // keeps the documented convention that flows, and only flows, are per step.
  for (const sim::MetricInfo& metric : fixed_metrics()) {
    const bool per_step = metric.unit.size() > 5 && metric.unit.ends_with("/step");
    EXPECT_EQ(metric.flow(), per_step) << metric.name;
  }
  EXPECT_EQ(fixed_metrics().size(), static_cast<std::size_t>(FIXED_METRIC_COUNT));
}

}  // namespace
}  // namespace innosim::models::city
