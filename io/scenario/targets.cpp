// [targets.<name>], [assumptions.<name>] and [[targets_not_modelled]]: what a policy document
// aims at, what the scenario assumes where the document is silent, and which of the document's
// targets the model cannot compute (docs/scenarios.md "Targets"). Checked like every other table.
#include <cmath>
#include <set>

#include "io/scenario/toml_support.hpp"
#include "models/registry.hpp"

namespace innosim::io {

const char* Target::comparison_key() const {
  switch (comparison) {
    case sim::TargetKind::AT_MOST:
      return "at_most";
    case sim::TargetKind::MORE_THAN:
      return "more_than";
    default:
      return "at_least";
  }
}

const char* Target::comparison_symbol() const {
  switch (comparison) {
    case sim::TargetKind::AT_MOST:
      return "<=";
    case sim::TargetKind::MORE_THAN:
      return ">";
    default:
      return ">=";
  }
}

namespace detail {

namespace {

bool valid_name(const std::string& name) {
  return !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
  });
}

class TargetReader {
 public:
  TargetReader(Scenario& scenario, Validator& validator)
      : scenario_(scenario), validator_(validator) {}

  void read_targets(const toml::node& node) {
    const auto* table = named_tables(node, "targets", "high_tech_2025");
    if (table == nullptr) return;
    const auto model =
        models::find_model(scenario_.model)->create(scenario_.values, scenario_.time);
    for (const auto& [name, element] : *table) {
      const std::string prefix = "targets." + std::string(name.str());
      if (!element.is_table()) continue;  // reported by named_tables
      const toml::table& fields = *element.as_table();
      unknown_keys(fields, prefix, TARGET_KEYS);
      Target target;
      target.name = std::string(name.str());
      target.metric = text(fields, element, prefix, "metric", "the name of a model metric");
      target.document = text(fields, element, prefix, "document",
                             "the document's wording of the target and its clause");
      const toml::node* year = fields.get("year");
      if (year == nullptr || !year->is_integer()) {
        validator_.add(year ? year->source() : element.source(),
                       prefix + ".year" + (year ? " = " + value_text(*year) : " is missing") +
                           "; accepted: the document's year, as in \"by the end of 2025\" (a "
                           "stock is read at the end of that year, a flow summed over it)");
      } else {
        target.year = static_cast<int>(year->as_integer()->get());
      }
      read_comparison(fields, element, prefix, target);
      target.unit_factor = number(fields, prefix, "unit_factor", 0.0, 1e300, false,
                                  "metric units per unit of the document's figure, e.g. 10000 "
                                  "for a figure in 亿元 of a metric in 万元")
                               .value_or(1.0);
      target.threshold = target.document_value * target.unit_factor;
      if (!target.metric.empty() && target.year != 0) {
        std::size_t metric = 0;
        if (const std::string why = find_metric(target.metric, model->metrics(), metric);
            !why.empty()) {
          validator_.add(fields.get("metric")->source(), prefix + ".metric " + why);
        } else {
          target.outcome.name = target.metric + "@" + std::to_string(target.year);
          target.outcome.metric = metric;
          if (const std::string outside =
                  place_year(std::to_string(target.year), model->metrics()[metric], scenario_.time,
                             target.outcome);
              !outside.empty())
            validator_.add(year->source(), prefix + ".year = " + value_text(*year) + " " + outside);
        }
      }
      scenario_.targets.push_back(std::move(target));
    }
  }

  void read_assumptions(const toml::node& node) {
    const auto* table = named_tables(node, "assumptions", "high_tech_reward_budget");
    if (table == nullptr) return;
    for (const auto& [name, element] : *table) {
      const std::string prefix = "assumptions." + std::string(name.str());
      if (!element.is_table()) continue;
      const toml::table& fields = *element.as_table();
      unknown_keys(fields, prefix, ASSUMPTION_KEYS);
      Assumption assumption;
      assumption.name = std::string(name.str());
      assumption.source = text(fields, element, prefix, "source",
                               "where the value comes from: \"assumption\", or a citation "
                               "(docs/references.md, a row of data/observed/statistics.csv)");
      assumption.reasoning =
          text(fields, element, prefix, "reasoning", "why this value (a sentence or two)");
      if (const toml::node* unit = fields.get("unit"); unit != nullptr && unit->is_string())
        assumption.unit = unit->as_string()->get();
      const toml::node* value = fields.get("value");
      if (value == nullptr || !(value->is_number() || value->is_string() || value->is_boolean())) {
        validator_.add(value ? value->source() : element.source(),
                       prefix + ".value" + (value ? " = " + value_text(*value) : " is missing") +
                           "; accepted: the assumed value (a number, text or true/false)");
      } else {
        assumption.value = value->is_string() ? value->as_string()->get() : value_text(*value);
      }
      if (const toml::node* key = fields.get("key")) {
        assumption.key = key->is_string() ? key->as_string()->get() : "";
        // The table describes the file as written: a variant or a --set changes what it names.
        if (scenario_.variant == "baseline" && scenario_.settings.empty())
          check_key(*key, prefix, value, assumption.key);
      }
      scenario_.assumptions.push_back(std::move(assumption));
    }
  }

