#include "sim/params/parameter_spec.hpp"

#include <charconv>
#include <cmath>
#include <stdexcept>
#include <string>

namespace innosim::sim {

namespace {

/// Shortest text that reads back as the same double: fixed notation for ordinary magnitudes
/// (100000, 0.06), scientific beyond them (1e-09).
std::string shortest(double value) {
  char buffer[400];
  const double magnitude = std::fabs(value);
  const bool fixed = magnitude == 0.0 || (magnitude >= 1e-4 && magnitude < 1e15);
  const auto result =
      fixed ? std::to_chars(buffer, buffer + sizeof buffer, value, std::chars_format::fixed)
            : std::to_chars(buffer, buffer + sizeof buffer, value);
  return std::string(buffer, result.ptr);
}

}  // namespace

std::string ParameterSpec::accepted() const {
  switch (type) {
    case ParameterType::INTEGER:
      return "an integer in [" + std::to_string(static_cast<long long>(minimum)) + ", " +
             std::to_string(static_cast<long long>(maximum)) + "]";
    case ParameterType::REAL:
      return "a number in [" + shortest(minimum) + ", " + shortest(maximum) + "]";
    case ParameterType::TEXT: {
      if (choices.empty()) return "a string";
      std::string list;
      for (const auto& choice : choices) list += (list.empty() ? "\"" : ", \"") + choice + "\"";
      return "one of " + list;
    }
  }
  return "";
}

bool ParameterSpec::accepts(const ParameterValue& value) const {
  switch (type) {
    case ParameterType::INTEGER: {
      const auto* integer = std::get_if<std::int64_t>(&value);
      return integer && static_cast<double>(*integer) >= minimum &&
             static_cast<double>(*integer) <= maximum;
    }
    case ParameterType::REAL: {
      double number = 0.0;
      if (const auto* real = std::get_if<double>(&value)) {
        number = *real;
      } else if (const auto* integer = std::get_if<std::int64_t>(&value)) {
        number = static_cast<double>(*integer);
      } else {
        return false;
      }
      return std::isfinite(number) && number >= minimum && number <= maximum;
    }
    case ParameterType::TEXT: {
      const auto* text = std::get_if<std::string>(&value);
      if (text == nullptr) return false;
      if (choices.empty()) return true;
      for (const auto& choice : choices) {
        if (choice == *text) return true;
      }
      return false;
    }
  }
  return false;
}

std::string to_toml_text(const ParameterValue& value) {
  if (const auto* integer = std::get_if<std::int64_t>(&value)) return std::to_string(*integer);
  if (const auto* real = std::get_if<double>(&value)) {
    std::string text = shortest(*real);
    if (text.find_first_of(".eEn") == std::string::npos) text += ".0";
    return text;
  }
  std::string quoted = "\"";
  for (const char c : std::get<std::string>(value)) {
    if (c == '"' || c == '\\') quoted += '\\';
    if (c == '\n') {
      quoted += "\\n";
      continue;
    }
    quoted += c;
  }
  return quoted + "\"";
}

const ParameterValue& ParameterSet::at(const std::string& key) const {
  const auto found = values_.find(key);
  if (found == values_.end()) throw std::out_of_range("parameter not set: " + key);
  return found->second;
}

std::int64_t ParameterSet::integer(const std::string& key) const {
  return std::get<std::int64_t>(at(key));
}

double ParameterSet::real(const std::string& key) const {
  const ParameterValue& value = at(key);
  if (const auto* integer = std::get_if<std::int64_t>(&value)) return static_cast<double>(*integer);
  return std::get<double>(value);
}

const std::string& ParameterSet::text(const std::string& key) const {
  return std::get<std::string>(at(key));
}

ParameterSet defaults_of(const std::vector<ParameterSpec>& specs) {
  ParameterSet set;
  for (const auto& spec : specs) {
    if (spec.default_value) set.set(spec.key, *spec.default_value);
  }
  return set;
}

}  // namespace innosim::sim
