#include "io/scenario/scenario.hpp"

#include <toml++/toml.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <sstream>

#include "io/scenario/toml_support.hpp"
#include "models/registry.hpp"

namespace innosim::io {

namespace {

using detail::convert;
using detail::join;
using detail::parse_experiment;
using detail::suggestion;
using detail::type_name;
using detail::Validator;
using detail::value_text;
using sim::ParameterSpec;
using sim::ParameterType;
using sim::ParameterValue;

ParameterSpec common_spec(const char* key, ParameterType type, std::optional<ParameterValue> value,
                          double minimum, double maximum, const char* unit, const char* meaning) {
  return ParameterSpec::make(key, type, std::move(value), minimum, maximum, unit, meaning,
                             "engine");
}

}  // namespace

std::string ScenarioIssue::to_string() const {
  // Built by appending: GCC 12 warns falsely (-Wrestrict, PR105329) on ":" + std::string.
  std::string text = file;
  if (line > 0)
    text.append(":").append(std::to_string(line)).append(":").append(std::to_string(column));
  return text.append(": error: ").append(message);
}

ScenarioError::ScenarioError(std::vector<ScenarioIssue> issues)
    : std::runtime_error([&] {
        std::string text;
        for (const auto& issue : issues) text += issue.to_string() + "\n";
        return text;
      }()),
      issues_(std::move(issues)) {}

const std::vector<sim::ParameterSpec>& common_parameter_specs() {
  static const std::vector<sim::ParameterSpec> specs = [] {
    std::vector<std::string> model_names;
    for (const auto& entry : models::model_registry()) model_names.push_back(entry.name);
    ParameterSpec model =
        common_spec("scenario.model", ParameterType::TEXT, std::nullopt, 0, 0, "",
                    "which model to run; its parameters go in the table of that name");
    model.choices = model_names;
    return std::vector<sim::ParameterSpec>{
        model,
        common_spec("scenario.name", ParameterType::TEXT, std::string(), 0, 0, "",
                    "short name shown in summaries (default: the file name without .toml)"),
        common_spec("scenario.description", ParameterType::TEXT, std::string(), 0, 0, "",
                    "free text describing the scenario"),
        common_spec("scenario.start_year", ParameterType::INTEGER, std::int64_t{2022}, 1900, 2200,
                    "year", "calendar year whose January 1st is the initial state"),
        common_spec("scenario.steps", ParameterType::INTEGER, std::int64_t{120}, 1, 1000000,
                    "steps", "number of steps to simulate"),
        common_spec("scenario.step_months", ParameterType::INTEGER, std::int64_t{1}, 1, 12,
                    "months", "length of a step"),
        common_spec("run.replications", ParameterType::INTEGER, std::int64_t{100}, 1, 100000000,
                    "replications", "Monte Carlo replications (overridden by --replications)"),
        // 2^53: every seed up to it is exact in the double the bounds are kept in.
        common_spec("run.seed", ParameterType::INTEGER, std::int64_t{1}, 0, 9007199254740992.0, "",
                    "master seed of every random stream (overridden by --seed)"),
        common_spec("output.snapshot_years", ParameterType::INTEGER_LIST, sim::IntegerList{}, 1900,
                    2200, "years",
                    "calendar years at whose end every agent's state is written (/firms/<year> "
                    "for the city model); start_year - 1 is the initial state"),
        common_spec("output.snapshot_replication", ParameterType::INTEGER, std::int64_t{0}, 0,
                    100000000, "", "the replication whose agents are snapshotted"),
    };
  }();
  return specs;
}

namespace {

/// Checks of the [output] table against the run it belongs to.
std::vector<sim::ParameterProblem> output_problems(const Scenario& scenario) {
  std::vector<sim::ParameterProblem> problems;
  const sim::TimeAxis& time = scenario.time;
  const int last_year = time.start_year + time.steps * time.step_months / 12 - 1;
  for (const int year : scenario.snapshot_years) {
    if (year < time.start_year - 1 || year > last_year) {
      problems.push_back({"output.snapshot_years",
                          "names " + std::to_string(year) + "; snapshots exist for the end of " +
                              std::to_string(time.start_year - 1) + " (the initial state) to " +
                              std::to_string(last_year) + " (the last full year simulated)"});
    }
  }
  return problems;
}

}  // namespace

Scenario load_scenario(const std::filesystem::path& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) {
    throw ScenarioError({{path.string(), 0, 0, "cannot open the scenario file (does it exist?)"}});
  }
  std::ostringstream text;
  text << file.rdbuf();
  return parse_scenario(text.str(), path.string());
}

