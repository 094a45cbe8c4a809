#include "io/scenario/scenario.hpp"

#include <toml++/toml.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <map>
#include <sstream>

#include "io/scenario/toml_support.hpp"
#include "models/registry.hpp"

namespace innosim::io {

namespace {

using detail::convert;
using detail::join;
using detail::parse_calibration;
using detail::parse_experiment;
using detail::suggestion;
using detail::type_name;
using detail::unknown_key_message;
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

std::string ScenarioIssue::to_string(const char* severity) const {
  // Built by appending: GCC 12 warns falsely (-Wrestrict, PR105329) on ":" + std::string.
  std::string text = file;
  if (line > 0)
    text.append(":").append(std::to_string(line)).append(":").append(std::to_string(column));
  return text.append(": ").append(severity).append(": ").append(message);
}

ScenarioError::ScenarioError(std::vector<ScenarioIssue> issues, std::size_t problems)
    : std::runtime_error([&] {
        std::string text;
        for (const auto& issue : issues) text += issue.to_string() + "\n";
        return text;
      }()),
      issues_(std::move(issues)),
      problems_(problems == 0 ? issues_.size() : problems) {}

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
        common_spec("output.snapshot_replications", ParameterType::INTEGER_LIST, sim::IntegerList{},
                    0, 100000000, "",
                    "several replications to snapshot, instead of snapshot_replication "
                    "(/firms/replication_<r>/<year> for the city model); [] takes "
                    "snapshot_replication"),
        common_spec("output.metrics", ParameterType::TEXT_LIST, sim::TextList{}, 0, 0, "",
                    "metrics written to /series and /summary and shown in the summary; [] "
                    "writes every metric of the model"),
        common_spec("output.snapshot_columns", ParameterType::TEXT_LIST, sim::TextList{}, 0, 0, "",
                    "snapshot columns written (the agent id is always written); [] writes "
                    "every column"),
    };
  }();
  return specs;
}

namespace {

/// Why a snapshotted replication is not run (at or above run.replications, which the command
/// line may have changed), or "".
std::string snapshot_replication_problem(const Scenario& scenario) {
  for (const std::uint32_t replication : scenario.snapshot_replications) {
    if (replication >= scenario.replications) {
      return "names replication " + std::to_string(replication) +
             ", which is not run: " + std::to_string(scenario.replications) + " replication" +
             (scenario.replications == 1
                  ? " runs (number 0)"
                  : "s run (numbers 0 to " + std::to_string(scenario.replications - 1) + ")") +
             "; accepted: replications below run.replications";
    }
  }
  return "";
}

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
  if (const std::string why = snapshot_replication_problem(scenario); !why.empty()) {
    const bool listed = scenario.values.integer_list("output.snapshot_replications").size() > 0;
    problems.push_back(
        {listed ? "output.snapshot_replications" : "output.snapshot_replication", why});
  }
  return problems;
}

/// Deepest nesting accepted in a scenario file: keys, headers, arrays and inline tables.
constexpr int MAX_NESTING = 64;
/// Largest scenario file read (the largest real scenarios are a few kilobytes).
constexpr std::uintmax_t MAX_FILE_BYTES = 64u << 20;

struct TextPlace {
  int line = 1;
  int column = 1;
};

