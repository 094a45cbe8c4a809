// [calibration] and [posterior]: what `innosim calibrate` fits (priors, observations, method
// options) and which posterior a run draws from (docs/calibration.md, docs/scenarios.md).
// Checked like every other table: each problem names its place, the key, the value and what
// is accepted.
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "io/h5/calibration_file.hpp"
#include "io/scenario/toml_support.hpp"
#include "models/registry.hpp"

namespace innosim::io::detail {

namespace {

/// One row of an observed-data file, by column name.
using DataRow = std::map<std::string, std::string>;

/// Splits CSV text into rows of fields (RFC 4180: quoted fields may hold commas, newlines and
/// doubled quotes). Written here because the data files are small and no CSV library is in the
/// project's dependencies; the format is the one spreadsheets and pandas write.
std::vector<std::vector<std::string>> csv_rows(const std::string& text) {
  std::vector<std::vector<std::string>> rows(1);
  std::string field;
  bool quoted = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        field += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        field += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      rows.back().push_back(std::move(field));
      field.clear();
    } else if (c == '\n' || c == '\r') {
      if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
      rows.back().push_back(std::move(field));
      field.clear();
      rows.emplace_back();
    } else {
      field += c;
    }
  }
  if (!field.empty() || !rows.back().empty()) rows.back().push_back(std::move(field));
  while (!rows.empty() && rows.back().empty()) rows.pop_back();
  return rows;
}

/// The rows of the data file, or why it cannot be read ("" when read).
std::string read_data(const std::filesystem::path& path, std::vector<DataRow>& rows) {
  std::ifstream file(path, std::ios::binary);
  if (!file) return "cannot be opened (does it exist?)";
  std::stringstream text;
  text << file.rdbuf();
  const auto table = csv_rows(text.str());
  if (table.empty()) return "is empty";
  const auto& header = table.front();
  for (const char* column : {"place", "indicator", "year", "value", "source"}) {
    if (std::find(header.begin(), header.end(), column) == header.end())
      return std::string("has no column \"") + column +
             "\"; accepted: a CSV file whose header names place, indicator, year, value, unit, "
             "kind and source (data/observed/README.md)";
  }
  for (std::size_t r = 1; r < table.size(); ++r) {
    DataRow row;
    for (std::size_t c = 0; c < header.size() && c < table[r].size(); ++c)
      row[header[c]] = table[r][c];
    rows.push_back(std::move(row));
  }
  return "";
}

class CalibrationReader {
 public:
  CalibrationReader(Scenario& scenario, Validator& validator)
      : scenario_(scenario), validator_(validator) {}

  /// [backtests]: data, scale and observations read as [calibration]'s, the uncertainty
  /// optional (a backtest compares a figure with the run's band; nothing is fitted).
  void read_backtests(const toml::node& node) {
    table_ = "backtests";
    const auto* table = node.as_table();
    if (table == nullptr) {
      validator_.add(node.source(), "backtests must be a table [backtests]");
      return;
    }
    const std::vector<std::string> keys = {"data", "scale", "observations"};
    for (const auto& [key, value] : *table) {
      const std::string k(key.str());
      if (std::find(keys.begin(), keys.end(), k) == keys.end())
        validator_.add(value.source(), unknown_key_message("backtests", k, keys));
    }
    CalibrationSpec spec;
    spec.scale = real(*table, "scale", 1.0, 1e9, 1.0, true,
                      "the scenario is its place at 1:scale: `scaled` observations are divided "
                      "by it");
    read_data_key(*table, spec);
    if (const toml::node* observations = table->get("observations"))
      read_observations(*observations, spec);
    scenario_.backtests = BacktestSpec{spec.data, spec.scale, std::move(spec.observations)};
  }

