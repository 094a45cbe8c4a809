// Scenario validation: every refusal names file:line:column, the key, the value and what is
// accepted; valid files resolve every key.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <limits>
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

// ---- Bad input (issue 14): each refusal is placed, nothing crashes, the work is bounded. ----

/// A ref1 scenario with an experiment table appended.
std::string ref1_with(const std::string& tables) { return std::string(VALID) + tables; }

/// A file under the test's temporary directory.
std::filesystem::path temporary(const std::string& name) {
  const auto directory = std::filesystem::temp_directory_path() /
                         ("innosim_test_scenario_" + std::to_string(::getpid()));
  std::filesystem::create_directories(directory);
  return directory / name;
}

// Fails before the fix: the parser recursed once per part and overflowed the stack (SIGSEGV).
TEST(ScenarioInput, DeepNestingIsRefusedBeforeTheParserRecurses) {
  std::string header = "[a";
  for (int i = 1; i < 40000; ++i) header += ".a";
  const std::string deep_header = refusal("[scenario]\nmodel = \"ref1\"\n" + header + "]\n");
  EXPECT_NE(deep_header.find("city.toml:3:"), std::string::npos) << deep_header;
  EXPECT_NE(deep_header.find("nesting deeper than 64 levels"), std::string::npos);
  const std::string arrays =
      refusal("[scenario]\nmodel = \"ref1\"\n[ref1]\nx = " + std::string(20000, '[') +
              std::string(20000, ']') + "\n");
  EXPECT_NE(arrays.find("city.toml:4:"), std::string::npos) << arrays;
  std::string inline_tables = "x = ";
  for (int i = 0; i < 20000; ++i) inline_tables += "{a = ";
  inline_tables += "1" + std::string(20000, '}');
  const std::string tables = refusal("[scenario]\nmodel = \"ref1\"\n" + inline_tables + "\n");
  EXPECT_NE(tables.find("city.toml:3:"), std::string::npos) << tables;
  std::string dotted = "a";
  for (int i = 0; i < 40000; ++i) dotted += ".a";
  EXPECT_NE(refusal(dotted + " = 1\n").find("city.toml:1:"), std::string::npos);
  // Dots inside strings and numbers are not nesting.
  EXPECT_NO_THROW(static_cast<void>(
      parse_scenario(std::string(VALID) +
                         "# a.b.c.d.e.f.g.h.i.j.k.l.m.n.o.p.q.r.s.t.u.v.w.x.y.z.a.b.c.d.e.f.g.h.i.j"
                         ".k.l.m.n.o.p.q.r.s.t.u.v.w.x.y.z.a.b.c.d.e.f.g.h.i.j.k.l\n",
                     "x.toml")));
}

// Fails before the fix: a directory read as an empty file ("missing required key"), /dev/zero
// ran out of memory, a FIFO blocked for ever.
TEST(ScenarioInput, OnlyRegularFilesOfBoundedSizeAreRead) {
  auto message = [](const std::filesystem::path& path) -> std::string {
    try {
      static_cast<void>(load_scenario(path));
    } catch (const ScenarioError& error) {
      return error.what();
    }
    return "accepted";
  };
  const auto directory = temporary("a_directory.toml");
  std::filesystem::create_directories(directory);
  EXPECT_NE(message(directory).find(directory.string() + ": error: is a directory"),
            std::string::npos)
      << message(directory);
  EXPECT_NE(message("/dev/zero").find("/dev/zero: error: is not a regular file"),
            std::string::npos);
  const auto fifo = temporary("fifo.toml");
  std::filesystem::remove(fifo);
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  EXPECT_NE(message(fifo).find("is not a regular file"), std::string::npos);
  std::filesystem::remove(fifo);
  const auto huge = temporary("huge.toml");
  { std::ofstream{huge}; }
  std::filesystem::resize_file(huge, (64u << 20) + 1);  // sparse: no disk space used
  EXPECT_NE(message(huge).find("accepted: a scenario file of at most 67108864 bytes"),
            std::string::npos)
      << message(huge);
  std::filesystem::remove(huge);
}

// Fails before the fix: 9007199254740993 became 9007199254740992.0 when compared with the
// range, and was accepted.
TEST(ScenarioInput, SeedsAboveTwoToThe53AreRefusedExactly) {
  Scenario scenario = parse_scenario(VALID, "x.toml");
  override_parameter(scenario, "run.seed", std::int64_t{9007199254740992}, "--seed");
  EXPECT_THROW(override_parameter(scenario, "run.seed", std::int64_t{9007199254740993}, "--seed"),
               ScenarioError);
  std::string text = VALID;
  text.replace(text.find("replications = 3"), 16, "seed = 9007199254740993");
  EXPECT_NE(refusal(text).find("run.seed = 9007199254740993 is not accepted"), std::string::npos);
}