/// Where the text first nests deeper than `limit` levels, counting the parts of dotted keys and
/// table headers plus the open arrays and inline tables around them; nullopt if nowhere. A
/// cheap scan of the text (strings and comments skipped), not a parser: it errs towards
/// counting more, never less, than the parser's recursion.
std::optional<TextPlace> too_deep(std::string_view text, int limit) {
  TextPlace place;
  std::vector<char> open;  // '[' or '{' (a header's brackets included)
  bool in_key = true;      // at the start of a line outside brackets, or after '{' or ','
  int key_parts = 1;
  auto deeper = [&]() { return static_cast<int>(open.size()) + key_parts > limit; };
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '"' || c == '\'') {  // a string (multi-line too): skipped
      const bool triple = text.compare(i, 3, std::string(3, c)) == 0;
      const std::string close(triple ? 3 : 1, c);
      auto advance = [&place](char ch) {
        if (ch == '\n') {
          ++place.line;
          place.column = 1;
        } else {
          ++place.column;
        }
      };
      std::size_t j = i + close.size();
      place.column += static_cast<int>(close.size());
      while (j < text.size()) {
        if (c == '"' && text[j] == '\\' && j + 1 < text.size()) {  // an escape
          advance(text[j]);
          advance(text[j + 1]);
          j += 2;
          continue;
        }
        if (!triple && text[j] == '\n') break;  // unterminated: the parser says so
        if (text.compare(j, close.size(), close) == 0) {
          place.column += static_cast<int>(close.size());
          j += close.size();
          break;
        }
        advance(text[j]);
        ++j;
      }
      i = j - 1;
      continue;
    }
    if (c == '#') {  // a comment: to the end of the line
      while (i + 1 < text.size() && text[i + 1] != '\n') ++i;
      continue;
    }
    if (c == '\n') {
      ++place.line;
      place.column = 1;
      if (open.empty() || open.back() == '[') in_key = open.empty();
      if (open.empty()) key_parts = 1;
      continue;
    }
    if (c == '[' || c == '{') {
      open.push_back(c);
      in_key = c == '{' || (open.size() == 1 && in_key);  // a header is a key
      key_parts = 1;
    } else if (c == ']' || c == '}') {
      if (!open.empty()) open.pop_back();
      key_parts = 1;
      in_key = false;
    } else if (c == '=') {
      in_key = false;
      key_parts = 0;
    } else if (c == ',') {
      in_key = !open.empty() && open.back() == '{';
      key_parts = 1;
    } else if (c == '.' && in_key) {
      ++key_parts;
    }
    if (deeper()) return place;
    ++place.column;
  }
  return std::nullopt;
}

/// Reads and validates one scenario text, step by step; each step adds its problems to the
/// validator, and the steps that need valid input run only after the earlier ones found none.
class ScenarioParser {
 public:
  ScenarioParser(std::string_view text, const std::string& path, ScenarioOptions options)
      : validator_(path), options_(std::move(options)) {
    scenario_.path = path;
    scenario_.text = std::string(text);
  }

  Scenario parse() {
    parse_toml();
    apply_variant_and_settings();
    collect_specs();
    validate_tables();
    resolve_defaults();
    validator_.throw_if_any();
    read_run();
    read_output();
    check_across_keys();
    validator_.throw_if_any();
    check_output_names();
    parse_experiment(root_, scenario_, validator_);
    parse_calibration(root_, scenario_, validator_);
    parse_targets(root_, scenario_, validator_);
    validator_.throw_if_any();
    warn_about_years();
    if (options_.check_variants) check_other_variants();
    return std::move(scenario_);
  }

 private:
  void parse_toml() {
    // The TOML library recurses once per level of nesting and has no limit of its own: refuse
    // deep nesting before it parses (a 40,000-part [a.a.a...] header would overflow the stack).
    if (const auto deep = too_deep(scenario_.text, MAX_NESTING)) {
      toml::source_region where;
      where.begin = {static_cast<toml::source_index>(deep->line),
                     static_cast<toml::source_index>(deep->column)};
      validator_.add(where, "nesting deeper than " + std::to_string(MAX_NESTING) +
                                " levels (dotted key parts, table header parts, nested arrays "
                                "and inline tables); accepted: at most " +
                                std::to_string(MAX_NESTING) + " levels");
      validator_.throw_if_any();
    }
    try {
      root_ = toml::parse(scenario_.text, scenario_.path);
    } catch (const toml::parse_error& error) {
      validator_.add(error.source(), "not valid TOML: " + std::string(error.description()));
      validator_.throw_if_any();
    }
  }