  void read(const toml::node& node) {
    const auto* table = node.as_table();
    if (table == nullptr) {
      validator_.add(node.source(), "calibration must be a table [calibration]");
      return;
    }
    CalibrationSpec spec;
    for (const auto& [key, value] : *table) {
      const std::string k(key.str());
      if (std::find(KEYS.begin(), KEYS.end(), k) == KEYS.end())
        validator_.add(value.source(), unknown_key_message("calibration", k, KEYS));
    }
    spec.particles = static_cast<std::size_t>(
        integer(*table, "particles", 10, 1000000, 200, "particles of each ABC-SMC generation"));
    spec.replications = static_cast<std::uint32_t>(
        integer(*table, "replications", 1, 1000, 1, "simulations per particle, averaged"));
    spec.max_generations = static_cast<std::size_t>(
        integer(*table, "max_generations", 1, 1000, 8, "the most generations"));
    spec.quantile = real(*table, "quantile", 0.0, 1.0, 0.5, false,
                         "the next tolerance: this quantile of the last generation's distances");
    spec.min_acceptance =
        real(*table, "min_acceptance", 0.0, 1.0, 0.05, true,
             "stop after a generation accepting fewer than this share of its candidates");
    spec.target_tolerance = real(*table, "target_tolerance", 0.0, 1e300, 0.0, true,
                                 "stop once a generation's tolerance is at most this");
    spec.scale = real(*table, "scale", 1.0, 1e9, 1.0, true,
                      "the scenario is its place at 1:scale: `scaled` observations are divided "
                      "by it");
    read_data_key(*table, spec);
    const std::filesystem::path directory = std::filesystem::path(scenario_.path).parent_path();
    if (const toml::node* joint = table->get("joint")) {
      const auto* list = joint->as_array();
      if (list == nullptr) {
        validator_.add(joint->source(), "calibration.joint must be a list of scenario paths");
      } else {
        for (const auto& element : *list) {
          if (!element.is_string()) {
            validator_.add(element.source(), "calibration.joint: " + value_text(element) +
                                                 " is not a path of a scenario file");
            continue;
          }
          spec.joint.push_back(
              (directory / element.as_string()->get()).lexically_normal().string());
        }
      }
    }
    spec.parameters = read_factor_tables(table->get("parameters"), "calibration.parameters",
                                         scenario_, validator_);
    for (const auto& factor : spec.parameters)
      spec.parameter_why.push_back(check_prior(*table, factor));
    if (const toml::node* observations = table->get("observations"))
      read_observations(*observations, spec);
    scenario_.calibration = std::move(spec);
  }

 private:
  inline static const std::vector<std::string> KEYS = {
      "particles",      "replications",     "quantile",    "max_generations",
      "min_acceptance", "target_tolerance", "scale",       "data",
      "joint",          "parameters",       "observations"};
  inline static const std::vector<std::string> OBSERVATION_KEYS = {
      "metric", "year",     "place",       "indicator", "value",       "source",
      "sd",     "relative", "lower_bound", "scaled",    "unit_factor", "why"};

  /// `data`: the observed-data file, resolved against the scenario's directory, and read.
  void read_data_key(const toml::table& table, CalibrationSpec& spec) {
    const std::filesystem::path directory = std::filesystem::path(scenario_.path).parent_path();
    if (const toml::node* data = table.get("data")) {
      if (!data->is_string()) {
        validator_.add(data->source(), table_ + ".data = " + value_text(*data) +
                                           " is not accepted; accepted: the path of a CSV file "
                                           "of observed figures, relative to this scenario");
      } else {
        spec.data = (directory / data->as_string()->get()).lexically_normal().string();
        if (const std::string why = read_data(spec.data, data_); !why.empty()) {
          validator_.add(data->source(),
                         table_ + ".data = " + value_text(*data) + ": " + spec.data + " " + why);
          data_failed_ = true;
        }
      }
    }
  }

  std::int64_t integer(const toml::table& table, const char* key, std::int64_t low,
                       std::int64_t high, std::int64_t fallback, const std::string& meaning) {
    const toml::node* node = table.get(key);
    if (node == nullptr) return fallback;
    const auto* value = node->as_integer();
    if (value == nullptr || value->get() < low || value->get() > high) {
      validator_.add(node->source(), "calibration." + std::string(key) + " = " + value_text(*node) +
                                         " is not accepted; accepted: an "
                                         "integer in [" +
                                         std::to_string(low) + ", " + std::to_string(high) + "] (" +
                                         meaning + ")");
      return fallback;
    }
    return value->get();
  }

  std::optional<double> number(const toml::table& table, const std::string& prefix, const char* key,
                               double low, double high, bool closed, const std::string& meaning) {
    return read_number(table, prefix, key, low, high, closed, meaning, validator_);
  }

  double real(const toml::table& table, const char* key, double low, double high, double fallback,
              bool closed, const std::string& meaning) {
    return number(table, table_, key, low, high, closed, meaning).value_or(fallback);
  }

