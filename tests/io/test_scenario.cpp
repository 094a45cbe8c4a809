// Scenario validation: every refusal names file:line:column, the key, the value and what is
// accepted; valid files resolve every key.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "io/cli/commands.hpp"
#include "io/scenario/scenario.hpp"
#include "models/registry.hpp"

namespace innosim::io {
namespace {

const char* const VALID = R"([scenario]
model = "ref1"
steps = 24

[run]
replications = 3

[ref1]
initial_firms = 500
exit_hazard = 0.02
)";

/// Parses text expected to be refused and returns the error message text.
std::string refusal(const std::string& text) {
  try {
    static_cast<void>(parse_scenario(text, "city.toml"));
  } catch (const ScenarioError& error) {
    return error.what();
  }
  ADD_FAILURE() << "scenario was accepted:\n" << text;
  return "";
}

TEST(Scenario, ValidFileResolvesEveryKeyWithDefaults) {
  const Scenario scenario = parse_scenario(VALID, "scenarios/x.toml");
  EXPECT_EQ(scenario.model, "ref1");
  EXPECT_EQ(scenario.name, "x");  // defaults to the file name
  EXPECT_EQ(scenario.time.steps, 24);
  EXPECT_EQ(scenario.time.start_year, 2022);
  EXPECT_EQ(scenario.replications, 3u);
  EXPECT_EQ(scenario.seed, 1u);
  EXPECT_EQ(scenario.values.integer("ref1.initial_firms"), 500);
  EXPECT_DOUBLE_EQ(scenario.values.real("ref1.exit_hazard"), 0.02);
  EXPECT_DOUBLE_EQ(scenario.values.real("ref1.growth_sd"), 0.06);  // default
  for (const auto& spec : scenario.specs)
    EXPECT_TRUE(scenario.values.contains(spec.key)) << spec.key;
}

TEST(Scenario, OutOfRangeValueNamesPlaceKeyValueAndRange) {
  const std::string message = refusal(std::string(VALID) + "tech_sme_probability = 1.5\n");
  EXPECT_NE(message.find("city.toml:11:24: error: ref1.tech_sme_probability = 1.5 is not accepted; "
                         "accepted: a number in [0, 1]"),
            std::string::npos)
      << message;
}

TEST(Scenario, WrongTypeNamesWhatWasGivenAndWhatIsAccepted) {
  const std::string message = refusal(R"([scenario]
model = "ref1"
[ref1]
initial_firms = "many"
)");
  EXPECT_NE(
      message.find("city.toml:4:17: error: ref1.initial_firms = \"many\" is a string; accepted: an "
                   "integer in [0, 2147483647]"),
      std::string::npos)
      << message;
  // An integer key refuses a float too (no silent truncation).
  EXPECT_NE(
      refusal("[scenario]\nmodel = \"ref1\"\n[ref1]\ninitial_firms = 10.5\n").find("is a number"),
      std::string::npos);
}

TEST(Scenario, UnknownKeySuggestsTheNearestAndListsAccepted) {
  const std::string message = refusal("[scenario]\nmodel = \"ref1\"\n[ref1]\nexit_hazzard = 0.1\n");
  EXPECT_NE(
      message.find(
          "city.toml:4:16: error: unknown key ref1.exit_hazzard; did you mean ref1.exit_hazard?"),
      std::string::npos)
      << message;
  EXPECT_NE(message.find("Accepted keys in [ref1]: initial_firms"), std::string::npos) << message;
}

TEST(Scenario, UnknownTableAndMissingModelAreRefused) {
  const std::string unknown_table = refusal("[scenario]\nmodel = \"ref1\"\n[refl]\nx = 1\n");
  EXPECT_NE(unknown_table.find("city.toml:3:1: error: unknown table [refl]; did you mean [ref1]?"),
            std::string::npos)
      << unknown_table;
  const std::string missing = refusal("[run]\nseed = 3\n");
  EXPECT_NE(missing.find("city.toml:1:1: error: missing required key scenario.model"),
            std::string::npos)
      << missing;
  // With the table present but the key missing, the table's header is the place.
  const std::string missing_in_table = refusal("[run]\nseed = 3\n\n[scenario]\nname = \"x\"\n");
  EXPECT_NE(missing_in_table.find("city.toml:4:1: error: missing required key scenario.model"),
            std::string::npos)
      << missing_in_table;
  EXPECT_NE(missing.find("accepted: one of \"ref1\""), std::string::npos) << missing;
  const std::string unknown_model = refusal("[scenario]\nmodel = \"ref2\"\n");
  EXPECT_NE(unknown_model.find("city.toml:2:9: error: scenario.model = \"ref2\" is not accepted; "
                               "accepted: one of \"ref1\""),
            std::string::npos)
      << unknown_model;
}

TEST(Scenario, ReportsEveryProblemAtOnce) {
  try {
    static_cast<void>(
        parse_scenario("[scenario]\nmodel = \"ref1\"\nsteps = 0\n[run]\nseed = -1\n", "c.toml"));
    FAIL() << "accepted";
  } catch (const ScenarioError& error) {
    EXPECT_EQ(error.issues().size(), 2u) << error.what();
  }
}

TEST(Scenario, SyntaxErrorsCarryTheirPosition) {
  const std::string message = refusal("[scenario]\nmodel = \"ref1\n");
  EXPECT_NE(message.find("city.toml:2:"), std::string::npos) << message;
  EXPECT_NE(message.find("not valid TOML"), std::string::npos) << message;
}

TEST(Scenario, ContradictoryKeysAreRefusedAtTheKey) {
  const std::string message =
      refusal("[scenario]\nmodel = \"ref1\"\n[ref1]\nsmall_revenue_limit = 30000.0\n");
  EXPECT_NE(
      message.find("city.toml:4:23: error: ref1.small_revenue_limit = 30000.0 must not exceed "
                   "ref1.medium_revenue_limit (20000.0)"),
      std::string::npos)
      << message;
}

TEST(Scenario, OutputNamesWhatTheModelHasWithItsPlaceAndTheNearestName) {
  const std::string message =
      refusal("[scenario]\nmodel = \"ref1\"\n[output]\nmetrics = [\"exits\", \"firms_leeder\"]\n");
  EXPECT_NE(message.find("city.toml:4:21: error: output.metrics: \"firms_leeder\" is not a metric "
                         "of model ref1; did you mean \"firms_leader\"?"),
            std::string::npos)
      << message;
  const Scenario scenario =
      parse_scenario("[scenario]\nmodel = \"ref1\"\n[output]\nmetrics = [\"exits\"]\n", "x.toml");
  EXPECT_EQ(scenario.output.metrics, std::vector<std::string>{"exits"});
}

TEST(Scenario, SnapshotReplicationsTakeOneKeyOrTheOther) {
  const Scenario one = parse_scenario(VALID, "x.toml");
  EXPECT_EQ(one.snapshot_replications, std::vector<std::uint32_t>{0});
  const Scenario several =
      parse_scenario(std::string(VALID) + "[output]\nsnapshot_replications = [2, 1]\n", "x.toml");
  EXPECT_EQ(several.snapshot_replications, (std::vector<std::uint32_t>{2, 1}));
  EXPECT_EQ(several.snapshot_replication, 2u);
  const std::string both = refusal(std::string(VALID) +
                                   "[output]\nsnapshot_replication = 2\n"
                                   "snapshot_replications = [2, 1]\n");
  EXPECT_NE(both.find("city.toml:12:24: error: output.snapshot_replication and "
                      "output.snapshot_replications are both given"),
            std::string::npos)
      << both;
}

TEST(Scenario, CommandLineOverridesAreCheckedAgainstTheSameRanges) {
  Scenario scenario = parse_scenario(VALID, "x.toml");
  override_parameter(scenario, "run.seed", std::int64_t{42}, "--seed");
  EXPECT_EQ(scenario.seed, 42u);
  EXPECT_THROW(override_parameter(scenario, "run.replications", std::int64_t{0}, "--replications"),
               ScenarioError);
}

TEST(Scenario, MissingFileIsAClearError) {
  try {
    static_cast<void>(load_scenario("/nonexistent/city.toml"));
    FAIL();
  } catch (const ScenarioError& error) {
    EXPECT_NE(std::string(error.what()).find("/nonexistent/city.toml: error: cannot open"),
              std::string::npos);
  }
}

TEST(Scenario, ShippedScenariosAreValid) {
  for (const auto& entry :
       std::filesystem::recursive_directory_iterator(INNOSIM_SOURCE_DIR "/scenarios")) {
    if (entry.path().extension() != ".toml") continue;
    EXPECT_NO_THROW(static_cast<void>(load_scenario(entry.path()))) << entry.path();
  }
}

TEST(Scenario, ResolvedParametersRoundTripThroughToml) {
  const Scenario scenario = parse_scenario(VALID, "x.toml");
  const std::string resolved = resolved_parameters_toml(scenario);
  const Scenario again = parse_scenario(resolved, "resolved.toml");
  EXPECT_EQ(again.values.values(), scenario.values.values());
}

}  // namespace
}  // namespace innosim::io