  /// The variant's changes, then the command line's, made to the tables before anything is
  /// checked: both are validated exactly like the file.
  void apply_variant_and_settings() {
    scenario_.variants = read_variant_infos(root_, validator_);
    validator_.throw_if_any();
    apply_variant(root_, options_.variant, validator_);
    if (!options_.variant.empty()) scenario_.variant = options_.variant;
    for (const std::string& setting : options_.settings) apply_setting(root_, setting, validator_);
    scenario_.settings = options_.settings;
    validator_.throw_if_any();
  }

  /// Every other variant is read too (without the settings): a broken variant is a broken
  /// file, even when another one runs. Its problems are prefixed with its name.
  void check_other_variants() {
    std::vector<ScenarioIssue> problems;
    std::size_t count = 0;
    for (const VariantInfo& variant : scenario_.variants) {
      if (variant.name == scenario_.variant) continue;
      try {
        ScenarioParser(scenario_.text, scenario_.path, {variant.name, {}, false}).parse();
      } catch (const ScenarioError& error) {
        for (ScenarioIssue issue : error.issues()) {
          issue.message = "in variant " + variant.name + ": " + issue.message;
          problems.push_back(std::move(issue));
        }
        count += error.problem_count();
      }
    }
    if (!problems.empty()) throw ScenarioError(std::move(problems), count);
  }

  /// The dictionary: common keys, the model's (which decides which further tables are
  /// accepted), and a copy of the named-table keys for each [<named_table>.<name>].
  void collect_specs() {
    scenario_.specs = common_parameter_specs();
    if (const auto* model_node = root_.at_path("scenario.model").node()) {
      if (const auto* name = model_node->as_string()) model_ = models::find_model(name->get());
    }
    tables_ = {"scenario", "run", "output"};
    if (model_ != nullptr) {
      const auto& model_specs = model_->parameter_specs();
      scenario_.specs.insert(scenario_.specs.end(), model_specs.begin(), model_specs.end());
      tables_.push_back(model_->name);
    }
    // Experiment tables (docs/experiments.md) are read by parse_experiment once values resolve.
    tables_.insert(tables_.end(), EXPERIMENT_TABLES.begin(), EXPERIMENT_TABLES.end());
    if (model_ != nullptr && model_->named_table_specs != nullptr) {
      named_table_ = model_->named_table;
      tables_.push_back(named_table_);
      if (const auto* named = root_.get(named_table_); named != nullptr && named->is_table()) {
        scenario_.specs.reserve(scenario_.specs.size() +
                                named->as_table()->size() * model_->named_table_specs().size());
        for (const auto& [name, node] : *named->as_table()) {
          if (!node.is_table()) continue;  // reported by validate_named_tables
          for (ParameterSpec spec : model_->named_table_specs()) {
            spec.key = named_table_ + "." + std::string(name.str()) + "." + spec.key;
            scenario_.specs.push_back(std::move(spec));
          }
        }
      }
    }
    for (const auto& spec : scenario_.specs) {
      spec_by_key_[spec.key] = &spec;
      // The keys of each table, found once (per table, a scan of every key would make
      // validation quadratic in the number of instruments).
      const auto dot = spec.key.rfind('.');
      if (dot != std::string::npos)
        keys_by_table_[spec.key.substr(0, dot)].push_back(spec.key.substr(dot + 1));
    }
  }

  void validate_tables() {
    for (const auto& [table_key, table_node] : root_) {
      const std::string table_name(table_key.str());
      const auto* table = table_node.as_table();
      // [[targets_not_modelled]] is an array of tables, read (and checked) by parse_targets.
      const bool array_table = table_name == "targets_not_modelled" && table_node.is_array();
      if (array_table) continue;
      if (std::find(tables_.begin(), tables_.end(), table_name) == tables_.end() ||
          table == nullptr) {
        std::string message = "unknown table [" + detail::abbreviated(table_name) + "]";
        if (table_name != "scenario" && table_name != "run" && model_ == nullptr) {
          message += " (a model's table is accepted once scenario.model names a known model)";
        }
        const std::string hint = suggestion(table_name, tables_);
        if (!hint.empty() && hint != table_name) message += "; did you mean [" + hint + "]?";
        message += "; accepted tables: [" + join(tables_) + "]";
        validator_.add(table_node.source(), message);
      } else if (table_name == named_table_) {
        validate_named_tables(*table);
      } else if (std::find(EXPERIMENT_TABLES.begin(), EXPERIMENT_TABLES.end(), table_name) ==
                 EXPERIMENT_TABLES.end()) {
        validate_table(table_name, *table);
      }
    }
  }

