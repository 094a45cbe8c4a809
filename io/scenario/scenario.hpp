// Scenario files (TOML): reading, validation against the parameter dictionary, resolution of
// defaults. A scenario is refused before anything runs, with every problem at once, each naming
// file:line:column, the key, the value given and what is accepted.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "sim/calibration/posterior_model.hpp"
#include "sim/experiment/factor.hpp"
#include "sim/experiment/outcome.hpp"
#include "sim/params/parameter_spec.hpp"
#include "sim/run/runner.hpp"

namespace innosim::io {

struct ScenarioIssue {
  std::string file;
  int line = 0;  ///< 1-based; 0 when the problem has no place in the file
  int column = 0;
  std::string message;
  /// "file:line:column: error: message" ("file: error: message" without a place).
  [[nodiscard]] std::string to_string(const char* severity = "error") const;
};

/// One published figure a calibration fits ([[calibration.observations]], docs/calibration.md).
struct CalibrationObservation {
  std::string metric;
  int year = 0;
  sim::Outcome outcome;      ///< the metric at the year, resolved on its scenario
  double value = 0.0;        ///< in metric units, divided by the scale when `scaled`
  double published = 0.0;    ///< as published (data units, the whole place)
  double uncertainty = 0.0;  ///< in metric units (sd, or relative x value)
  bool lower_bound = false;
  std::string place;  ///< with `indicator`: the row of the data file, if one was used
  std::string indicator;
  std::string source;
  std::string why;  ///< why this uncertainty
};

/// [calibration]: what `innosim calibrate` fits and how (docs/calibration.md). A scenario named
/// by another's `joint` has only observations (and its data and scale).
struct CalibrationSpec {
  std::size_t particles = 200;
  std::uint32_t replications = 1;
  double quantile = 0.5;
  std::size_t max_generations = 8;
  double min_acceptance = 0.05;
  double target_tolerance = 0.0;
  double scale = 1.0;  ///< the scenario is its place at 1:scale
  std::string data;    ///< the observed-data file, resolved against the scenario's directory
  std::vector<std::string> joint;       ///< further scenarios' paths, resolved likewise
  std::vector<sim::Factor> parameters;  ///< the priors
  std::vector<std::string> parameter_why;
  std::vector<CalibrationObservation> observations;
};

/// [targets.<name>]: a quantified target of the policy document, judged per replication
/// (docs/scenarios.md "Targets").
struct Target {
  std::string name;
  std::string metric;
  int year = 0;          ///< "by the end of <year>": a stock at its end, a flow summed over it
  sim::Outcome outcome;  ///< the metric's value at the year (no comparison), on the scenario
  sim::TargetKind comparison = sim::TargetKind::AT_LEAST;
  double document_value = 0.0;  ///< as the document gives it
  double unit_factor = 1.0;     ///< metric units per document unit
  double threshold = 0.0;       ///< in metric units: document_value x unit_factor
  std::string document;         ///< the document's wording and clause
  /// "at_least", "more_than" or "at_most": the key it was given with.
  [[nodiscard]] const char* comparison_key() const;
  [[nodiscard]] const char* comparison_symbol() const;  ///< ">=", ">", "<="
};

/// [assumptions.<name>]: a number the document does not give, with its source and reasoning.
struct Assumption {
  std::string name;
  std::string key;    ///< the scenario key it sets ("" when it sets none directly)
  std::string value;  ///< as written (TOML text of a number, or the string)
  std::string unit;
  std::string source;
  std::string reasoning;
};

/// [[targets_not_modelled]]: a quantified target of the document the model cannot compute.
struct TargetNotModelled {
  std::string target;
  std::string clause;
  std::string why;
};

/// [variants.<name>]: a named change of the baseline (docs/scenarios.md "Variants").
struct VariantInfo {
  std::string name;
  std::string description;
};

/// [backtests]: published figures after the start that the run should reproduce.
struct BacktestSpec {
  std::string data;  ///< the observed-data file, resolved against the scenario's directory
  double scale = 1.0;
  std::vector<CalibrationObservation> observations;
};

/// What to read besides the file: a variant and command-line settings (--set key=value), applied
/// to the file's tables before anything is validated, so they are checked like the file.
struct ScenarioOptions {
  std::string variant;                ///< "" or "baseline": the file as written
  std::vector<std::string> settings;  ///< "key=value", TOML value syntax; applied after the variant
  /// Also check every [variants.<name>] (each applied to the file in turn), reporting a broken
  /// variant even when another one runs.
  bool check_variants = true;
};

/// [posterior]: the run draws the calibrated parameters from a calibration's posterior.
struct PosteriorUse {
  std::string file;     ///< resolved against the scenario's directory
  bool median = false;  ///< the posterior median instead of a draw per replication
  std::shared_ptr<const sim::Posterior> sample;  ///< read from `file` when the scenario loads
};

struct Scenario {
  std::string path;  ///< as given by the user (used in messages and provenance)
  std::string text;  ///< the file verbatim
  std::string name;
  std::string description;
  std::string model;
  sim::TimeAxis time;
  std::uint64_t seed = 1;
  std::uint32_t replications = 1;
  sim::ParameterSet values;               ///< every key resolved (given or default)
  std::vector<sim::ParameterSpec> specs;  ///< the dictionary the values were checked against
  std::vector<sim::Factor> factors;       ///< [uncertainties.*] then [levers.*], by name
  std::vector<sim::Outcome> outcomes;     ///< [experiment] outcomes, resolved to metrics
  // [output]: what is written besides the model's parameters (docs/scenarios.md).
  std::vector<int> snapshot_years;                   ///< agent snapshots at these years' ends
  std::vector<std::uint32_t> snapshot_replications;  ///< of these replications (at least one)
  std::uint32_t snapshot_replication = 0;            ///< the first of snapshot_replications
  sim::OutputSelection output;                       ///< metrics and snapshot columns written
  std::optional<CalibrationSpec> calibration;
  std::optional<PosteriorUse> posterior;
  std::vector<Target> targets;
  std::vector<Assumption> assumptions;
  std::vector<TargetNotModelled> targets_not_modelled;
  std::optional<BacktestSpec> backtests;
  std::vector<VariantInfo> variants;  ///< declared in the file, in file order
  std::string variant = "baseline";   ///< the one applied
  std::vector<std::string> settings;  ///< the --set assignments applied
  /// Accepted but probably unintended (e.g. an instrument whose years lie outside the run);
  /// printed with to_string("warning").
  std::vector<ScenarioIssue> warnings;
};

class ScenarioError : public std::runtime_error {
 public:
  /// `problems`: how many were found, when only some are listed (0: as many as listed).
  explicit ScenarioError(std::vector<ScenarioIssue> issues, std::size_t problems = 0);
  /// The problems reported, each with its place; after many, a last line counting the rest.
  [[nodiscard]] const std::vector<ScenarioIssue>& issues() const { return issues_; }
  /// Every problem found, reported or not.
  [[nodiscard]] std::size_t problem_count() const { return problems_; }

