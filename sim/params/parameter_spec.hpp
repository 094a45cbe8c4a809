// Parameter dictionary: every scenario parameter has a key, a type, a default, a valid range,
// a unit, a meaning and a source. The scenario reader validates against it, the output file
// records the resolved values, and docs/parameters.md is generated from it.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace innosim::sim {

enum class ParameterType { INTEGER, REAL, TEXT, TEXT_LIST, INTEGER_LIST };

using TextList = std::vector<std::string>;
using IntegerList = std::vector<std::int64_t>;
using ParameterValue = std::variant<std::int64_t, double, std::string, TextList, IntegerList>;

struct ParameterSpec {
  std::string key;  ///< full dotted path, e.g. "ref1.exit_hazard"
  ParameterType type = ParameterType::REAL;
  std::optional<ParameterValue> default_value;  ///< none: the key is required
  double minimum = 0.0;                         ///< numeric types: inclusive bounds
  double maximum = 0.0;
  /// TEXT, TEXT_LIST: accepted values (empty: any text). INTEGER_LIST: minimum and maximum
  /// bound every element.
  std::vector<std::string> choices;
  std::string unit;
  std::string meaning;
  std::string source;

  /// All fields at once (the dictionaries are long lists of these).
  [[nodiscard]] static ParameterSpec make(std::string key, ParameterType type,
                                          std::optional<ParameterValue> default_value,
                                          double minimum, double maximum, std::string unit,
                                          std::string meaning, std::string source);

  [[nodiscard]] bool required() const { return !default_value.has_value(); }
  /// What the key accepts, in words, e.g. "a real number in [0, 1]".
  [[nodiscard]] std::string accepted() const;
  /// Whether the value has the right type and lies in the accepted range or choices.
  [[nodiscard]] bool accepts(const ParameterValue& value) const;
};

/// A problem with a parameter's value that a single spec's range cannot express.
struct ParameterProblem {
  std::string key;
  std::string message;  ///< completes "<key> = <value> ...", e.g. "must not exceed ..."
};

/// Text of a value as it would be written in TOML.
[[nodiscard]] std::string to_toml_text(const ParameterValue& value);

/// Resolved parameter values by key (every key of the specs present after resolution).
class ParameterSet {
 public:
  void set(const std::string& key, ParameterValue value) { values_[key] = std::move(value); }
  [[nodiscard]] bool contains(const std::string& key) const { return values_.count(key) != 0; }
  [[nodiscard]] std::int64_t integer(const std::string& key) const;
  [[nodiscard]] double real(const std::string& key) const;  ///< accepts integers too
  [[nodiscard]] const std::string& text(const std::string& key) const;
  [[nodiscard]] const TextList& text_list(const std::string& key) const;
  [[nodiscard]] const IntegerList& integer_list(const std::string& key) const;
  [[nodiscard]] const std::map<std::string, ParameterValue>& values() const { return values_; }

 private:
  const ParameterValue& at(const std::string& key) const;
  std::map<std::string, ParameterValue> values_;
};

/// A set holding the default of every spec that has one.
[[nodiscard]] ParameterSet defaults_of(const std::vector<ParameterSpec>& specs);

}  // namespace innosim::sim
