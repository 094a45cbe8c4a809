#include "sim/params/parameter_spec.hpp"

#include <algorithm>
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

std::string quoted_choices(const std::vector<std::string>& choices) {
  std::string list;
  for (const auto& choice : choices) list += (list.empty() ? "\"" : ", \"") + choice + "\"";
  return list;
}

bool is_choice(const std::vector<std::string>& choices, const std::string& text) {
  return choices.empty() || std::find(choices.begin(), choices.end(), text) != choices.end();
}

std::string quoted(const std::string& text) {
  std::string out = "\"";
  for (const char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out + "\"";
}

}  // namespace

ParameterSpec ParameterSpec::make(std::string key, ParameterType type,
                                  std::optional<ParameterValue> default_value, double minimum,
                                  double maximum, std::string unit, std::string meaning,
                                  std::string source) {
  ParameterSpec spec;
  spec.key = std::move(key);
  spec.type = type;
  spec.default_value = std::move(default_value);
  spec.minimum = minimum;
  spec.maximum = maximum;
  spec.unit = std::move(unit);
  spec.meaning = std::move(meaning);
  spec.source = std::move(source);
  return spec;
}

std::string ParameterSpec::accepted() const {
  switch (type) {
    case ParameterType::INTEGER:
      return "an integer in [" + std::to_string(static_cast<long long>(minimum)) + ", " +
             std::to_string(static_cast<long long>(maximum)) + "]";
    case ParameterType::REAL:
      return "a number in [" + shortest(minimum) + ", " + shortest(maximum) + "]";
    case ParameterType::TEXT: {
      if (choices.empty()) return "a string";
      return "one of " + quoted_choices(choices);
    }
    case ParameterType::TEXT_LIST:
      if (choices.empty()) return "a list of strings";
      return "a list of distinct values from " + quoted_choices(choices);
    case ParameterType::INTEGER_LIST:
      return "a list of integers in [" + std::to_string(static_cast<long long>(minimum)) + ", " +
             std::to_string(static_cast<long long>(maximum)) + "]";
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
      return text != nullptr && is_choice(choices, *text);
    }
    case ParameterType::TEXT_LIST: {
      const auto* list = std::get_if<TextList>(&value);
      if (list == nullptr) return false;
      for (std::size_t i = 0; i < list->size(); ++i) {
        if (!is_choice(choices, (*list)[i])) return false;
        if (std::find(list->begin(), list->begin() + static_cast<std::ptrdiff_t>(i), (*list)[i]) !=
            list->begin() + static_cast<std::ptrdiff_t>(i))
          return false;  // a repeated entry is almost certainly a mistake
      }
      return true;
    }
    case ParameterType::INTEGER_LIST: {
      const auto* list = std::get_if<IntegerList>(&value);
      if (list == nullptr) return false;
      for (const std::int64_t element : *list) {
        if (static_cast<double>(element) < minimum || static_cast<double>(element) > maximum)
          return false;
      }
      return true;
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
  if (const auto* list = std::get_if<TextList>(&value)) {
    std::string text = "[";
    for (const auto& element : *list) text += (text.size() == 1 ? "" : ", ") + quoted(element);
    return text + "]";
  }
  if (const auto* list = std::get_if<IntegerList>(&value)) {
    std::string text = "[";
    for (const auto element : *list)
      text += (text.size() == 1 ? "" : ", ") + std::to_string(element);
    return text + "]";
  }
  return quoted(std::get<std::string>(value));
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

const TextList& ParameterSet::text_list(const std::string& key) const {
  return std::get<TextList>(at(key));
}

const IntegerList& ParameterSet::integer_list(const std::string& key) const {
  return std::get<IntegerList>(at(key));
}

ParameterSet defaults_of(const std::vector<ParameterSpec>& specs) {
  ParameterSet set;
  for (const auto& spec : specs) {
    if (spec.default_value) set.set(spec.key, *spec.default_value);
  }
  return set;
}

}  // namespace innosim::sim