// Fails before the fix: mode = nan and mean = nan were accepted (NaN reached the model), and
// log_uniform from 1e-320 gave inf for every coordinate above 0.
TEST(ScenarioInput, NonFiniteFactorValuesAreRefusedWithTheirPlace) {
  const std::string nan_mode = refusal(
      ref1_with("[uncertainties.g]\nparameter = \"ref1.growth_sd\"\ndistribution = \"triangular\"\n"
                "low = 0.01\nmode = nan\nhigh = 0.1\n"));
  EXPECT_NE(nan_mode.find("city.toml:15:8: error: uncertainties.g.mode = nan is not accepted; "
                          "accepted: a finite number"),
            std::string::npos)
      << nan_mode;
  const std::string nan_mean = refusal(
      ref1_with("[uncertainties.e]\nparameter = \"ref1.exit_hazard\"\ndistribution = \"normal\"\n"
                "mean = nan\nsd = 0.01\n"));
  EXPECT_NE(nan_mean.find("city.toml:14:8: error: uncertainties.e.mean = nan"), std::string::npos)
      << nan_mean;
  EXPECT_NE(refusal(ref1_with("[levers.s]\nparameter = \"ref1.high_tech_support\"\nlow = -inf\n"
                              "high = 1.0\n"))
                .find("levers.s.low = -inf is not accepted; accepted: a finite number"),
            std::string::npos);
  const std::string tiny = refusal(ref1_with(
      "[uncertainties.s]\nparameter = \"ref1.high_tech_support\"\ndistribution = \"log_uniform\"\n"
      "low = 1e-320\nhigh = 5.0\n"));
  EXPECT_NE(tiny.find("city.toml:14:7: error: uncertainties.s: "), std::string::npos) << tiny;
  EXPECT_NE(tiny.find("ref1.high_tech_support = inf, which it does not accept; accepted: a "
                      "number in [-1, 1000]"),
            std::string::npos)
      << tiny;
}

// A sweep's design points stay in their keys' ranges by construction: every value a factor can
// take is checked when the scenario is read (NonFiniteFactorValuesAreRefusedWithTheirPlace).
// Overrides given from code (a study's points) go through values_with, which must refuse an
// out-of-range value by key and range rather than let it reach the model.
TEST(ScenarioInput, OverridesOutsideTheKeysRangeAreRefusedWithTheKey) {
  const Scenario scenario = parse_scenario(VALID, "x.toml");
  sim::ParameterSet point;
  point.set("ref1.exit_hazard", std::numeric_limits<double>::infinity());
  try {
    (void)values_with(scenario, point);
    FAIL() << "an infinite exit hazard was accepted";
  } catch (const std::invalid_argument& error) {
    EXPECT_NE(std::string(error.what())
                  .find("ref1.exit_hazard = inf is not accepted; accepted: "
                        "a number in"),
              std::string::npos)
        << error.what();
  }
}