  void validate_named_tables(const toml::table& table) {
    for (const auto& [name, node] : table) {
      const std::string instance(name.str());
      const bool valid_name =
          !instance.empty() && std::all_of(instance.begin(), instance.end(), [](char c) {
            return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
          });
      if (!node.is_table() || !valid_name) {
        validator_.add(node.source(), named_table_ + "." + detail::abbreviated(instance) +
                                          " must be a table [" + named_table_ +
                                          ".<name>] whose name uses only a-z, 0-9 and _ (e.g. [" +
                                          named_table_ + ".high_tech_reward])");
        continue;
      }
      validate_table(named_table_ + "." + instance, *node.as_table());
    }
  }

  /// Validates the keys of one table whose keys are specs under `prefix` ("run", "instruments.x").
  void validate_table(const std::string& prefix, const toml::table& table) {
    const std::vector<std::string>& accepted_keys = keys_by_table_[prefix];
    for (const auto& [key, node] : table) {
      const std::string full_key = prefix + "." + std::string(key.str());
      const auto found = spec_by_key_.find(full_key);
      if (found == spec_by_key_.end()) {
        if (validator_.full()) {
          validator_.skip();
        } else {
          validator_.add(node.source(),
                         unknown_key_message(prefix, std::string(key.str()), accepted_keys));
        }
        continue;
      }
      const ParameterSpec& spec = *found->second;
      const auto value = convert(node, spec);
      if (!value) {
        validator_.add(node.source(), full_key + " = " + value_text(node) + " is " +
                                          type_name(node) + "; accepted: " + spec.accepted());
        continue;
      }
      if (!detail::accepts_exactly(spec, *value)) {
        validator_.add(node.source(),
                       full_key + " = " + value_text(node) +
                           " is not accepted; accepted: " + spec.accepted() +
                           (spec.unit.empty() || spec.unit == "1" ? "" : " (" + spec.unit + ")"));
        continue;
      }
      scenario_.values.set(full_key, *value);
      given_[full_key] = &node;
    }
  }

  /// Missing required keys are problems; every other missing key takes its default.
  void resolve_defaults() {
    for (const auto& spec : scenario_.specs) {
      if (scenario_.values.contains(spec.key)) continue;
      if (!spec.required()) {
        scenario_.values.set(spec.key, *spec.default_value);
      } else if (!root_.at_path(spec.key).node()) {  // given but refused: already reported
        // Placed at the key's table when the file has one, else at the top of the file.
        const std::string table = spec.key.substr(0, spec.key.rfind('.'));
        toml::source_region where;
        where.begin = {1, 1};
        if (const auto* node = root_.at_path(table).node()) where = node->source();
        validator_.add(where, "missing required key " + detail::abbreviated(spec.key) + " (" +
                                  spec.meaning + "); accepted: " + spec.accepted());
      }
    }
  }

  void read_run() {
    const sim::ParameterSet& values = scenario_.values;
    scenario_.model = values.text("scenario.model");
    scenario_.name = values.text("scenario.name");
    if (scenario_.name.empty())
      scenario_.name = std::filesystem::path(scenario_.path).stem().string();
    scenario_.description = values.text("scenario.description");
    scenario_.time.start_year = static_cast<int>(values.integer("scenario.start_year"));
    scenario_.time.steps = static_cast<int>(values.integer("scenario.steps"));
    scenario_.time.step_months = static_cast<int>(values.integer("scenario.step_months"));
    scenario_.seed = static_cast<std::uint64_t>(values.integer("run.seed"));
    scenario_.replications = static_cast<std::uint32_t>(values.integer("run.replications"));
  }

