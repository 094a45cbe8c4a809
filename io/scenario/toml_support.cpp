#include "io/scenario/toml_support.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>

namespace innosim::io::detail {

namespace {

/// Farther than this many edits is no longer a typo.
constexpr std::size_t MAX_EDITS = 3;
/// Names longer than this get no suggestion: no key is that long, and the distance costs the
/// product of the lengths.
constexpr std::size_t MAX_SUGGESTED_LENGTH = 64;

/// Levenshtein distance, for "did you mean" suggestions on misspelt keys; any value above
/// MAX_EDITS means "farther" (the computation stops once every path exceeds it).
std::size_t edit_distance(std::string_view a, std::string_view b) {
  const std::size_t farther = MAX_EDITS + 1;
  if ((a.size() > b.size() ? a.size() - b.size() : b.size() - a.size()) > MAX_EDITS) return farther;
  std::vector<std::size_t> previous(b.size() + 1), current(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) previous[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    current[0] = i;
    std::size_t row_minimum = current[0];
    for (std::size_t j = 1; j <= b.size(); ++j) {
      current[j] = std::min(
          {previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
      row_minimum = std::min(row_minimum, current[j]);
    }
    if (row_minimum > MAX_EDITS) return farther;
    std::swap(previous, current);
  }
  return previous[b.size()];
}

}  // namespace

std::string abbreviated(const std::string& text) {
  constexpr std::size_t shown = 60;
  std::string kept = text;
  if (text.size() > shown + 20) {
    std::size_t cut = shown;
    while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;  // UTF-8
    kept = text.substr(0, cut);
  }
  // Control characters escaped: a message stays on one line.
  std::string safe;
  for (const char c : kept) {
    if (static_cast<unsigned char>(c) >= 0x20 && c != 0x7f) {
      safe += c;
    } else {
      char escape[8];
      std::snprintf(escape, sizeof escape, "\\x%02x", static_cast<unsigned char>(c));
      safe += escape;
    }
  }
  if (kept.size() < text.size()) safe += "... (" + std::to_string(text.size()) + " characters)";
  return safe;
}

std::string type_name(const toml::node& node) {
  switch (node.type()) {
    case toml::node_type::string:
      return "a string";
    case toml::node_type::integer:
      return "an integer";
    case toml::node_type::floating_point:
      return "a number";
    case toml::node_type::boolean:
      return "a boolean";
    case toml::node_type::table:
      return "a table";
    case toml::node_type::array:
      return "an array";
    default:
      return "a date/time";
  }
}

std::string value_text(const toml::node& node) {
  if (const auto* text = node.as_string()) return abbreviated(sim::to_toml_text(text->get()));
  if (const auto* integer = node.as_integer()) return std::to_string(integer->get());
  if (const auto* real = node.as_floating_point()) return sim::to_toml_text(real->get());
  if (const auto* boolean = node.as_boolean()) return boolean->get() ? "true" : "false";
  if (node.is_table()) return "{...}";
  if (const auto* array = node.as_array()) {
    std::string text = "[";
    for (const auto& element : *array) text += (text.size() == 1 ? "" : ", ") + value_text(element);
    return text + "]";
  }
  std::ostringstream out;
  node.visit([&out](const auto& value) { out << value; });
  return out.str();
}

std::string suggestion(const std::string& given, const std::vector<std::string>& candidates) {
  std::string best;
  if (given.size() > MAX_SUGGESTED_LENGTH) return best;
  std::size_t best_distance = MAX_EDITS + 1;
  for (const auto& candidate : candidates) {
    const std::size_t distance = edit_distance(given, candidate);
    if (distance < best_distance) {
      best_distance = distance;
      best = candidate;
    }
  }
  return best;
}

std::string join(const std::vector<std::string>& items) {
  std::string text;
  for (const auto& item : items) text += (text.empty() ? "" : ", ") + item;
  return text;
}

std::string unknown_key_message(const std::string& prefix, const std::string& key,
                                const std::vector<std::string>& accepted) {
  std::string message = "unknown key " + prefix + "." + abbreviated(key);
  const std::string hint = suggestion(key, accepted);
  if (!hint.empty()) message += "; did you mean " + prefix + "." + hint + "?";
  // The list is cut at about 2,000 characters: a table of hundreds of keys would otherwise make
  // a report of many typos unboundedly long.
  constexpr std::size_t MAX_LISTED_CHARACTERS = 2000;
  std::string listed;
  std::size_t shown = 0;
  for (const auto& item : accepted) {
    if (listed.size() + item.size() > MAX_LISTED_CHARACTERS) break;
    listed += (listed.empty() ? "" : ", ") + item;
    ++shown;
  }
  if (shown < accepted.size())
    listed += ", ... (" + std::to_string(accepted.size() - shown) +
              " more; `innosim params` lists every key)";
  return message + " Accepted keys in [" + prefix + "]: " + listed;
}

bool accepts_exactly(const sim::ParameterSpec& spec, const sim::ParameterValue& value) {
  if (!spec.accepts(value)) return false;
  const auto* integer = std::get_if<std::int64_t>(&value);
  if (spec.type != sim::ParameterType::INTEGER || integer == nullptr) return true;
  constexpr double beyond = 9223372036854775808.0;  // 2^63: bounds at or past it need no check
  return (spec.minimum <= -beyond || *integer >= static_cast<std::int64_t>(spec.minimum)) &&
         (spec.maximum >= beyond || *integer <= static_cast<std::int64_t>(spec.maximum));
}

std::optional<sim::ParameterValue> convert(const toml::node& node, const sim::ParameterSpec& spec) {
  switch (spec.type) {
    case sim::ParameterType::INTEGER:
      if (const auto* integer = node.as_integer()) return sim::ParameterValue{integer->get()};
      return std::nullopt;
    case sim::ParameterType::REAL:
      if (const auto* real = node.as_floating_point()) return sim::ParameterValue{real->get()};
      if (const auto* integer = node.as_integer())
        return sim::ParameterValue{static_cast<double>(integer->get())};
      return std::nullopt;
    case sim::ParameterType::TEXT:
      if (const auto* text = node.as_string()) return sim::ParameterValue{text->get()};
      return std::nullopt;
    case sim::ParameterType::TEXT_LIST: {
      const auto* array = node.as_array();
      if (array == nullptr) return std::nullopt;
      sim::TextList list;
      for (const auto& element : *array) {
        const auto* text = element.as_string();
        if (text == nullptr) return std::nullopt;
        list.push_back(text->get());
      }
      return sim::ParameterValue{std::move(list)};
    }
    case sim::ParameterType::INTEGER_LIST: {
      const auto* array = node.as_array();
      if (array == nullptr) return std::nullopt;
      sim::IntegerList list;
      for (const auto& element : *array) {
        const auto* integer = element.as_integer();
        if (integer == nullptr) return std::nullopt;
        list.push_back(integer->get());
      }
      return sim::ParameterValue{std::move(list)};
    }
  }
  return std::nullopt;
}

std::optional<double> read_number(const toml::table& table, const std::string& prefix,
                                  const char* key, double low, double high, bool closed,
                                  const std::string& meaning, Validator& validator) {
  const toml::node* node = table.get(key);
  if (node == nullptr) return std::nullopt;
  double value = std::nan("");
  if (const auto* real_value = node->as_floating_point()) value = real_value->get();
  if (const auto* integer_value = node->as_integer())
    value = static_cast<double>(integer_value->get());
  const bool inside = closed ? value >= low && value <= high : value > low && value < high;
  if (!std::isfinite(value) || !inside) {
    validator.add(node->source(), prefix + "." + key + " = " + value_text(*node) +
                                      " is not accepted; accepted: a number in " +
                                      (closed ? "[" : "(") + sim::to_toml_text(low) + ", " +
                                      sim::to_toml_text(high) + (closed ? "]" : ")") + " (" +
                                      meaning + ")");
    return std::nullopt;
  }
  return value;
}

std::string read_text(const toml::table& table, const toml::node& where, const std::string& prefix,
                      const char* key, const std::string& meaning, Validator& validator) {
  const toml::node* node = table.get(key);
  if (node == nullptr || !node->is_string() || node->as_string()->get().empty()) {
    validator.add(node ? node->source() : where.source(),
                  prefix + "." + key + (node ? " = " + value_text(*node) : " is missing") +
                      "; accepted: " + meaning);
    return "";
  }
  return node->as_string()->get();
}

void check_keys(const toml::table& table, const std::string& prefix,
                const std::vector<std::string>& accepted, Validator& validator) {
  for (const auto& [key, value] : table) {
    const std::string k(key.str());
    if (std::find(accepted.begin(), accepted.end(), k) == accepted.end())
      validator.add(value.source(), unknown_key_message(prefix, k, accepted));
  }
}

}  // namespace innosim::io::detail