// Fails before the fix: the year was read as an int and year + 1 overflowed (UBSan: signed
// overflow); a year beyond int was "no year".
TEST(ScenarioInput, OutcomeYearsAndTargetsAreReadSafely) {
  const std::string text =
      refusal(ref1_with("[experiment]\noutcomes = [\"firms_high_tech@2147483647\", "
                        "\"firms_high_tech@-99999999999999999999\", \"firms_high_tech@2023>=nan\", "
                        "\"firms_high_tech@2023<=inf\", \"firms_high_tech@2023>=-inf\"]\n"));
  EXPECT_NE(text.find("city.toml:12:13: error: experiment.outcomes: \"firms_high_tech@2147483647\" "
                      "is outside the run: firms_high_tech (firms) has values for 2021 to 2023"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("\"firms_high_tech@-99999999999999999999\" is outside the run"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("\"firms_high_tech@2023>=nan\" compares with nan; accepted: a finite "
                      "number after >="),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("\"firms_high_tech@2023<=inf\" compares with inf"), std::string::npos);
  EXPECT_NE(text.find("\"firms_high_tech@2023>=-inf\" compares with -inf"), std::string::npos);
}

const char* const CITY = "[scenario]\nmodel = \"city\"\nsteps = 24\n[run]\nreplications = 2\n";

// Fails before the fix: each of these was accepted.
TEST(ScenarioInput, ContradictoryCityKeysAreRefusedAtTheKey) {
  const std::string text =
      refusal(std::string(CITY) +
              "[city]\nhigh_tech_tax_rate = 0.3\ngrowth_sd_min = 0.9\ngrowth_sd_max = 0.5\n"
              "high_tech_small_sales = 30000.0\nhigh_tech_medium_sales = 20000.0\n");
  EXPECT_NE(text.find("city.toml:7:22: error: city.high_tech_tax_rate = 0.3 must not exceed "
                      "city.corporate_tax_rate (0.25)"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("city.toml:8:17: error: city.growth_sd_min = 0.9 must not exceed "
                      "city.growth_sd_max (0.5)"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("city.toml:10:25: error: city.high_tech_small_sales = 30000.0 must not "
                      "exceed city.high_tech_medium_sales (20000.0)"),
            std::string::npos)
      << text;
}

// Fails before the fix: a snapshot of a replication that does not run was accepted, in the file
// and after --replications, and /firms was silently missing.
TEST(ScenarioInput, SnapshotsOfReplicationsThatDoNotRunAreRefused) {
  const std::string text =
      refusal(std::string(CITY) + "[output]\nsnapshot_replications = [0, 5]\n");
  EXPECT_NE(text.find("city.toml:7:25: error: output.snapshot_replications = [0, 5] names "
                      "replication 5, which is not run: 2 replications run (numbers 0 to 1)"),
            std::string::npos)
      << text;
  Scenario scenario =
      parse_scenario(std::string(CITY) + "[output]\nsnapshot_replication = 1\n", "x.toml");
  try {
    override_parameter(scenario, "run.replications", std::int64_t{1}, "--replications");
    ADD_FAILURE() << "--replications 1 accepted with a snapshot of replication 1";
  } catch (const ScenarioError& error) {
    EXPECT_NE(std::string(error.what())
                  .find("--replications: error: --replications 1 leaves a snapshot without its "
                        "replication: x.toml output.snapshot_replication names replication 1"),
              std::string::npos)
        << error.what();
  }
}

// Fails before the fix: no warning (the instrument silently never paid).
TEST(ScenarioInput, InstrumentsOutsideTheRunAreAcceptedWithAWarning) {
  const Scenario scenario = parse_scenario(std::string(CITY) +
                                               "[instruments.old]\ntrigger = "
                                               "\"high_tech_certified\"\nfixed = 1.0\n"
                                               "first_year = 2000\nlast_year = 2010\n",
                                           "x.toml");
  ASSERT_EQ(scenario.warnings.size(), 1u);
  EXPECT_EQ(scenario.warnings.front().to_string("warning"),
            "x.toml:10:13: warning: instruments.old.last_year = 2010: [instruments.old] runs from "
            "2000 to 2010, outside the run (2022 to 2023), so it never pays");
}

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
constexpr double SECONDS_FOR_4000_INSTRUMENTS = 20.0;  // sanitizers slow everything down
#else
constexpr double SECONDS_FOR_4000_INSTRUMENTS = 1.0;
#endif

// Fails before the fix: each instrument table scanned every key of every instrument (74 s).
TEST(ScenarioInput, ValidationIsLinearInTheNumberOfInstruments) {
  std::string text = "[scenario]\nmodel = \"city\"\nsteps = 24\n";
  for (int i = 0; i < 4000; ++i) {
    text += "[instruments.i" + std::to_string(i) +
            "]\ntrigger = \"high_tech_certified\"\nfixed = 1.0\n";
  }
  // Processor time, not wall time: other work on the machine must not make the test fail.
  const std::clock_t started = std::clock();
  const Scenario scenario = parse_scenario(text, "many.toml");
  const double seconds = static_cast<double>(std::clock() - started) / CLOCKS_PER_SEC;
  EXPECT_LT(seconds, SECONDS_FOR_4000_INSTRUMENTS);
  EXPECT_EQ(scenario.values.text("instruments.i3999.trigger"), "high_tech_certified");
}

// Fails before the fix: 20,000 unknown keys gave 20,000 problems (55 MB), and a 1 MB key's
// suggestion took seconds and was printed whole.
TEST(ScenarioInput, TheReportIsBoundedAndSaysHowManyMore) {
  std::string text = "[scenario]\nmodel = \"city\"\n[city]\n";
  for (int i = 0; i < 20000; ++i) text += "unknown_key_" + std::to_string(i) + " = 1\n";
  try {
    static_cast<void>(parse_scenario(text, "typos.toml"));
    FAIL();
  } catch (const ScenarioError& error) {
    EXPECT_EQ(error.problem_count(), 20000u);
    ASSERT_EQ(error.issues().size(), 51u);
    EXPECT_EQ(error.issues().back().to_string(),
              "typos.toml: error: 19950 more problems not shown (only the first 50 are "
              "reported); fix these and validate again");
    // Each reported problem lists the accepted [city] keys, a list that grows with every module's
    // parameters (about 4 KB with the loans module's): the bound is against the 55 MB of the
    // unbounded report, with room for more keys.
    EXPECT_LT(std::string(error.what()).size(), 1'000'000u);
  }
  const std::clock_t started = std::clock();
  const std::string long_key =
      refusal("[scenario]\nmodel = \"city\"\n[city]\n" + std::string(1 << 20, 'x') + " = 1\n");
  EXPECT_LT(static_cast<double>(std::clock() - started) / CLOCKS_PER_SEC,
            SECONDS_FOR_4000_INSTRUMENTS);
  EXPECT_NE(long_key.find("unknown key city.xxxx"), std::string::npos);
  EXPECT_NE(long_key.find("... (1048576 characters)"), std::string::npos);
  EXPECT_LT(long_key.size(), 10'000u);
}

}  // namespace
}  // namespace innosim::io
