// [uncertainties.<name>], [levers.<name>] and [experiment]: what an experiment varies and
// what it measures (docs/experiments.md). Checked like every other table: each problem names
// its place, the key, the value and what is accepted.
#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <map>
#include <set>

#include "io/scenario/toml_support.hpp"
#include "models/registry.hpp"

namespace innosim::io::detail {

namespace {

using sim::Factor;
using sim::FactorDistribution;
using sim::ParameterSpec;
using sim::ParameterType;

const std::vector<std::string> DISTRIBUTIONS = {"uniform", "log_uniform", "normal", "triangular",
                                                "choice"};

FactorDistribution distribution_of(const std::string& name) {
  if (name == "log_uniform") return FactorDistribution::LOG_UNIFORM;
  if (name == "normal") return FactorDistribution::NORMAL;
  if (name == "triangular") return FactorDistribution::TRIANGULAR;
  if (name == "choice") return FactorDistribution::CHOICE;
  return FactorDistribution::UNIFORM;
}

class FactorReader {
 public:
  FactorReader(Scenario& scenario, Validator& validator)
      : scenario_(scenario), validator_(validator) {
    for (const auto& spec : scenario.specs) spec_by_key_[spec.key] = &spec;
  }

  void read(const toml::table& root, const std::string& kind) {
    read_tables(root.get(kind), kind, kind == "levers", scenario_.factors);
  }

  /// Reads each [<prefix>.<name>] table of `node` as a factor into `into`. A calibration's
  /// parameters ([calibration.parameters.<name>]) are uncertainties with a `why`.
  void read_tables(const toml::node* node, const std::string& prefix_base, bool lever,
                   std::vector<Factor>& into, bool with_why = false) {
    if (node == nullptr) return;
    if (!node->is_table()) {
      validator_.add(node->source(),
                     prefix_base + " must be a table of tables [" + prefix_base + ".<name>]");
      return;
    }
    with_why_ = with_why;
    for (const auto& [key, table_node] : *node->as_table()) {
      const std::string name(key.str());
      const std::string prefix = prefix_base + "." + abbreviated(name);
      const auto* table = table_node.as_table();
      if (table == nullptr) {
        validator_.add(table_node.source(), prefix + " must be a table [" + prefix + "]");
        continue;
      }
      read_factor(*table, table_node, prefix, name, lever, into);
    }
  }

 private:
  /// Whether every key of [<prefix>] is one a factor of its kind has (each other one reported).
  bool known_keys(const toml::table& table, const std::string& prefix, bool lever) {
    std::vector<std::string> accepted =
        lever ? std::vector<std::string>{"parameter", "low", "high", "values"}
              : std::vector<std::string>{"parameter", "distribution", "low", "high",
                                         "mode",      "mean",         "sd",  "values"};
    if (with_why_) accepted.push_back("why");
    bool ok = true;
    for (const auto& [key, node] : table) {
      const std::string k(key.str());
      if (std::find(accepted.begin(), accepted.end(), k) != accepted.end()) continue;
      validator_.add(node.source(), unknown_key_message(prefix, k, accepted));
      ok = false;
    }
    return ok;
  }