  void read_output() {
    const sim::ParameterSet& values = scenario_.values;
    for (const std::int64_t year : values.integer_list("output.snapshot_years"))
      scenario_.snapshot_years.push_back(static_cast<int>(year));
    for (const std::int64_t replication : values.integer_list("output.snapshot_replications"))
      scenario_.snapshot_replications.push_back(static_cast<std::uint32_t>(replication));
    if (scenario_.snapshot_replications.empty()) {
      scenario_.snapshot_replications.push_back(
          static_cast<std::uint32_t>(values.integer("output.snapshot_replication")));
    } else if (given_.count("output.snapshot_replication") != 0) {
      validator_.add(given_.at("output.snapshot_replication")->source(),
                     "output.snapshot_replication and output.snapshot_replications are both "
                     "given; keep one (snapshot_replications lists every replication)");
    }
    scenario_.snapshot_replication = scenario_.snapshot_replications.front();
    scenario_.output.metrics = values.text_list("output.metrics");
    scenario_.output.snapshot_columns = values.text_list("output.snapshot_columns");
  }

  /// Checks across keys, placed at the key they name.
  void check_across_keys() {
    std::vector<sim::ParameterProblem> problems = output_problems(scenario_);
    for (auto& problem : model_->check(scenario_.values, scenario_.time))
      problems.push_back(std::move(problem));
    for (const auto& problem : problems) {
      const auto where = given_.find(problem.key);
      const std::string value = where != given_.end()
                                    ? value_text(*where->second)
                                    : sim::to_toml_text(scenario_.values.values().at(problem.key));
      const std::string message = problem.key + " = " + value + " " + problem.message;
      if (where != given_.end()) {
        validator_.add(where->second->source(), message);
      } else {
        validator_.add_unplaced(message + " (the value is the default)");
      }
    }
  }

  /// Named tables (instruments) whose first_year..last_year misses every year of the run are
  /// valid but never act: a warning, placed at the key given.
  void warn_about_years() {
    if (named_table_.empty()) return;
    const sim::TimeAxis& time = scenario_.time;
    const std::int64_t months = static_cast<std::int64_t>(time.steps) * time.step_months;
    const std::int64_t run_first = time.start_year;
    const std::int64_t run_last = time.start_year + (months + 11) / 12 - 1;
    const std::string prefix = named_table_ + ".";
    for (const auto& [table, keys] : keys_by_table_) {
      if (table.rfind(prefix, 0) != 0) continue;
      const std::string first_key = table + ".first_year", last_key = table + ".last_year";
      if (!scenario_.values.contains(first_key) || !scenario_.values.contains(last_key)) continue;
      const std::int64_t first = scenario_.values.integer(first_key);
      const std::int64_t last = scenario_.values.integer(last_key);
      if (last >= run_first && first <= run_last) continue;
      const std::string& key = last < run_first ? last_key : first_key;
      ScenarioIssue issue{scenario_.path, 0, 0,
                          key + " = " + std::to_string(last < run_first ? last : first) + ": [" +
                              table + "] runs from " + std::to_string(first) + " to " +
                              std::to_string(last) + ", outside the run (" +
                              std::to_string(run_first) + " to " + std::to_string(run_last) +
                              "), so it never pays"};
      if (const auto given = given_.find(key); given != given_.end()) {
        issue.line = static_cast<int>(given->second->source().begin.line);
        issue.column = static_cast<int>(given->second->source().begin.column);
      }
      scenario_.warnings.push_back(std::move(issue));
    }
  }

  /// output.metrics and output.snapshot_columns name what the model has (its snapshot columns
  /// only if it declares them; otherwise the run checks them at the first snapshot).
  void check_output_names() {
    if (scenario_.output.metrics.empty() && scenario_.output.snapshot_columns.empty()) return;
    const auto model = model_->create(scenario_.values, scenario_.time);
    std::vector<std::string> metrics;
    for (const auto& metric : model->metrics()) metrics.push_back(metric.name);
    check_names("output.metrics", "metric", metrics);
    std::vector<std::string> columns = model->snapshot_columns();
    if (!columns.empty()) check_names("output.snapshot_columns", "snapshot column", columns);
  }