Scenario parse_scenario(std::string_view text, const std::string& path) {
  Validator validator(path);
  toml::table root;
  try {
    root = toml::parse(text, path);
  } catch (const toml::parse_error& error) {
    validator.add(error.source(), "not valid TOML: " + std::string(error.description()));
    validator.throw_if_any();
  }

  Scenario scenario;
  scenario.path = path;
  scenario.text = std::string(text);
  scenario.specs = common_parameter_specs();

  // The model decides which further table and keys are accepted.
  const models::ModelEntry* model = nullptr;
  if (const auto* model_node = root.at_path("scenario.model").node()) {
    if (const auto* name = model_node->as_string()) model = models::find_model(name->get());
  }
  if (model != nullptr) {
    const auto& model_specs = model->parameter_specs();
    scenario.specs.insert(scenario.specs.end(), model_specs.begin(), model_specs.end());
  }
  std::vector<std::string> tables = {"scenario", "run", "output"};
  if (model != nullptr) tables.push_back(model->name);
  // Experiment tables (docs/experiments.md) are read by parse_experiment once values resolve.
  const std::vector<std::string> experiment_tables = {"uncertainties", "levers", "experiment"};
  tables.insert(tables.end(), experiment_tables.begin(), experiment_tables.end());
  const std::string named_table =
      model != nullptr && model->named_table_specs != nullptr ? model->named_table : "";
  if (!named_table.empty()) {
    tables.push_back(named_table);
    // Each [<named_table>.<name>] gets its own copy of the keys, under its full path.
    if (const auto* named = root.get(named_table); named != nullptr && named->is_table()) {
      for (const auto& [name, node] : *named->as_table()) {
        if (!node.is_table()) continue;  // reported below
        for (ParameterSpec spec : model->named_table_specs()) {
          spec.key = named_table + "." + std::string(name.str()) + "." + spec.key;
          scenario.specs.push_back(std::move(spec));
        }
      }
    }
  }
  std::map<std::string, const ParameterSpec*> spec_by_key;
  for (const auto& spec : scenario.specs) spec_by_key[spec.key] = &spec;

  std::map<std::string, const toml::node*> given;
  // Validates the keys of one table whose keys are specs under `prefix` ("run", "instruments.x").
  auto validate_table = [&](const std::string& prefix, const toml::table& table) {
    std::vector<std::string> accepted_keys;
    for (const auto& spec : scenario.specs) {
      if (spec.key.rfind(prefix + ".", 0) == 0 &&
          spec.key.find('.', prefix.size() + 1) == std::string::npos)
        accepted_keys.push_back(spec.key.substr(prefix.size() + 1));
    }
    for (const auto& [key, node] : table) {
      const std::string full_key = prefix + "." + std::string(key.str());
      const auto found = spec_by_key.find(full_key);
      if (found == spec_by_key.end()) {
        std::string message = "unknown key " + full_key;
        const std::string hint = suggestion(std::string(key.str()), accepted_keys);
        if (!hint.empty()) message += "; did you mean " + prefix + "." + hint + "?";
        message += " Accepted keys in [" + prefix + "]: " + join(accepted_keys);
        validator.add(node.source(), message);
        continue;
      }
      const ParameterSpec& spec = *found->second;
      const auto value = convert(node, spec);
      if (!value) {
        validator.add(node.source(), full_key + " = " + value_text(node) + " is " +
                                         type_name(node) + "; accepted: " + spec.accepted());
        continue;
      }
      if (!spec.accepts(*value)) {
        validator.add(node.source(),
                      full_key + " = " + value_text(node) +
                          " is not accepted; accepted: " + spec.accepted() +
                          (spec.unit.empty() || spec.unit == "1" ? "" : " (" + spec.unit + ")"));
        continue;
      }
      scenario.values.set(full_key, *value);
      given[full_key] = &node;
    }
  };
  for (const auto& [table_key, table_node] : root) {
    const std::string table_name(table_key.str());
    const auto* table = table_node.as_table();
    if (std::find(tables.begin(), tables.end(), table_name) == tables.end() || table == nullptr) {
      std::string message = "unknown table [" + table_name + "]";
      if (table_name != "scenario" && table_name != "run" && model == nullptr) {
        message += " (a model's table is accepted once scenario.model names a known model)";
      }
      const std::string hint = suggestion(table_name, tables);
      if (!hint.empty() && hint != table_name) message += "; did you mean [" + hint + "]?";
      message += "; accepted tables: [" + join(tables) + "]";
      validator.add(table_node.source(), message);
      continue;
    }
    if (std::find(experiment_tables.begin(), experiment_tables.end(), table_name) !=
        experiment_tables.end())
      continue;
    if (table_name != named_table) {
      validate_table(table_name, *table);
      continue;
    }
    for (const auto& [name, node] : *table) {
      const std::string instance(name.str());
      const bool valid_name =
          !instance.empty() && std::all_of(instance.begin(), instance.end(), [](char c) {
            return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
          });
      if (!node.is_table() || !valid_name) {
        validator.add(node.source(), named_table + "." + instance + " must be a table [" +
                                         named_table +
                                         ".<name>] whose name uses only a-z, 0-9 and _ (e.g. [" +
                                         named_table + ".high_tech_reward])");
        continue;
      }
      validate_table(named_table + "." + instance, *node.as_table());
    }
  }
  // Missing required keys, then defaults for the rest.
  for (const auto& spec : scenario.specs) {
    if (scenario.values.contains(spec.key)) continue;
    if (spec.required()) {
      if (!root.at_path(spec.key).node()) {  // given but refused: already reported
        // Placed at the key's table when the file has one, else at the top of the file.
        const std::string table = spec.key.substr(0, spec.key.rfind('.'));
        toml::source_region where;
        where.begin = {1, 1};
        if (const auto* node = root.at_path(table).node()) where = node->source();
        validator.add(where, "missing required key " + spec.key + " (" + spec.meaning +
                                 "); accepted: " + spec.accepted());
      }
      continue;
    }
    scenario.values.set(spec.key, *spec.default_value);
  }
  validator.throw_if_any();

  scenario.model = scenario.values.text("scenario.model");
  scenario.name = scenario.values.text("scenario.name");
  if (scenario.name.empty()) scenario.name = std::filesystem::path(path).stem().string();
  scenario.description = scenario.values.text("scenario.description");
  scenario.time.start_year = static_cast<int>(scenario.values.integer("scenario.start_year"));
  scenario.time.steps = static_cast<int>(scenario.values.integer("scenario.steps"));
  scenario.time.step_months = static_cast<int>(scenario.values.integer("scenario.step_months"));
  scenario.seed = static_cast<std::uint64_t>(scenario.values.integer("run.seed"));
  scenario.replications = static_cast<std::uint32_t>(scenario.values.integer("run.replications"));

  scenario.snapshot_replication =
      static_cast<std::uint32_t>(scenario.values.integer("output.snapshot_replication"));
  for (const std::int64_t year : scenario.values.integer_list("output.snapshot_years"))
    scenario.snapshot_years.push_back(static_cast<int>(year));

  // Checks across keys, placed at the key they name.
  std::vector<sim::ParameterProblem> problems = output_problems(scenario);
  for (auto& problem : model->check(scenario.values, scenario.time))
    problems.push_back(std::move(problem));
  for (const auto& problem : problems) {
    const auto where = given.find(problem.key);
    const std::string value = where != given.end()
                                  ? value_text(*where->second)
                                  : sim::to_toml_text(scenario.values.values().at(problem.key));
    const std::string message = problem.key + " = " + value + " " + problem.message;
    if (where != given.end()) {
      validator.add(where->second->source(), message);
    } else {
      validator.add_unplaced(message + " (the value is the default)");
    }
  }
  validator.throw_if_any();
  parse_experiment(root, scenario, validator);
  validator.throw_if_any();
  return scenario;
}