  /// The spec of the scenario key the factor sets (factor.parameter), or null after reporting
  /// why it cannot be varied.
  const ParameterSpec* parameter_of(const toml::table& table, const toml::node& where,
                                    const std::string& prefix, bool lever, Factor& factor) {
    const toml::node* parameter = table.get("parameter");
    if (parameter == nullptr || !parameter->is_string()) {
      validator_.add(parameter ? parameter->source() : where.source(),
                     "missing or non-string " + prefix + ".parameter: the scenario key this " +
                         (lever ? "lever" : "uncertainty") + " sets, e.g. \"city.growth_sd\"");
      return nullptr;
    }
    factor.parameter = parameter->as_string()->get();
    const auto found = spec_by_key_.find(factor.parameter);
    const bool settable =
        factor.parameter.rfind("scenario.", 0) != 0 && factor.parameter.rfind("run.", 0) != 0;
    if (found == spec_by_key_.end() || !settable) {
      std::vector<std::string> keys;
      for (const auto& [key, s] : spec_by_key_) {
        if (key.rfind("scenario.", 0) != 0 && key.rfind("run.", 0) != 0) keys.push_back(key);
      }
      std::string message = prefix + ".parameter = \"" + abbreviated(factor.parameter) +
                            "\" is not a " + "model parameter of this scenario";
      if (!settable) message += " ([scenario] and [run] keys cannot vary within an experiment)";
      const std::string hint = suggestion(factor.parameter, keys);
      if (!hint.empty()) message += "; did you mean \"" + hint + "\"?";
      validator_.add(parameter->source(), message + " (innosim params lists every key)");
      return nullptr;
    }
    if (!used_.insert(factor.parameter).second) {
      validator_.add(parameter->source(), prefix + ".parameter = \"" +
                                              abbreviated(factor.parameter) +
                                              "\" is already set by another factor");
      return nullptr;
    }
    return found->second;
  }

  void read_factor(const toml::table& table, const toml::node& where, const std::string& prefix,
                   const std::string& name, bool lever, std::vector<Factor>& into) {
    bool ok = known_keys(table, prefix, lever);
    Factor factor;
    factor.name = name;
    factor.lever = lever;
    const ParameterSpec* spec = parameter_of(table, where, prefix, lever, factor);
    if (spec == nullptr) return;
    factor.type = spec->type;
    // distribution
    std::string distribution = table.get("values") != nullptr ? "choice" : "uniform";
    if (!lever) {
      const toml::node* node = table.get("distribution");
      if (node == nullptr || !node->is_string() ||
          std::find(DISTRIBUTIONS.begin(), DISTRIBUTIONS.end(), node->as_string()->get()) ==
              DISTRIBUTIONS.end()) {
        validator_.add(node ? node->source() : where.source(),
                       prefix + ".distribution" +
                           (node ? " = " + value_text(*node) : " is missing") +
                           "; accepted: one of \"uniform\", \"log_uniform\", \"normal\", " +
                           "\"triangular\", \"choice\"");
        return;
      }
      distribution = node->as_string()->get();
    }
    factor.distribution = distribution_of(distribution);
    if (factor.distribution == FactorDistribution::CHOICE) {
      ok = read_choices(table, where, prefix, *spec, factor) && ok;
    } else if (spec->type == ParameterType::TEXT || spec->type == ParameterType::TEXT_LIST ||
               spec->type == ParameterType::INTEGER_LIST) {
      validator_.add(where.source(), prefix + ": " + factor.parameter +
                                         " is not a number; give its possible values as a list, "
                                         "values = [...]");
      return;
    } else {
      ok = read_numbers(table, where, prefix, *spec, factor) && ok;
    }
    if (ok) into.push_back(std::move(factor));
  }

  /// A number key: nullopt (and a problem, if required) when missing or not a number.
  std::optional<double> number(const toml::table& table, const toml::node& where,
                               const std::string& prefix, const char* key, bool required,
                               const std::string& why) {
    const toml::node* node = table.get(key);
    if (node == nullptr) {
      if (required)
        validator_.add(where.source(), "missing " + prefix + "." + key + " (" + why + ")");
      return std::nullopt;
    }
    if (const auto* real = node->as_floating_point()) {
      if (std::isfinite(real->get())) return real->get();
      validator_.add(node->source(), prefix + "." + key + " = " + value_text(*node) +
                                         " is not accepted; accepted: a finite number");
      required_failed_ = true;
      return std::nullopt;
    }
    if (const auto* integer = node->as_integer()) return static_cast<double>(integer->get());
    validator_.add(node->source(), prefix + "." + key + " = " + value_text(*node) + " is " +
                                       type_name(*node) + "; accepted: a number");
    required_failed_ = true;
    return std::nullopt;
  }

