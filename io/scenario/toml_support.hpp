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

/// "a string", "an integer", ... for messages.
[[nodiscard]] std::string type_name(const toml::node& node);
/// The value as the user wrote it (strings quoted as in TOML).
[[nodiscard]] std::string value_text(const toml::node& node);
/// The closest candidate within three edits, or "".
[[nodiscard]] std::string suggestion(const std::string& given,
                                     const std::vector<std::string>& candidates);
[[nodiscard]] std::string join(const std::vector<std::string>& items);
/// "unknown key <prefix>.<key>; did you mean <prefix>.<nearest>? Accepted keys in [<prefix>]: ..."
[[nodiscard]] std::string unknown_key_message(const std::string& prefix, const std::string& key,
                                              const std::vector<std::string>& accepted);
/// Converts a TOML value to the spec's type, or nullopt if it has another type.
[[nodiscard]] std::optional<sim::ParameterValue> convert(const toml::node& node,
                                                         const sim::ParameterSpec& spec);

/// Collects problems, each placed in the file; throws them all at once.
class Validator {
 public:
  explicit Validator(std::string path) : path_(std::move(path)) {}
  void add(const toml::source_region& where, std::string message) {
    issues_.push_back({path_, static_cast<int>(where.begin.line),
                       static_cast<int>(where.begin.column), std::move(message)});
  }
  void add_unplaced(std::string message) { issues_.push_back({path_, 0, 0, std::move(message)}); }
  [[nodiscard]] bool empty() const { return issues_.empty(); }
  void throw_if_any() {
    if (!issues_.empty()) throw ScenarioError(std::move(issues_));
  }

 private:
  std::string path_;
  std::vector<ScenarioIssue> issues_;
};

/// Reads [uncertainties.<name>], [levers.<name>] and [experiment] of a scenario whose values
/// have resolved (experiment.cpp): fills scenario.factors and scenario.outcomes.
void parse_experiment(const toml::table& root, Scenario& scenario, Validator& validator);

}  // namespace innosim::io::detail
