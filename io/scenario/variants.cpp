// [variants.<name>] and --set key=value: changes of a scenario's tables made before anything is
// validated, so that a variant or a command-line setting is checked exactly like the file
// (docs/scenarios.md "Variants" and "Changing a key from the command line").
#include "io/scenario/toml_support.hpp"

namespace innosim::io::detail {

namespace {

constexpr const char* VARIANT_EXAMPLE = "[variants.no_policy]";

/// Merges `from` into `into`: tables recursively, every other value replacing what is there.
/// Nodes are moved, not copied: a moved node keeps its place in the file (a copy would lose
/// it), so a problem in a variant or a --set is reported where it was written.
void merge(toml::table& into, toml::table&& from) {
  for (auto&& [key, node] : from) {
    toml::node* existing = into.get(key);
    if (node.is_table() && existing != nullptr && existing->is_table()) {
      merge(*existing->as_table(), std::move(*node.as_table()));
    } else {
      into.insert_or_assign(key, std::move(node));
    }
  }
}

/// Removes the table or key at the dotted `path`; false if there is none.
bool remove_path(toml::table& root, const std::string& path) {
  toml::table* table = &root;
  std::string rest = path;
  for (auto dot = rest.find('.'); dot != std::string::npos; dot = rest.find('.')) {
    toml::node* next = table->get(rest.substr(0, dot));
    if (next == nullptr || !next->is_table()) return false;
    table = next->as_table();
    rest = rest.substr(dot + 1);
  }
  return table->erase(rest) > 0;
}

}  // namespace

std::vector<VariantInfo> read_variant_infos(const toml::table& root, Validator& validator) {
  std::vector<VariantInfo> variants;
  const toml::node* node = root.get("variants");
  if (node == nullptr) return variants;
  const auto* table = node->as_table();
  if (table == nullptr) {
    validator.add(
        node->source(),
        std::string("variants must hold tables [variants.<name>], e.g. ") + VARIANT_EXAMPLE);
    return variants;
  }
  for (const auto& [key, element] : *table) {
    const std::string name(key.str());
    const bool valid_name =
        !name.empty() && name != "baseline" && std::all_of(name.begin(), name.end(), [](char c) {
          return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
        });
    if (!element.is_table() || !valid_name) {
      validator.add(element.source(),
                    "variants." + abbreviated(name) +
                        " must be a table [variants.<name>] whose name uses only a-z, 0-9 and _ "
                        "and is not \"baseline\" (the file as written), e.g. " +
                        VARIANT_EXAMPLE);
      continue;
    }
    VariantInfo info;
    info.name = name;
    const toml::node* description = element.as_table()->get("description");
    if (description == nullptr || !description->is_string() ||
        description->as_string()->get().empty()) {
      validator.add(description ? description->source() : element.source(),
                    "variants." + name + ".description" +
                        (description ? " = " + value_text(*description) : " is missing") +
                        "; accepted: a sentence saying what the variant changes and why it is "
                        "worth asking");
    } else {
      info.description = description->as_string()->get();
    }
    if (const toml::node* remove = element.as_table()->get("remove")) {
      const auto* list = remove->as_array();
      const bool all_strings =
          list != nullptr && std::all_of(list->begin(), list->end(),
                                         [](const toml::node& n) { return n.is_string(); });
      if (!all_strings) {
        validator.add(remove->source(),
                      "variants." + name + ".remove = " + value_text(*remove) +
                          " is not accepted; accepted: a list of dotted table paths the variant "
                          "removes, e.g. [\"instruments\"] or [\"instruments.rd_subsidy\"]");
      }
    }
    variants.push_back(std::move(info));
  }
  return variants;
}

void apply_variant(toml::table& root, const std::string& name, Validator& validator) {
  if (name.empty() || name == "baseline") {
    root.erase("variants");
    return;
  }
  toml::node* variants = root.get("variants");
  toml::table* variant = nullptr;
  if (variants != nullptr && variants->is_table()) {
    if (toml::node* found = variants->as_table()->get(name)) variant = found->as_table();
  }
  if (variant == nullptr) {
    std::vector<std::string> names{"baseline"};
    if (variants != nullptr && variants->is_table())
      for (const auto& [key, element] : *variants->as_table()) names.emplace_back(key.str());
    const std::string hint = suggestion(name, names);
    validator.add_unplaced("--variant " + abbreviated(name) + " is not a variant of this scenario" +
                           (hint.empty() || hint == name ? "" : "; did you mean " + hint + "?") +
                           "; accepted: " + join(names));
    root.erase("variants");
    return;
  }
  toml::table changes = std::move(*variant);  // moved out: erasing [variants] frees the original
  root.erase("variants");
  if (const toml::node* remove = changes.get("remove"); remove != nullptr && remove->is_array()) {
    for (const auto& path : *remove->as_array()) {
      if (!path.is_string()) continue;  // reported by read_variant_infos
      if (!remove_path(root, path.as_string()->get())) {
        validator.add(path.source(), "variants." + name + ".remove: " + value_text(path) +
                                         " names no table or key of the scenario");
      }
    }
  }
  changes.erase("description");
  changes.erase("remove");
  merge(root, std::move(changes));
}

void apply_setting(toml::table& root, const std::string& assignment, Validator& validator) {
  const auto equals = assignment.find('=');
  const std::string where = "--set " + assignment;
  if (equals == std::string::npos || equals == 0) {
    validator.add_unplaced(where +
                           ": accepted: KEY=VALUE, the key dotted as in `innosim params` and the "
                           "value written as in the file, e.g. --set city.initial_high_tech=250 "
                           "or --set 'instruments.rd_subsidy.share=0.1'");
    return;
  }
  const std::string key = assignment.substr(0, equals);
  if (key.find_first_of(" \t\"'[]") != std::string::npos || key.find('.') == std::string::npos) {
    validator.add_unplaced(where + ": the key \"" + abbreviated(key) +
                           "\" is not accepted; accepted: a dotted key such as city.banks or "
                           "instruments.rd_subsidy.share (innosim params lists them)");
    return;
  }
  std::string value = assignment.substr(equals + 1);
  // A bare word is text: --set scenario.name=xinyang_test needs no quotes.
  const bool bare_word =
      !value.empty() &&
      std::all_of(value.begin(), value.end(),
                  [](char c) {
                    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == '-';
                  }) &&
      value != "true" && value != "false" && value != "inf" && value != "nan";
  if (bare_word) value = "\"" + value + "\"";
  toml::table parsed;
  try {
    parsed = toml::parse(key + " = " + value, where);
  } catch (const toml::parse_error& error) {
    validator.add_unplaced(where + ": the value \"" + abbreviated(assignment.substr(equals + 1)) +
                           "\" is not a TOML value (" + std::string(error.description()) +
                           "); accepted: a number, true/false, \"text\" or a list [..]");
    return;
  }
  merge(root, std::move(parsed));
}

}  // namespace innosim::io::detail