  bool read_numbers(const toml::table& table, const toml::node& where, const std::string& prefix,
                    const ParameterSpec& spec, Factor& factor) {
    required_failed_ = false;
    const bool normal = factor.distribution == FactorDistribution::NORMAL;
    const bool triangular = factor.distribution == FactorDistribution::TRIANGULAR;
    const auto low = number(table, where, prefix, "low", !normal, "lower end of the range");
    const auto high = number(table, where, prefix, "high", !normal, "upper end of the range");
    const auto mode = number(table, where, prefix, "mode", triangular, "most likely value");
    const auto mean = number(table, where, prefix, "mean", normal, "mean of the normal");
    const auto sd = number(table, where, prefix, "sd", normal, "standard deviation");
    for (const char* key : {"mode", "mean", "sd"}) {
      const bool used = (triangular && std::string(key) == "mode") || (normal && key[0] != 'm') ||
                        (normal && std::string(key) == "mean");
      if (!used && table.get(key) != nullptr) {
        validator_.add(table.get(key)->source(), prefix + "." + key + " does not apply to a " +
                                                     sim::distribution_name(factor.distribution) +
                                                     " distribution");
        return false;
      }
    }
    if (required_failed_) return false;
    if ((!normal && (!low || !high)) || (triangular && !mode) || (normal && (!mean || !sd)))
      return false;
    factor.low = low.value_or(spec.minimum);
    factor.high = high.value_or(spec.maximum);
    // Keys a distribution does not use keep the defaults of sim::Factor.
    if (mode) factor.mode = *mode;
    if (mean) factor.mean = *mean;
    if (sd) factor.sd = *sd;
    const toml::node& place = table.get("low") ? *table.get("low") : where;
    auto problem = [&](const std::string& message) {
      validator_.add(place.source(), prefix + ": " + message);
      return false;
    };
    const std::string range =
        "[" + sim::to_toml_text(factor.low) + ", " + sim::to_toml_text(factor.high) + "]";
    if (!(factor.low < factor.high)) return problem("low must be below high, got " + range);
    auto within = [&](double value) {
      if (spec.type != ParameterType::INTEGER) return spec.accepts(value);
      // Compared as a number first: llround of a value beyond 64 bits is unspecified.
      return std::round(value) >= spec.minimum && std::round(value) <= spec.maximum &&
             spec.accepts(static_cast<std::int64_t>(std::llround(value)));
    };
    if (!within(factor.low) || !within(factor.high)) {
      return problem("the range " + range + " leaves what " + factor.parameter +
                     " accepts: " + spec.accepted());
    }
    if (factor.distribution == FactorDistribution::LOG_UNIFORM && factor.low <= 0.0)
      return problem("a log_uniform range must be positive, got " + range);
    if (triangular && (factor.mode < factor.low || factor.mode > factor.high))
      return problem("mode = " + sim::to_toml_text(factor.mode) + " must lie in " + range);
    if (normal && !(factor.sd > 0.0))
      return problem("sd = " + sim::to_toml_text(factor.sd) + " must be positive");
    // Every value the factor can take must be one the parameter accepts: the inverse CDFs are
    // monotone, so their ends and a point between them show overflow (a log_uniform whose
    // high/low exceeds the largest double gives inf) or values beyond the range.
    for (const double u : {0.0, 1e-9, 0.5, 1.0 - 1e-9, 1.0}) {
      const sim::ParameterValue value = factor.value_at(u);
      if (!spec.accepts(value)) {
        return problem("at the design coordinate " + sim::to_toml_text(u) + " this " +
                       sim::distribution_name(factor.distribution) + " distribution gives " +
                       factor.parameter + " = " + sim::to_toml_text(value) +
                       ", which it does not accept; accepted: " + spec.accepted() +
                       " (narrow the range)");
      }
    }
    return true;
  }