  /// Checks a prior; returns its `why` ("" after reporting it missing).
  std::string check_prior(const toml::table& table, const sim::Factor& factor) {
    const toml::node* node = table.at_path("parameters." + factor.name).node();
    const toml::source_region where = node ? node->source() : table.source();
    const std::string prefix = "calibration.parameters." + abbreviated(factor.name);
    if (factor.distribution == sim::FactorDistribution::CHOICE) {
      validator_.add(where, prefix +
                                ": a list of values cannot be a prior; accepted: "
                                "distribution = \"uniform\", \"log_uniform\", \"normal\" "
                                "or \"triangular\"");
    } else if (factor.type != sim::ParameterType::REAL) {
      validator_.add(where, prefix + ": " + factor.parameter +
                                " is not a real number; accepted: a real-valued parameter "
                                "(the calibration moves parameters continuously)");
    }
    const auto* parameter_table = node ? node->as_table() : nullptr;
    const toml::node* why = parameter_table ? parameter_table->get("why") : nullptr;
    if (why == nullptr || !why->is_string() || why->as_string()->get().empty()) {
      validator_.add(where, prefix +
                                ".why is missing; accepted: a sentence saying why this "
                                "prior (the range its meaning and the evidence allow)");
      return "";
    }
    return why->as_string()->get();
  }

  void read_observations(const toml::node& node, CalibrationSpec& spec) {
    const auto* list = node.as_array();
    if (list == nullptr) {
      validator_.add(node.source(), table_ + ".observations must be an array of tables [[" +
                                        table_ + ".observations]]");
      return;
    }
    const auto model =
        models::find_model(scenario_.model)->create(scenario_.values, scenario_.time);
    std::set<std::pair<std::string, int>> seen;
    std::size_t index = 0;
    for (const auto& element : *list) {
      const std::string prefix = table_ + ".observations[" + std::to_string(index++) + "]";
      const auto* table = element.as_table();
      if (table == nullptr) {
        validator_.add(element.source(), prefix + " must be a table");
        continue;
      }
      CalibrationObservation observation;
      if (read_observation(*table, element, prefix, model->metrics(), spec, observation)) {
        if (!seen.insert({observation.metric, observation.year}).second) {
          validator_.add(element.source(), prefix + ": " + observation.metric + " in " +
                                               std::to_string(observation.year) +
                                               " is observed twice; keep one");
          continue;
        }
        spec.observations.push_back(std::move(observation));
      }
    }
  }

  std::string text(const toml::table& table, const toml::node& where, const std::string& prefix,
                   const char* key, const std::string& meaning) {
    return read_text(table, where, prefix, key, meaning, validator_);
  }

  bool flag(const toml::table& table, const std::string& prefix, const char* key) {
    const toml::node* node = table.get(key);
    if (node == nullptr) return false;
    if (!node->is_boolean()) {
      validator_.add(node->source(), prefix + "." + key + " = " + value_text(*node) +
                                         " is not accepted; accepted: true or false");
      return false;
    }
    return node->as_boolean()->get();
  }