namespace innosim::io {
namespace {

// docs/parameters.md is the output of `innosim params`; regenerate it with
//   build/release/apps/innosim params > docs/parameters.md
TEST(ParameterDictionary, DocsMatchTheCode) {
  std::ifstream file(INNOSIM_SOURCE_DIR "/docs/parameters.md");
  ASSERT_TRUE(file) << "docs/parameters.md is missing";
  std::ostringstream text;
  text << file.rdbuf();
  EXPECT_EQ(text.str(), parameters_markdown())
      << "docs/parameters.md is stale: run `innosim params > docs/parameters.md`";
}

TEST(ParameterDictionary, EveryParameterHasMeaningUnitSourceAndValidDefault) {
  for (const auto& spec : common_parameter_specs()) {
    EXPECT_FALSE(spec.meaning.empty()) << spec.key;
  }
  for (const auto& entry : models::model_registry()) {
    for (const auto& spec : entry.parameter_specs()) {
      EXPECT_FALSE(spec.meaning.empty()) << spec.key;
      EXPECT_FALSE(spec.unit.empty()) << spec.key;
      EXPECT_FALSE(spec.source.empty()) << spec.key;
      ASSERT_TRUE(spec.default_value.has_value()) << spec.key;
      EXPECT_TRUE(spec.accepts(*spec.default_value)) << spec.key;
    }
    if (entry.named_table_specs == nullptr) continue;
    for (const auto& spec : entry.named_table_specs()) {
      EXPECT_FALSE(spec.meaning.empty()) << spec.key;
      EXPECT_FALSE(spec.source.empty()) << spec.key;
      if (spec.default_value) {
        EXPECT_TRUE(spec.accepts(*spec.default_value)) << spec.key;
      }
    }
  }
}

}  // namespace
}  // namespace innosim::io