  void check_names(const std::string& key, const std::string& what,
                   const std::vector<std::string>& known) {
    const auto found = given_.find(key);
    if (found == given_.end()) return;
    for (const auto& element : *found->second->as_array()) {
      const std::string name = element.as_string()->get();
      if (std::find(known.begin(), known.end(), name) != known.end()) continue;
      const std::string hint = suggestion(name, known);
      validator_.add(element.source(),
                     key + ": \"" + detail::abbreviated(name) + "\" is not a " + what +
                         " of model " + scenario_.model +
                         (hint.empty() ? "" : "; did you mean \"" + hint + "\"?") +
                         " Accepted: " + join(known));
    }
  }

  /// Read by parse_experiment and parse_calibration once values resolve.
  inline static const std::vector<std::string> EXPERIMENT_TABLES = {
      "uncertainties", "levers",      "experiment", "calibration",         "posterior",
      "targets",       "assumptions", "backtests",  "targets_not_modelled"};

  Validator validator_;
  ScenarioOptions options_;
  toml::table root_;
  Scenario scenario_;
  const models::ModelEntry* model_ = nullptr;
  std::vector<std::string> tables_;
  std::string named_table_;
  std::map<std::string, const ParameterSpec*> spec_by_key_;
  std::map<std::string, std::vector<std::string>> keys_by_table_;  ///< "run" -> {"seed", ...}
  std::map<std::string, const toml::node*> given_;
};

}  // namespace

Scenario load_scenario(const std::filesystem::path& path, const ScenarioOptions& options) {
  auto refuse = [&](const std::string& why) { return ScenarioError({{path.string(), 0, 0, why}}); };
  // Only regular files: a directory would read as empty, /dev/zero without end, a FIFO would
  // block until someone writes to it. Checked before opening (opening a FIFO blocks).
  std::error_code error;
  const auto status = std::filesystem::status(path, error);
  if (error || !std::filesystem::exists(status))
    throw refuse("cannot open the scenario file (does it exist?)");
  if (std::filesystem::is_directory(status))
    throw refuse("is a directory, not a scenario file; give the path of a .toml file");
  if (!std::filesystem::is_regular_file(status)) {
    throw refuse(
        "is not a regular file (a FIFO, a device or a socket); accepted: a scenario "
        "file (TOML)");
  }
  const std::uintmax_t size = std::filesystem::file_size(path, error);
  if (!error && size > MAX_FILE_BYTES) {
    throw refuse("is " + std::to_string(size) + " bytes; accepted: a scenario file of at most " +
                 std::to_string(MAX_FILE_BYTES) + " bytes (64 MB)");
  }
  std::ifstream file(path, std::ios::binary);
  if (!file) throw refuse("cannot open the scenario file (is it readable?)");
  // Read in pieces, stopping past the limit: the file may have grown since the check.
  std::string text;
  text.reserve(static_cast<std::size_t>(std::min(size, MAX_FILE_BYTES)));
  std::vector<char> piece(1 << 16);
  while (file.read(piece.data(), static_cast<std::streamsize>(piece.size())) || file.gcount() > 0) {
    text.append(piece.data(), static_cast<std::size_t>(file.gcount()));
    if (text.size() > MAX_FILE_BYTES) {
      throw refuse("is larger than " + std::to_string(MAX_FILE_BYTES) +
                   " bytes; accepted: a scenario file of at most 64 MB");
    }
  }
  if (file.bad()) throw refuse("could not be read");
  Scenario scenario = parse_scenario(text, path.string(), options);
  for (const auto& warning : scenario.warnings)
    std::fprintf(stderr, "%s\n", warning.to_string("warning").c_str());
  return scenario;
}