  bool read_observation(const toml::table& table, const toml::node& where,
                        const std::string& prefix, const std::vector<sim::MetricInfo>& metrics,
                        const CalibrationSpec& spec, CalibrationObservation& observation) {
    const std::size_t problems_before = problems();
    for (const auto& [key, value] : table) {
      const std::string k(key.str());
      if (std::find(OBSERVATION_KEYS.begin(), OBSERVATION_KEYS.end(), k) == OBSERVATION_KEYS.end())
        validator_.add(value.source(), unknown_key_message(prefix, k, OBSERVATION_KEYS));
    }
    observation.metric = text(table, where, prefix, "metric", "the name of a model metric");
    const toml::node* year = table.get("year");
    if (year == nullptr || !year->is_integer()) {
      validator_.add(year ? year->source() : where.source(),
                     prefix + ".year" + (year ? " = " + value_text(*year) : " is missing") +
                         "; accepted: a calendar year (a stock at its end, a flow summed over "
                         "it)");
    } else {
      observation.year = static_cast<int>(year->as_integer()->get());
    }
    observation.why = text(table, where, prefix, "why",
                           "a sentence saying why this uncertainty (how the figure was "
                           "measured)");
    if (!observation.metric.empty() && year != nullptr && year->is_integer()) {
      std::size_t metric = 0;
      if (const std::string why = find_metric(observation.metric, metrics, metric); !why.empty()) {
        validator_.add(table.get("metric")->source(), prefix + ".metric " + why);
      } else {
        observation.outcome.name = observation.metric + "@" + std::to_string(observation.year);
        observation.outcome.metric = metric;
        if (const std::string outside =
                place_year(std::to_string(year->as_integer()->get()), metrics[metric],
                           scenario_.time, observation.outcome);
            !outside.empty())
          validator_.add(year->source(), prefix + ".year = " + value_text(*year) + " " + outside);
      }
    }
    // The figure: from the data file's row, or given here with its source.
    const toml::node* value = table.get("value");
    if (value != nullptr) {
      const auto given = number(table, prefix, "value", -1e300, 1e300, true, "the figure");
      observation.published = given.value_or(0.0);
      observation.source =
          text(table, where, prefix, "source", "the publisher, title and date of the figure");
      if (table.get("place") || table.get("indicator")) {
        validator_.add(value->source(), prefix +
                                            ": give either value and source, or place and "
                                            "indicator (a row of " +
                                            table_ + ".data), not both");
      }
    } else {
      observation.place =
          text(table, where, prefix, "place",
               "the place of a row of " + table_ + ".data (or give value and source)");
      observation.indicator =
          text(table, where, prefix, "indicator", "the indicator of a row of " + table_ + ".data");
      if (!observation.place.empty() && !observation.indicator.empty() && observation.year != 0)
        look_up(where, prefix, spec, observation);
    }
    const double unit_factor =
        number(table, prefix, "unit_factor", 0.0, 1e300, false,
               "metric units per unit of the figure, e.g. 10000 for 亿元 -> 万元")
            .value_or(1.0);
    const bool scaled = flag(table, prefix, "scaled");
    observation.lower_bound = flag(table, prefix, "lower_bound") || observation.lower_bound;
    observation.value = observation.published * unit_factor / (scaled ? spec.scale : 1.0);
    const auto sd = number(table, prefix, "sd", 0.0, 1e300, false,
                           "the figure's standard error, in metric units");
    const auto relative = number(table, prefix, "relative", 0.0, 1e300, false,
                                 "the figure's uncertainty relative to it");
    if (sd.has_value() == relative.has_value() && (table_ == "calibration" || sd.has_value())) {
      validator_.add(where.source(), prefix +
                                         ": give exactly one of sd (in metric units) and "
                                         "relative (a share of the figure)");
    }
    observation.uncertainty = sd ? *sd : relative.value_or(0.0) * std::fabs(observation.value);
    if (problems() == problems_before && table_ == "calibration" &&
        !(observation.uncertainty > 0.0)) {
      validator_.add(where.source(), prefix +
                                         ": the uncertainty is 0 (relative x a figure of 0); "
                                         "give sd instead");
    }
    return problems() == problems_before;
  }

  void look_up(const toml::node& where, const std::string& prefix, const CalibrationSpec& spec,
               CalibrationObservation& observation) {
    if (spec.data.empty()) {
      validator_.add(where.source(), prefix + ": place and indicator name a row of " + table_ +
                                         ".data, which is not given");
      return;
    }
    if (data_failed_) return;
    const std::string year = std::to_string(observation.year);
    std::vector<const DataRow*> found;
    for (const auto& row : data_) {
      if (row.at("place") == observation.place && row.at("indicator") == observation.indicator &&
          row.at("year") == year)
        found.push_back(&row);
    }
    const std::string what = "place = \"" + abbreviated(observation.place) + "\", indicator = \"" +
                             abbreviated(observation.indicator) + "\", year = " + year;
    if (found.size() != 1) {
      validator_.add(where.source(), prefix + ": " + spec.data + " has " +
                                         std::to_string(found.size()) + " rows with " + what +
                                         "; accepted: exactly one (give value and source "
                                         "here if the file has none)");
      return;
    }
    const DataRow& row = *found.front();
    try {
      std::size_t used = 0;
      observation.published = std::stod(row.at("value"), &used);
      if (used != row.at("value").size()) throw std::invalid_argument("trailing text");
    } catch (const std::exception&) {
      validator_.add(where.source(), prefix + ": the row with " + what + " has value \"" +
                                         abbreviated(row.at("value")) +
                                         "\", not a number; give value and source here");
      return;
    }
    observation.source = row.at("source");
    const auto kind = row.find("kind");
    if (kind != row.end() && kind->second.find("lower bound") != std::string::npos)
      observation.lower_bound = true;
  }

  std::size_t problems() const { return validator_.count(); }

  Scenario& scenario_;
  Validator& validator_;
  std::string table_ = "calibration";  ///< the table read: "calibration" or "backtests"
  std::vector<DataRow> data_;
  bool data_failed_ = false;
};

