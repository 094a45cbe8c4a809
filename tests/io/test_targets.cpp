// Targets, assumptions and variants of a scenario (docs/scenarios.md "A city's document"): the
// probability of a target against arithmetic and a published interval, and variants and --set
// validated like the file.
#include <gtest/gtest.h>
#include <hdf5.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "io/cli/commands.hpp"
#include "io/h5/h5_handle.hpp"
#include "io/h5/h5_objects.hpp"
#include "io/scenario/scenario.hpp"
#include "sim/stats/target_probability.hpp"

namespace innosim::io {
namespace {

// A REF-1 run where nothing is random in the counts: no births, no exits, every candidate
// (R&D > 0, below the revenue cap) becomes a tech SME in the first step with probability 1 and
// none moves on. So firms_tech_sme is exactly initial_firms from the first step on.
const char* const DETERMINISTIC = R"([scenario]
model = "ref1"
start_year = 2023
steps = 24

[run]
replications = 30
seed = 3

[ref1]
initial_firms = 500
births_per_step = 0.0
exit_hazard = 0.0
tech_sme_probability = 1.0
tech_sme_rd_reference = 0.000001
tech_sme_revenue_cap = 1000000000000.0
high_tech_probability = 0.0
lapse_probability = 0.0
leader_probability = 0.0

[targets.reached_exactly]
metric = "firms_tech_sme"
year = 2023
at_least = 500
document = "at least 500 by the end of 2023"

[targets.one_more]
metric = "firms_tech_sme"
year = 2024
more_than = 500
document = "more than 500 by the end of 2024"

[targets.ceiling]
metric = "firms_tech_sme"
year = 2024
at_most = 499
document = "at most 499"
)";

std::string refusal(const std::string& text, const ScenarioOptions& options = {}) {
  try {
    static_cast<void>(parse_scenario(text, "city.toml", options));
  } catch (const ScenarioError& error) {
    return error.what();
  }
  ADD_FAILURE() << "scenario was accepted";
  return "";
}

double attribute(hid_t file, const std::string& group, const char* name) {
  h5::Handle object(H5Gopen2(file, group.c_str(), H5P_DEFAULT), H5Gclose, "opening " + group);
  h5::Handle handle(H5Aopen(object, name, H5P_DEFAULT), H5Aclose, "opening an attribute");
  double value = 0.0;
  H5Aread(handle, H5T_NATIVE_DOUBLE, &value);
  return value;
}

TEST(WilsonInterval, MatchesNewcombesPublishedIntervals) {
  // Newcombe (1998), Statistics in Medicine 17:857-872, Table I, method 3 (Wilson score): 81/263
  // -> 0.2553 to 0.3662 and 0/10 -> 0 to 0.2775. A Wald interval (p ± 1.96 se) would give
  // 0.2522-0.3638 and 0-0, failing both.
  const sim::Proportion a = sim::wilson_interval(81, 263);
  EXPECT_NEAR(a.low, 0.2553, 5e-5);
  EXPECT_NEAR(a.high, 0.3662, 5e-5);
  const sim::Proportion b = sim::wilson_interval(0, 10);
  EXPECT_EQ(b.low, 0.0);
  EXPECT_NEAR(b.high, 0.2775, 5e-5);
  const sim::Proportion c = sim::wilson_interval(10, 10);  // the mirror image
  EXPECT_EQ(c.high, 1.0);
  EXPECT_NEAR(c.low, 1.0 - 0.2775, 5e-5);
}

TEST(Targets, ADeterministicScenarioGivesZeroOrOneAsTheArithmeticSays) {
  // Fails if the target year were read at the wrong point (the start of the year, or a year
  // off: then firms_tech_sme would still be 0 at t = 0), if more_than were taken as at_least,
  // or if the probability were not the share of replications.
  const auto directory = std::filesystem::temp_directory_path() / "innosim_targets_test";
  std::filesystem::create_directories(directory);
  const auto scenario = directory / "deterministic.toml";
  std::ofstream(scenario) << DETERMINISTIC;
  const auto output = directory / "deterministic.h5";
  std::filesystem::remove(output);
  RunRequest request;
  request.scenario_path = scenario.string();
  request.output_path = output.string();
  request.progress = RunRequest::Progress::NEVER;
  ASSERT_EQ(run_command(request), EXIT_OK);
  h5::Handle file(H5Fopen(output.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose, "opening");
  EXPECT_EQ(attribute(file, "targets/reached_exactly", "probability"), 1.0);
  EXPECT_EQ(attribute(file, "targets/reached_exactly", "time"), 2024.0);
  EXPECT_EQ(attribute(file, "targets/one_more", "probability"), 0.0);
  EXPECT_EQ(attribute(file, "targets/one_more", "time"), 2025.0);
  EXPECT_EQ(attribute(file, "targets/ceiling", "probability"), 0.0);
  // 30 of 30: the Wilson lower bound is 30 / (30 + 1.96^2) = 0.8865.
  EXPECT_NEAR(attribute(file, "targets/reached_exactly", "probability_low"), 0.8865, 5e-4);
  for (const double value : h5::read_doubles(file, "targets/one_more/value"))
    EXPECT_EQ(value, 500.0);
  for (const double achieved : h5::read_doubles(file, "targets/reached_exactly/achieved"))
    EXPECT_EQ(achieved, 1.0);
  std::filesystem::remove_all(directory);
}

TEST(Targets, AreCheckedLikeTheRestOfTheFile) {
  std::string text = DETERMINISTIC;
  // Fails if a target outside the run, two comparisons or a misspelt metric were accepted.
  EXPECT_NE(refusal(text + "[targets.late]\nmetric = \"firms_tech_sme\"\nyear = 2030\n"
                           "at_least = 1\ndocument = \"x\"\n")
                .find("targets.late.year = 2030"),
            std::string::npos);
  EXPECT_NE(refusal(text + "[targets.both]\nmetric = \"firms_tech_sme\"\nyear = 2024\n"
                           "at_least = 1\nat_most = 2\ndocument = \"x\"\n")
                .find("exactly one of at_least"),
            std::string::npos);
  EXPECT_NE(refusal(text + "[targets.typo]\nmetric = \"firms_tech_smee\"\nyear = 2024\n"
                           "at_least = 1\ndocument = \"x\"\n")
                .find("firms_tech_sme"),
            std::string::npos);
}

TEST(Assumptions, AKeyMustHoldTheAssumedValue) {
  // Fails if the table could silently disagree with the number the run uses.
  const std::string base = DETERMINISTIC;
  const Scenario ok = parse_scenario(
      base +
          "[assumptions.firms]\nkey = \"ref1.initial_firms\"\nvalue = 500\nunit = \"firms\"\n"
          "source = \"assumption\"\nreasoning = \"a small city\"\n",
      "city.toml");
  ASSERT_EQ(ok.assumptions.size(), 1u);
  EXPECT_EQ(ok.assumptions[0].value, "500");
  const std::string message =
      refusal(base +
              "[assumptions.firms]\nkey = \"ref1.initial_firms\"\nvalue = 400\n"
              "source = \"assumption\"\nreasoning = \"a small city\"\n");
  EXPECT_NE(message.find("city.toml:"), std::string::npos) << message;
  EXPECT_NE(message.find("but ref1.initial_firms = 500"), std::string::npos) << message;
}

const char* const VARIANTS = R"(
[variants.bigger]
description = "more firms"
[variants.bigger.ref1]
initial_firms = 800

[variants.without_targets]
description = "drops the targets"
remove = ["targets"]
)";

TEST(Variants, OverrideAndRemoveTablesOfTheFile) {
  const std::string text = std::string(DETERMINISTIC) + VARIANTS;
  const Scenario baseline = parse_scenario(text, "city.toml");
  EXPECT_EQ(baseline.variant, "baseline");
  EXPECT_EQ(baseline.values.integer("ref1.initial_firms"), 500);
  ASSERT_EQ(baseline.variants.size(), 2u);
  const Scenario bigger = parse_scenario(text, "city.toml", {"bigger", {}});
  EXPECT_EQ(bigger.variant, "bigger");
  EXPECT_EQ(bigger.values.integer("ref1.initial_firms"), 800);
  EXPECT_EQ(bigger.values.real("ref1.exit_hazard"), 0.0);  // the rest of the file is kept
  EXPECT_EQ(bigger.targets.size(), 3u);
  EXPECT_TRUE(parse_scenario(text, "city.toml", {"without_targets", {}}).targets.empty());
  // --set applies after the variant.
  const Scenario set = parse_scenario(text, "city.toml", {"bigger", {"ref1.initial_firms=900"}});
  EXPECT_EQ(set.values.integer("ref1.initial_firms"), 900);
}

TEST(Variants, ABrokenVariantIsReportedAtItsLineEvenWhenAnotherRuns) {
  // Fails if variants were only checked when run, or if their problems lost their place (a
  // copied TOML node forgets where it was written).
  const std::string text = std::string(DETERMINISTIC) + VARIANTS +
                           "\n[variants.broken]\ndescription = \"x\"\n[variants.broken.ref1]\n"
                           "exit_hazard = 2.0\n";
  const std::string message = refusal(text);
  const int line = static_cast<int>(std::count(text.begin(), text.end(), '\n'));
  EXPECT_NE(message.find("city.toml:" + std::to_string(line) + ":"), std::string::npos) << message;
  EXPECT_NE(message.find("in variant broken: ref1.exit_hazard = 2.0"), std::string::npos)
      << message;
  const std::string unknown = refusal(std::string(DETERMINISTIC) + VARIANTS, {"biger", {}});
  EXPECT_NE(unknown.find("did you mean bigger?"), std::string::npos) << unknown;
}

TEST(Settings, AreValidatedLikeTheFileAndNameTheOption) {
  const std::string text = DETERMINISTIC;
  const std::string wrong = refusal(text, {"", {"ref1.exit_hazard=high"}});
  EXPECT_NE(wrong.find("--set ref1.exit_hazard=high:1:"), std::string::npos) << wrong;
  EXPECT_NE(wrong.find("accepted: a number in [0, 1]"), std::string::npos) << wrong;
  const std::string unknown = refusal(text, {"", {"ref1.exit_hazzard=0.1"}});
  EXPECT_NE(unknown.find("did you mean ref1.exit_hazard?"), std::string::npos) << unknown;
  EXPECT_NE(refusal(text, {"", {"no_equals_sign"}}).find("accepted: KEY=VALUE"), std::string::npos);
  const Scenario named = parse_scenario(text, "city.toml", {"", {"scenario.name=plain_word"}});
  EXPECT_EQ(named.name, "plain_word");  // a bare word is text
}

}  // namespace
}  // namespace innosim::io