Scenario parse_scenario(std::string_view text, const std::string& path,
                        const ScenarioOptions& options) {
  return ScenarioParser(text, path, options).parse();
}

void override_parameter(Scenario& scenario, const std::string& key,
                        const sim::ParameterValue& value, const std::string& option_name) {
  for (const auto& spec : scenario.specs) {
    if (spec.key != key) continue;
    if (!detail::accepts_exactly(spec, value)) {
      throw ScenarioError({{option_name, 0, 0,
                            option_name + " " + sim::to_toml_text(value) +
                                " is not accepted; accepted: " + spec.accepted()}});
    }
    scenario.values.set(key, value);
    if (key == "run.seed")
      scenario.seed = static_cast<std::uint64_t>(std::get<std::int64_t>(value));
    if (key == "run.replications") {
      const std::uint32_t before = scenario.replications;
      scenario.replications = static_cast<std::uint32_t>(std::get<std::int64_t>(value));
      // The snapshots were checked against the file's run.replications; check them again.
      if (const std::string why = snapshot_replication_problem(scenario); !why.empty()) {
        scenario.replications = before;
        throw ScenarioError(
            {{option_name, 0, 0,
              option_name + " " + sim::to_toml_text(value) +
                  " leaves a snapshot without its replication: " + scenario.path +
                  " output.snapshot_replication" +
                  (scenario.values.integer_list("output.snapshot_replications").empty() ? ""
                                                                                        : "s") +
                  " " + why + "; give more replications or change the snapshot"}});
      }
    }
    return;
  }
  throw std::logic_error("override of an unknown key: " + key);
}

sim::ParameterSet values_with(const Scenario& scenario, const sim::ParameterSet& overrides) {
  sim::ParameterSet values = scenario.values;
  for (const auto& [key, value] : overrides.values()) {
    const auto spec = std::find_if(scenario.specs.begin(), scenario.specs.end(),
                                   [&](const ParameterSpec& s) { return s.key == key; });
    if (spec == scenario.specs.end())
      throw std::invalid_argument(key + " is not a parameter of this scenario");
    if (!spec->accepts(value)) {
      throw std::invalid_argument(key + " = " + sim::to_toml_text(value) +
                                  " is not accepted; accepted: " + spec->accepted());
    }
    values.set(key, value);
  }
  return values;
}

namespace {

std::shared_ptr<const sim::Model> plain_model(const Scenario& scenario,
                                              const sim::ParameterSet& overrides) {
  const models::ModelEntry& entry = *models::find_model(scenario.model);
  const sim::ParameterSet values = values_with(scenario, overrides);
  const auto problems = entry.check(values, scenario.time);
  if (!problems.empty())
    throw std::invalid_argument(problems.front().key + " " + problems.front().message);
  return entry.create(values, scenario.time);
}

/// The posterior's values for its keys, then `overrides` over them.
sim::ParameterSet with_particle(const sim::Posterior& posterior, std::span<const double> values,
                                const sim::ParameterSet& overrides) {
  sim::ParameterSet merged;
  for (std::size_t k = 0; k < posterior.keys.size(); ++k) merged.set(posterior.keys[k], values[k]);
  for (const auto& [key, value] : overrides.values()) merged.set(key, value);
  return merged;
}

}  // namespace

std::shared_ptr<const sim::Model> create_model(const Scenario& scenario,
                                               const sim::ParameterSet& overrides) {
  if (!scenario.posterior || scenario.posterior->sample == nullptr)
    return plain_model(scenario, overrides);
  const auto posterior = scenario.posterior->sample;
  if (scenario.posterior->median)
    return plain_model(scenario, with_particle(*posterior, posterior->median(), overrides));
  auto base = std::make_shared<Scenario>(scenario);
  base->posterior.reset();
  return std::make_shared<sim::PosteriorModel>(
      posterior, [base, posterior, overrides](std::span<const double> values) {
        return plain_model(*base, with_particle(*posterior, values, overrides));
      });
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