  void read_not_modelled(const toml::node& node) {
    const auto* list = node.as_array();
    if (list == nullptr) {
      validator_.add(node.source(),
                     "targets_not_modelled must be an array of tables [[targets_not_modelled]] "
                     "with target, clause and why");
      return;
    }
    std::size_t index = 0;
    for (const auto& element : *list) {
      const std::string prefix = "targets_not_modelled[" + std::to_string(index++) + "]";
      const auto* fields = element.as_table();
      if (fields == nullptr) {
        validator_.add(element.source(), prefix + " must be a table");
        continue;
      }
      unknown_keys(*fields, prefix, NOT_MODELLED_KEYS);
      TargetNotModelled entry;
      entry.target =
          text(*fields, element, prefix, "target", "the target as the document gives it");
      entry.clause = text(*fields, element, prefix, "clause", "where the document sets it");
      entry.why = text(*fields, element, prefix, "why", "why the model cannot compute it");
      scenario_.targets_not_modelled.push_back(std::move(entry));
    }
  }

 private:
  inline static const std::vector<std::string> TARGET_KEYS = {
      "metric", "year", "at_least", "more_than", "at_most", "unit_factor", "document"};
  inline static const std::vector<std::string> ASSUMPTION_KEYS = {"key", "value", "unit", "source",
                                                                  "reasoning"};
  inline static const std::vector<std::string> NOT_MODELLED_KEYS = {"target", "clause", "why"};

  /// The table of [<what>.<name>] tables, each name checked; nullptr after reporting.
  const toml::table* named_tables(const toml::node& node, const std::string& what,
                                  const std::string& example) {
    const auto* table = node.as_table();
    if (table == nullptr) {
      validator_.add(node.source(), what + " must hold tables [" + what + ".<name>], e.g. [" +
                                        what + "." + example + "]");
      return nullptr;
    }
    for (const auto& [name, element] : *table) {
      if (!element.is_table() || !valid_name(std::string(name.str()))) {
        validator_.add(element.source(),
                       what + "." + abbreviated(std::string(name.str())) + " must be a table [" +
                           what + ".<name>] whose name uses only a-z, 0-9 and _ (e.g. [" + what +
                           "." + example + "])");
      }
    }
    return table;
  }

  void unknown_keys(const toml::table& fields, const std::string& prefix,
                    const std::vector<std::string>& accepted) {
    check_keys(fields, prefix, accepted, validator_);
  }

  std::string text(const toml::table& fields, const toml::node& where, const std::string& prefix,
                   const char* key, const std::string& meaning) {
    return read_text(fields, where, prefix, key, meaning, validator_);
  }

  std::optional<double> number(const toml::table& fields, const std::string& prefix,
                               const char* key, double low, double high, bool closed,
                               const std::string& meaning) {
    return read_number(fields, prefix, key, low, high, closed, meaning, validator_);
  }

  /// Exactly one of at_least, more_than and at_most: the document's figure and how it compares.
  void read_comparison(const toml::table& fields, const toml::node& where,
                       const std::string& prefix, Target& target) {
    const std::vector<std::pair<const char*, sim::TargetKind>> kinds = {
        {"at_least", sim::TargetKind::AT_LEAST},
        {"more_than", sim::TargetKind::MORE_THAN},
        {"at_most", sim::TargetKind::AT_MOST}};
    int given = 0;
    for (const auto& [key, kind] : kinds) {
      if (fields.get(key) == nullptr) continue;
      ++given;
      target.comparison = kind;
      target.document_value =
          number(fields, prefix, key, -1e300, 1e300, true, "the document's figure").value_or(0.0);
    }
    if (given != 1) {
      validator_.add(where.source(), prefix +
                                         ": give exactly one of at_least (达到, 以上, 不低于), "
                                         "more_than (突破, 超过) and at_most, with the "
                                         "document's figure");
    }
  }

  /// An assumption's `key` names a scenario key whose value equals the assumption's `value`: the
  /// table cannot silently disagree with the numbers the run uses.
  void check_key(const toml::node& key, const std::string& prefix, const toml::node* value,
                 const std::string& name) {
    const auto& values = scenario_.values.values();
    const auto found = values.find(name);
    if (found == values.end()) {
      std::vector<std::string> keys;
      for (const auto& [k, v] : values) keys.push_back(k);
      const std::string hint = suggestion(name, keys);
      validator_.add(key.source(), prefix + ".key = " + value_text(key) +
                                       " is not a key of this scenario" +
                                       (hint.empty() ? "" : "; did you mean \"" + hint + "\"?") +
                                       " (innosim params lists them)");
      return;
    }
    if (value == nullptr) return;
    const std::string actual = sim::to_toml_text(found->second);
    bool equal = false;
    if (value->is_number()) {
      const double given = value->is_integer() ? static_cast<double>(value->as_integer()->get())
                                               : value->as_floating_point()->get();
      if (const auto* integer = std::get_if<std::int64_t>(&found->second))
        equal = given == static_cast<double>(*integer);
      if (const auto* real = std::get_if<double>(&found->second)) equal = given == *real;
    } else {
      equal = value_text(*value) == actual;
    }
    if (!equal) {
      validator_.add(value->source(), prefix + ".value = " + value_text(*value) + " but " + name +
                                          " = " + actual +
                                          " in this scenario; make them agree (the table "
                                          "records what the run uses)");
    }
  }

  Scenario& scenario_;
  Validator& validator_;
};

}  // namespace

void parse_targets(const toml::table& root, Scenario& scenario, Validator& validator) {
  TargetReader reader(scenario, validator);
  if (const toml::node* assumptions = root.get("assumptions"))
    reader.read_assumptions(*assumptions);
  if (const toml::node* targets = root.get("targets")) reader.read_targets(*targets);
  if (const toml::node* not_modelled = root.get("targets_not_modelled"))
    reader.read_not_modelled(*not_modelled);
}

}  // namespace detail

}  // namespace innosim::io