  bool read_choices(const toml::table& table, const toml::node& where, const std::string& prefix,
                    const ParameterSpec& spec, Factor& factor) {
    const toml::node* node = table.get("values");
    if (node == nullptr || !node->is_array() || node->as_array()->empty()) {
      validator_.add(node ? node->source() : where.source(),
                     prefix + ".values must be a non-empty list of values of " + factor.parameter +
                         " (" + spec.accepted() + ")");
      return false;
    }
    for (const auto& key : {"low", "high", "mode", "mean", "sd"}) {
      if (table.get(key) != nullptr) {
        validator_.add(table.get(key)->source(),
                       prefix + "." + key + " does not apply to a list of values");
        return false;
      }
    }
    bool ok = true;
    for (const auto& element : *node->as_array()) {
      const auto value = convert(element, spec);
      if (!value || !spec.accepts(*value)) {
        validator_.add(element.source(), prefix + ".values: " + value_text(element) +
                                             " is not accepted by " + factor.parameter + "; " +
                                             "accepted: " + spec.accepted());
        ok = false;
        continue;
      }
      factor.choices.push_back(*value);
    }
    return ok;
  }

  Scenario& scenario_;
  Validator& validator_;
  std::map<std::string, const ParameterSpec*> spec_by_key_;
  std::set<std::string> used_;
  bool required_failed_ = false;
  bool with_why_ = false;
};

/// Reads a trailing ">=number" or "<=number" of `rest` into the outcome's target and cuts it
/// off; returns why not ("" when there is none or it reads).
std::string read_target(std::string& rest, sim::Outcome& outcome) {
  const auto comparison = rest.find_first_of("<>");
  if (comparison == std::string::npos) return "";
  const std::string op = rest.substr(comparison, 2);
  if (op != ">=" && op != "<=") return "compares with " + abbreviated(op) + "; accepted: >= or <=";
  outcome.target_kind = op == ">=" ? sim::TargetKind::AT_LEAST : sim::TargetKind::AT_MOST;
  try {
    std::size_t used = 0;
    outcome.target = std::stod(rest.substr(comparison + 2), &used);
    if (used != rest.size() - comparison - 2) throw std::invalid_argument("trailing");
  } catch (const std::exception&) {
    return "has no number after " + op;
  }
  if (!std::isfinite(outcome.target)) {
    return "compares with " + sim::to_toml_text(outcome.target) +
           "; accepted: a finite number after " + op + ", e.g. " + op + "400";
  }
  rest = rest.substr(0, comparison);
  return "";
}

/// "metric@year", optionally followed by ">=number" or "<=number".
void read_outcome(const toml::node& element, Scenario& scenario, Validator& validator,
                  const std::vector<sim::MetricInfo>& metrics) {
  const std::string text = element.as_string()->get();
  const auto at = text.find('@');
  auto refuse = [&](const std::string& why) {
    validator.add(element.source(), "experiment.outcomes: \"" + abbreviated(text) + "\" " + why);
  };
  if (at == std::string::npos) {
    refuse(
        "needs the form metric@year, e.g. \"register_high_tech@2025\" or "
        "\"register_high_tech@2025>=400\" (a target: 1 when met, 0 otherwise)");
    return;
  }
  sim::Outcome outcome;
  outcome.name = text;
  const std::string metric = text.substr(0, at);
  std::string rest = text.substr(at + 1);
  if (const std::string why = read_target(rest, outcome); !why.empty()) return refuse(why);
  if (const std::string why = find_metric(metric, metrics, outcome.metric); !why.empty())
    return refuse(why);
  if (const std::string why = place_year(rest, metrics[outcome.metric], scenario.time, outcome);
      !why.empty())
    return refuse(why);
  scenario.outcomes.push_back(outcome);
}

}  // namespace

/// The index of the metric named `metric`; returns why not ("" when found).
std::string find_metric(const std::string& metric, const std::vector<sim::MetricInfo>& metrics,
                        std::size_t& index) {
  std::vector<std::string> names;
  index = metrics.size();
  for (std::size_t i = 0; i < metrics.size(); ++i) {
    names.push_back(metrics[i].name);
    if (metrics[i].name == metric) index = i;
  }
  if (index < metrics.size()) return "";
  const std::string hint = suggestion(metric, names);
  return "names no metric " + abbreviated(metric) +
         (hint.empty() ? "" : "; did you mean " + hint + "?") + " Metrics: " + join(names);
}

/// The points the outcome covers for the year written in `text` (a stock at the end of the
/// year, time year + 1.0; a flow summed over the year's steps); returns why not ("" when in
/// the run).
std::string place_year(const std::string& text, const sim::MetricInfo& info,
                       const sim::TimeAxis& time, sim::Outcome& outcome) {
  const bool flow = info.flow();
  const std::int64_t steps_per_year = 12 / time.step_months;
  const std::int64_t first_year = flow ? time.start_year : time.start_year - 1;
  const std::int64_t last_year =
      time.start_year + time.steps / std::max<std::int64_t>(1, steps_per_year) - 1;
  const std::string years =
      info.name + " (" + info.unit + ") has values for " + std::to_string(first_year) + " to " +
      std::to_string(last_year) +
      (flow ? " (a flow: summed over the year)" : " (a stock: at the end of the year)");
  // Read as a 64-bit integer and compared with the run's years before any arithmetic: a year
  // such as 2147483647 must not overflow the point computation below.
  std::int64_t year = 0;
  const auto [end, status] = std::from_chars(text.data(), text.data() + text.size(), year);
  if (text.empty() || end != text.data() + text.size())
    return "has no year after @; accepted: a calendar year, e.g. @2025 (" + years + ")";
  if (status == std::errc::result_out_of_range || 12 % time.step_months != 0 || year < first_year ||
      year > last_year)
    return "is outside the run: " + years;
  const std::int64_t end_point = (year + 1 - time.start_year) * steps_per_year;
  const std::int64_t first_point = flow ? end_point - steps_per_year + 1 : end_point;
  if (first_point < 0 || end_point > time.steps) return "is outside the run: " + years;
  outcome.first_point = static_cast<std::size_t>(first_point);
  outcome.last_point = static_cast<std::size_t>(end_point);
  return "";
}

std::vector<Factor> read_factor_tables(const toml::node* node, const std::string& prefix,
                                       Scenario& scenario, Validator& validator) {
  std::vector<Factor> factors;
  FactorReader reader(scenario, validator);
  reader.read_tables(node, prefix, false, factors, true);
  return factors;
}

void parse_experiment(const toml::table& root, Scenario& scenario, Validator& validator) {
  if (root.get("uncertainties") != nullptr || root.get("levers") != nullptr) {
    FactorReader factors(scenario, validator);  // indexes every key: only when needed
    factors.read(root, "uncertainties");
    factors.read(root, "levers");
  }
  const toml::node* experiment = root.get("experiment");
  if (experiment == nullptr) return;
  for (const auto& [key, node] : *experiment->as_table()) {
    if (key.str() != "outcomes") {
      validator.add(node.source(), "unknown key experiment." + abbreviated(std::string(key.str())) +
                                       "; accepted: outcomes");
    }
  }
  const toml::node* outcomes = experiment->as_table()->get("outcomes");
  if (outcomes == nullptr) return;
  if (!outcomes->is_array()) {
    validator.add(outcomes->source(),
                  "experiment.outcomes must be a list of strings such as "
                  "[\"register_high_tech@2025\"]");
    return;
  }
  const auto model = models::find_model(scenario.model)->create(scenario.values, scenario.time);
  std::set<std::string> seen;
  for (const auto& element : *outcomes->as_array()) {
    if (!element.is_string()) {
      validator.add(element.source(), "experiment.outcomes: " + value_text(element) +
                                          " is not a string such as \"register_high_tech@2025\"");
      continue;
    }
    if (!seen.insert(element.as_string()->get()).second) {
      validator.add(element.source(), "experiment.outcomes: \"" +
                                          abbreviated(element.as_string()->get()) +
                                          "\" is listed twice");
      continue;
    }
    read_outcome(element, scenario, validator, model->metrics());
  }
}

}  // namespace innosim::io::detail
