#include "io/report/targets_report.hpp"

#include <toml++/toml.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "io/h5/results_file.hpp"
#include "io/report/summary_table.hpp"
#include "sim/stats/summary.hpp"

namespace innosim::io {

namespace {

/// A projection's number: whole above 100, three significant digits below.
std::string figure(double value) {
  if (std::isnan(value)) return "n/a";
  char buffer[32];
  if (std::abs(value) >= 100.0) {
    std::snprintf(buffer, sizeof buffer, "%.0f", value);
  } else {
    std::snprintf(buffer, sizeof buffer, "%.3g", value);
  }
  return buffer;
}

std::string percent(double share) {
  if (std::isnan(share)) return "n/a";
  char buffer[16];
  std::snprintf(buffer, sizeof buffer, "%.0f%%", 100.0 * share);
  return buffer;
}

/// The document's figure in its own units and the comparison, e.g. ">= 400".
std::string document_figure(const Target& target) {
  return std::string(target.comparison_symbol()) + " " + figure(target.document_value);
}

/// A finite number into a JSON object; non-finite values are left out (JSON has no NaN).
void put(toml::table& table, const std::string& key, double value) {
  if (std::isfinite(value)) table.insert_or_assign(key, value);
}

}  // namespace

std::vector<sim::Outcome> target_outcomes(const Scenario& scenario) {
  std::vector<sim::Outcome> outcomes;
  for (const Target& target : scenario.targets) outcomes.push_back(target.outcome);
  if (scenario.backtests)
    for (const auto& observation : scenario.backtests->observations)
      outcomes.push_back(observation.outcome);
  return outcomes;
}

std::vector<TargetResult> evaluate_targets(const Scenario& scenario,
                                           const std::vector<std::vector<double>>& values) {
  std::vector<TargetResult> results;
  for (std::size_t t = 0; t < scenario.targets.size(); ++t) {
    const Target& target = scenario.targets[t];
    TargetResult result;
    result.target = &target;
    result.time = scenario.time.decimal_year(static_cast<int>(target.outcome.last_point));
    // The metric is in metric units; the threshold too (document figure x unit_factor).
    result.values = values.at(t);
    result.statistics = sim::target_statistics(result.values, target.comparison, target.threshold);
    results.push_back(std::move(result));
  }
  return results;
}

std::vector<BacktestResult> evaluate_backtests(const Scenario& scenario,
                                               const std::vector<std::vector<double>>& values) {
  std::vector<BacktestResult> results;
  if (!scenario.backtests) return results;
  for (std::size_t b = 0; b < scenario.backtests->observations.size(); ++b) {
    const CalibrationObservation& observation = scenario.backtests->observations[b];
    BacktestResult result;
    result.observation = &observation;
    result.values = values.at(scenario.targets.size() + b);
    std::vector<double> sorted = result.values;
    std::sort(sorted.begin(), sorted.end());
    result.p05 = sim::quantile_sorted(sorted, 0.05);
    result.median = sim::quantile_sorted(sorted, 0.50);
    result.p95 = sim::quantile_sorted(sorted, 0.95);
    const double figure = observation.value;
    if (observation.lower_bound) {
      // A lower bound ("more than 10,000") is met when the band reaches it.
      result.miss = result.p95 >= figure ? 0.0 : (result.p95 - figure) / std::abs(figure);
    } else if (figure < result.p05) {
      result.miss = (result.p05 - figure) / std::abs(figure);
    } else if (figure > result.p95) {
      result.miss = (result.p95 - figure) / std::abs(figure);
    }
    results.push_back(std::move(result));
  }
  return results;
}

std::string targets_table(const Scenario& scenario, const std::vector<TargetResult>& targets,
                          const std::vector<BacktestResult>& backtests) {
  std::string text;
  const std::size_t replications = targets.empty() ? 0 : targets.front().values.size();
  if (!targets.empty()) {
    text.append("\nTargets of ")
        .append(scenario.name)
        .append(scenario.variant == "baseline" ? "" : " (variant " + scenario.variant + ")")
        .append(", over ")
        .append(std::to_string(replications))
        .append(
            " replications (a stock at the end of the year, a flow summed over it; probability "
            "with its 95% Wilson interval):\n");
    std::vector<std::vector<std::string>> cells{
        {"target", "metric", "by end of", "document", "median", "90% band", "P(reach)"}};
    for (const TargetResult& result : targets) {
      const Target& target = *result.target;
      const double factor = target.unit_factor;
      const sim::TargetStatistics& s = result.statistics;
      cells.push_back({target.name, target.metric, std::to_string(target.year),
                       document_figure(target), figure(s.median / factor),
                       figure(s.p05 / factor) + " - " + figure(s.p95 / factor),
                       percent(s.probability.estimate) + " [" + percent(s.probability.low) + ", " +
                           percent(s.probability.high) + "]"});
    }
    text.append(aligned_columns(cells));
    bool scaled = false;
    for (const TargetResult& result : targets) scaled = scaled || result.target->unit_factor != 1.0;
    if (scaled) text.append("  (document, median and band in the document's units)\n");
  }
  if (!backtests.empty()) {
    text.append("\nBacktests: published figures against the run's 90% band:\n");
    std::vector<std::vector<std::string>> cells{
        {"metric", "year", "published", "median", "90% band", "verdict"}};
    for (const BacktestResult& result : backtests) {
      const CalibrationObservation& o = *result.observation;
      std::string verdict = result.miss == 0.0 ? "inside" : "";
      if (result.miss != 0.0) {
        char buffer[64];
        std::snprintf(buffer, sizeof buffer, "band %s by %.1f%%",
                      result.miss < 0 ? "below" : "above", 100.0 * std::abs(result.miss));
        verdict = buffer;
      }
      cells.push_back({o.metric, std::to_string(o.year),
                       (o.lower_bound ? ">= " : "") + figure(o.value), figure(result.median),
                       figure(result.p05) + " - " + figure(result.p95), verdict});
    }
    text.append(aligned_columns(cells));
  }
  if (!scenario.targets_not_modelled.empty()) {
    text.append("\nTargets of the document the model does not compute: ");
    for (std::size_t i = 0; i < scenario.targets_not_modelled.size(); ++i)
      text.append(i == 0 ? "" : "; ").append(scenario.targets_not_modelled[i].target);
    text.append(" (why: the scenario's [[targets_not_modelled]]).\n");
  }
  return text;
}

std::string targets_json(const Scenario& scenario, const std::vector<TargetResult>& targets,
                         const std::vector<BacktestResult>& backtests) {
  toml::table root;
  root.insert("scenario", scenario.name);
  root.insert("scenario_file", scenario.path);
  root.insert("variant", scenario.variant);
  toml::array settings;
  for (const auto& setting : scenario.settings) settings.push_back(setting);
  root.insert("settings", settings);
  root.insert("replications",
              static_cast<std::int64_t>(targets.empty() ? scenario.replications
                                                        : targets.front().values.size()));
  root.insert("seed", static_cast<std::int64_t>(scenario.seed));
  toml::array target_list;
  for (const TargetResult& result : targets) {
    const Target& target = *result.target;
    const sim::TargetStatistics& s = result.statistics;
    toml::table entry;
    entry.insert("name", target.name);
    entry.insert("metric", target.metric);
    entry.insert("year", static_cast<std::int64_t>(target.year));
    entry.insert("time", result.time);
    entry.insert("comparison", target.comparison_key());
    put(entry, "document_value", target.document_value);
    put(entry, "unit_factor", target.unit_factor);
    put(entry, "threshold", target.threshold);
    entry.insert("document", target.document);
    put(entry, "probability", s.probability.estimate);
    put(entry, "probability_low", s.probability.low);
    put(entry, "probability_high", s.probability.high);
    put(entry, "median", s.median);
    put(entry, "p05", s.p05);
    put(entry, "p25", s.p25);
    put(entry, "p75", s.p75);
    put(entry, "p95", s.p95);
    target_list.push_back(std::move(entry));
  }
  root.insert("targets", std::move(target_list));
  toml::array backtest_list;
  for (const BacktestResult& result : backtests) {
    const CalibrationObservation& o = *result.observation;
    toml::table entry;
    entry.insert("metric", o.metric);
    entry.insert("year", static_cast<std::int64_t>(o.year));
    put(entry, "published", o.value);
    entry.insert("lower_bound", o.lower_bound);
    entry.insert("source", o.source);
    put(entry, "median", result.median);
    put(entry, "p05", result.p05);
    put(entry, "p95", result.p95);
    put(entry, "miss", result.miss);
    backtest_list.push_back(std::move(entry));
  }
  root.insert("backtests", std::move(backtest_list));
  toml::array not_modelled;
  for (const auto& entry : scenario.targets_not_modelled) {
    toml::table row;
    row.insert("target", entry.target);
    row.insert("clause", entry.clause);
    row.insert("why", entry.why);
    not_modelled.push_back(std::move(row));
  }
  root.insert("targets_not_modelled", std::move(not_modelled));
  std::ostringstream out;
  out << toml::json_formatter{root} << "\n";
  return out.str();
}

void write_text_atomically(const std::string& path, const std::string& text) {
  const std::filesystem::path destination(path);
  const std::filesystem::path temporary = temporary_path_for(destination);
  {
    std::ofstream file(temporary, std::ios::binary | std::ios::trunc);
    file << text;
    file.flush();
    if (!file) {
      std::error_code ignored;
      std::filesystem::remove(temporary, ignored);
      throw std::runtime_error("cannot write " + temporary.string());
    }
  }
  std::error_code error;
  std::filesystem::rename(temporary, destination, error);
  if (error) {
    std::filesystem::remove(temporary, error);
    throw std::runtime_error("cannot rename onto " + path + ": " + error.message());
  }
}

}  // namespace innosim::io