void override_parameter(Scenario& scenario, const std::string& key,
                        const sim::ParameterValue& value, const std::string& option_name) {
  for (const auto& spec : scenario.specs) {
    if (spec.key != key) continue;
    if (!spec.accepts(value)) {
      throw ScenarioError({{option_name, 0, 0,
                            option_name + " " + sim::to_toml_text(value) +
                                " is not accepted; accepted: " + spec.accepted()}});
    }
    scenario.values.set(key, value);
    if (key == "run.seed")
      scenario.seed = static_cast<std::uint64_t>(std::get<std::int64_t>(value));
    if (key == "run.replications") {
      scenario.replications = static_cast<std::uint32_t>(std::get<std::int64_t>(value));
    }
    return;
  }
  throw std::logic_error("override of an unknown key: " + key);
}

std::string resolved_parameters_toml(const Scenario& scenario) {
  std::string text;
  std::string current_table;
  for (const auto& [key, value] : scenario.values.values()) {  // std::map: sorted by key
    const auto dot = key.find('.');
    const std::string table = key.substr(0, dot);
    if (table != current_table) {
      text += (text.empty() ? "[" : "\n[") + table + "]\n";
      current_table = table;
    }
    text += key.substr(dot + 1) + " = " + sim::to_toml_text(value) + "\n";
  }
  return text;
}

}  // namespace innosim::io