void read_posterior_table(const toml::node& node, Scenario& scenario, Validator& validator) {
  const auto* table = node.as_table();
  if (table == nullptr) {
    validator.add(node.source(), "posterior must be a table [posterior]");
    return;
  }
  const std::vector<std::string> keys = {"file", "use", "parameters"};
  for (const auto& [key, value] : *table) {
    const std::string k(key.str());
    if (std::find(keys.begin(), keys.end(), k) == keys.end())
      validator.add(value.source(), unknown_key_message("posterior", k, keys));
  }
  PosteriorUse use;
  const toml::node* file = table->get("file");
  if (file == nullptr || !file->is_string()) {
    validator.add(file ? file->source() : node.source(),
                  "posterior.file" + (file ? " = " + value_text(*file) : " is missing") +
                      "; accepted: the path of a calibration's results (innosim calibrate), "
                      "relative to this scenario");
    return;
  }
  use.file = (std::filesystem::path(scenario.path).parent_path() / file->as_string()->get())
                 .lexically_normal()
                 .string();
  if (const toml::node* how = table->get("use")) {
    const std::string given = how->is_string() ? how->as_string()->get() : "";
    if (given != "draws" && given != "median") {
      validator.add(how->source(),
                    "posterior.use = " + value_text(*how) +
                        " is not accepted; accepted: \"draws\" (each replication draws a "
                        "posterior particle) or \"median\" (every replication uses the "
                        "posterior median)");
    }
    use.median = given == "median";
  }
  try {
    use.sample = std::make_shared<const sim::Posterior>(io::read_posterior(use.file));
  } catch (const std::exception& error) {
    validator.add(file->source(), "posterior.file = " + value_text(*file) + ": " + error.what());
    return;
  }
  if (const toml::node* chosen = table->get("parameters")) {
    // Only these of the posterior's parameters: a city takes what transfers to it (the
    // behavioural parameters) and keeps its own values for the rest.
    const auto* list = chosen->as_array();
    std::vector<std::size_t> columns;
    if (list == nullptr || list->empty()) {
      validator.add(chosen->source(),
                    "posterior.parameters must be a non-empty list of the "
                    "calibrated keys to take, e.g. [\"city.high_tech_apply_"
                    "baseline\"]; accepted: " +
                        join(use.sample->keys));
      return;
    }
    for (const auto& element : *list) {
      const std::string key = element.is_string() ? element.as_string()->get() : "";
      const auto found = std::find(use.sample->keys.begin(), use.sample->keys.end(), key);
      if (found == use.sample->keys.end()) {
        validator.add(element.source(), "posterior.parameters: " + value_text(element) +
                                            " is not a parameter of this calibration; accepted: " +
                                            join(use.sample->keys));
        return;
      }
      const auto column = static_cast<std::size_t>(found - use.sample->keys.begin());
      if (std::find(columns.begin(), columns.end(), column) != columns.end()) {
        validator.add(element.source(),
                      "posterior.parameters: " + value_text(element) + " is listed twice");
        return;
      }
      columns.push_back(column);
    }
    auto selected = std::make_shared<sim::Posterior>();
    selected->source = use.sample->source;
    selected->weights = use.sample->weights;
    for (const std::size_t column : columns) selected->keys.push_back(use.sample->keys[column]);
    for (std::size_t p = 0; p < use.sample->particles(); ++p)
      for (const std::size_t column : columns)
        selected->values.push_back(use.sample->particle(p)[column]);
    use.sample = std::move(selected);
  }
  for (const auto& key : use.sample->keys) {
    const auto spec = std::find_if(scenario.specs.begin(), scenario.specs.end(),
                                   [&](const sim::ParameterSpec& s) { return s.key == key; });
    if (spec == scenario.specs.end() || spec->type != sim::ParameterType::REAL) {
      validator.add(file->source(), "posterior.file = " + value_text(*file) + " calibrated " +
                                        abbreviated(key) +
                                        ", which is not a real parameter of "
                                        "this scenario's model (" +
                                        scenario.model + ")");
      return;
    }
    for (std::size_t p = 0; p < use.sample->particles(); ++p) {
      const double value =
          use.sample->values[p * use.sample->keys.size() +
                             static_cast<std::size_t>(&key - use.sample->keys.data())];
      if (!spec->accepts(value)) {
        validator.add(file->source(), "posterior.file = " + value_text(*file) + ": particle " +
                                          std::to_string(p) + " has " + key + " = " +
                                          sim::to_toml_text(value) +
                                          ", which this model does "
                                          "not accept (" +
                                          spec->accepted() + ")");
        return;
      }
    }
  }
  scenario.posterior = use;
}

}  // namespace

void parse_calibration(const toml::table& root, Scenario& scenario, Validator& validator) {
  if (const toml::node* calibration = root.get("calibration"))
    CalibrationReader(scenario, validator).read(*calibration);
  if (const toml::node* posterior = root.get("posterior"))
    read_posterior_table(*posterior, scenario, validator);
  if (const toml::node* backtests = root.get("backtests"))
    CalibrationReader(scenario, validator).read_backtests(*backtests);
}

}  // namespace innosim::io::detail
