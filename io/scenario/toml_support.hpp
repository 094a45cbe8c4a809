// Helpers shared by the scenario readers (scenario.cpp, experiment.cpp): TOML values as the
// user wrote them, conversion to parameter values, "did you mean" suggestions, and the
// collector of placed problems.
#pragma once

#include <toml++/toml.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "io/scenario/scenario.hpp"
#include "sim/params/parameter_spec.hpp"

namespace innosim::io::detail {

/// The text for a message: control characters escaped (\x0a), and only its beginning and
/// its length when it is too long.
[[nodiscard]] std::string abbreviated(const std::string& text);
/// "a string", "an integer", ... for messages.
[[nodiscard]] std::string type_name(const toml::node& node);
/// The value as the user wrote it (strings quoted as in TOML).
[[nodiscard]] std::string value_text(const toml::node& node);
/// The closest candidate within three edits, or "" (also for names over 64 characters).
[[nodiscard]] std::string suggestion(const std::string& given,
                                     const std::vector<std::string>& candidates);
[[nodiscard]] std::string join(const std::vector<std::string>& items);
/// "unknown key <prefix>.<key>; did you mean <prefix>.<nearest>? Accepted keys in [<prefix>]: ..."
[[nodiscard]] std::string unknown_key_message(const std::string& prefix, const std::string& key,
                                              const std::vector<std::string>& accepted);
/// spec.accepts, with integers compared exactly with the bounds (spec.accepts compares them as
/// doubles, in which 2^53 + 1 equals 2^53).
[[nodiscard]] bool accepts_exactly(const sim::ParameterSpec& spec,
                                   const sim::ParameterValue& value);
/// Converts a TOML value to the spec's type, or nullopt if it has another type.
[[nodiscard]] std::optional<sim::ParameterValue> convert(const toml::node& node,
                                                         const sim::ParameterSpec& spec);

/// Collects problems, each placed in the file; throws them all at once. Only the first
/// MAX_REPORTED are kept (a file of 20,000 mistakes would print megabytes); the rest are
/// counted and reported as one line. Callers that build costly messages (suggestions) ask
/// full() first and call skip() instead.
class Validator {
 public:
  static constexpr std::size_t MAX_REPORTED = 50;

  explicit Validator(std::string path) : path_(std::move(path)) {}
  void add(const toml::source_region& where, std::string message) {
    if (full()) {
      skip();
      return;
    }
    // A node keeps the name of the text it was parsed from: the scenario file, or a --set.
    const std::string& file = where.path && !where.path->empty() ? *where.path : path_;
    issues_.push_back({file, static_cast<int>(where.begin.line),
                       static_cast<int>(where.begin.column), std::move(message)});
  }
  void add_unplaced(std::string message) {
    if (full()) {
      skip();
      return;
    }
    issues_.push_back({path_, 0, 0, std::move(message)});
  }
  /// Whether further problems are only counted.
  [[nodiscard]] bool full() const { return issues_.size() >= MAX_REPORTED; }
  /// Counts a problem that is not reported.
  void skip() { ++skipped_; }
  [[nodiscard]] bool empty() const { return issues_.empty(); }
  /// Problems found so far, reported or not.
  [[nodiscard]] std::size_t count() const { return issues_.size() + skipped_; }
  void throw_if_any() {
    if (issues_.empty()) return;
    const std::size_t total = issues_.size() + skipped_;
    if (skipped_ > 0) {
      issues_.push_back({path_, 0, 0,
                         std::to_string(skipped_) + " more problem" + (skipped_ == 1 ? "" : "s") +
                             " not shown (only the first " + std::to_string(MAX_REPORTED) +
                             " are reported); fix these and validate again"});
    }
    throw ScenarioError(std::move(issues_), total);
  }

 private:
  std::string path_;
  std::vector<ScenarioIssue> issues_;
  std::size_t skipped_ = 0;
};

/// A number of `table` in [low, high] (or (low, high) when not `closed`), nullopt when absent
/// or after reporting it refused (naming `prefix`.`key`, the value and the range, with `meaning`).
[[nodiscard]] std::optional<double> read_number(const toml::table& table, const std::string& prefix,
                                                const char* key, double low, double high,
                                                bool closed, const std::string& meaning,
                                                Validator& validator);
/// A required non-empty string of `table`, or "" after reporting it (at `where` when missing).
[[nodiscard]] std::string read_text(const toml::table& table, const toml::node& where,
                                    const std::string& prefix, const char* key,
                                    const std::string& meaning, Validator& validator);
/// Reports every key of `table` that is not in `accepted`, with a suggestion.
void check_keys(const toml::table& table, const std::string& prefix,
                const std::vector<std::string>& accepted, Validator& validator);

/// Reads [uncertainties.<name>], [levers.<name>] and [experiment] of a scenario whose values
/// have resolved (experiment.cpp): fills scenario.factors and scenario.outcomes.
void parse_experiment(const toml::table& root, Scenario& scenario, Validator& validator);

/// Each [<prefix>.<name>] table of `node` read as an uncertainty with a `why` (a calibration's
/// priors), checked like [uncertainties.<name>].
[[nodiscard]] std::vector<sim::Factor> read_factor_tables(const toml::node* node,
                                                          const std::string& prefix,
                                                          Scenario& scenario, Validator& validator);
/// The index of the metric named `metric`; returns why not ("" when found).
[[nodiscard]] std::string find_metric(const std::string& metric,
                                      const std::vector<sim::MetricInfo>& metrics,
                                      std::size_t& index);
/// The points of `outcome` for the calendar year written in `year` (a stock at the end of the
/// year, a flow summed over it); returns why not ("" when the year is in the run).
[[nodiscard]] std::string place_year(const std::string& year, const sim::MetricInfo& info,
                                     const sim::TimeAxis& time, sim::Outcome& outcome);

/// Reads [targets.<name>], [assumptions.<name>] and [[targets_not_modelled]] (targets.cpp) of
/// a scenario whose values have resolved.
void parse_targets(const toml::table& root, Scenario& scenario, Validator& validator);

/// The [variants.<name>] of the file, each checked for its name, description and `remove`.
[[nodiscard]] std::vector<VariantInfo> read_variant_infos(const toml::table& root,
                                                          Validator& validator);
/// Applies the variant `name` to `root` ("" or "baseline": none) and removes [variants].
void apply_variant(toml::table& root, const std::string& name, Validator& validator);
/// Applies one --set KEY=VALUE to `root` (the value in TOML syntax; a bare word is text).
void apply_setting(toml::table& root, const std::string& assignment, Validator& validator);

/// Reads [calibration] and [posterior] (calibration.cpp): fills scenario.calibration and
/// scenario.posterior. Paths in them are resolved against the scenario file's directory.
void parse_calibration(const toml::table& root, Scenario& scenario, Validator& validator);

}  // namespace innosim::io::detail