 private:
  std::vector<ScenarioIssue> issues_;
  std::size_t problems_;
};

/// Reads and validates a scenario file. Throws ScenarioError, listing every problem (an
/// unreadable file is one). Only regular files of at most 64 MB are read. Warnings
/// (Scenario::warnings) are also printed on stderr.
[[nodiscard]] Scenario load_scenario(const std::filesystem::path& path,
                                     const ScenarioOptions& options = {});
/// Validates scenario text; `path` is used in messages only.
[[nodiscard]] Scenario parse_scenario(std::string_view text, const std::string& path,
                                      const ScenarioOptions& options = {});

/// Keys of the [scenario], [run] and [output] tables, common to every model.
[[nodiscard]] const std::vector<sim::ParameterSpec>& common_parameter_specs();

/// Sets a key from the command line (e.g. run.seed from --seed), checked against its spec.
/// Throws ScenarioError naming the option when the value is not accepted.
void override_parameter(Scenario& scenario, const std::string& key,
                        const sim::ParameterValue& value, const std::string& option_name);

/// The scenario's values with `overrides` set over them (a design point, say). Throws
/// std::invalid_argument if an override names no key of the scenario or is not accepted by it.
[[nodiscard]] sim::ParameterSet values_with(const Scenario& scenario,
                                            const sim::ParameterSet& overrides);
/// The scenario's model with `overrides` set over its values. With a [posterior], replication r
/// runs with the parameter values of the particle it draws (sim::PosteriorModel), or all with
/// the posterior median; `overrides` still win over the posterior's values. Throws
/// std::invalid_argument, naming the first problem, if they do not make a valid scenario.
[[nodiscard]] std::shared_ptr<const sim::Model> create_model(
    const Scenario& scenario, const sim::ParameterSet& overrides = {});

/// Every resolved value as TOML text, one table per prefix, keys sorted.
[[nodiscard]] std::string resolved_parameters_toml(const Scenario& scenario);

}  // namespace innosim::io
