// What a city run answers: each target's probability, the projection at its year, and the
// backtests (published figures against the run's band) — as the terminal table, the JSON
// summary (--summary-json) and the /targets, /backtests and /assumptions groups of the results.
#pragma once

#include <string>
#include <vector>

#include "io/scenario/scenario.hpp"
#include "sim/stats/target_probability.hpp"

namespace innosim::io {

struct TargetResult {
  const Target* target = nullptr;
  double time = 0.0;           ///< the decimal year compared (a stock) or the year's end (a flow)
  std::vector<double> values;  ///< the metric at the target year, per replication
  sim::TargetStatistics statistics;
};

struct BacktestResult {
  const CalibrationObservation* observation = nullptr;
  std::vector<double> values;  ///< the metric at the observation's year, per replication
  double p05 = 0.0, median = 0.0, p95 = 0.0;
  /// Where the figure lies against the 90% band: 0 inside, else the signed distance to the
  /// nearer bound relative to the figure (e.g. -0.17: the band ends 17% below it).
  double miss = 0.0;
};

/// The study outcomes a scenario's targets and backtests need, in that order.
[[nodiscard]] std::vector<sim::Outcome> target_outcomes(const Scenario& scenario);

/// From the outcomes' values (`values[outcome][replication]`, in target_outcomes' order).
[[nodiscard]] std::vector<TargetResult> evaluate_targets(
    const Scenario& scenario, const std::vector<std::vector<double>>& values);
[[nodiscard]] std::vector<BacktestResult> evaluate_backtests(
    const Scenario& scenario, const std::vector<std::vector<double>>& values);

/// The terminal table: target, the document's figure, median projection, 90% band, probability
/// with its 95% interval; then the backtests; then the targets the model cannot compute.
[[nodiscard]] std::string targets_table(const Scenario& scenario,
                                        const std::vector<TargetResult>& targets,
                                        const std::vector<BacktestResult>& backtests);

/// The same as JSON (one object: scenario, variant, replications, targets, backtests).
[[nodiscard]] std::string targets_json(const Scenario& scenario,
                                       const std::vector<TargetResult>& targets,
                                       const std::vector<BacktestResult>& backtests);

/// Writes `text` to `path` atomically (a temporary beside it, then renamed). Throws on failure.
void write_text_atomically(const std::string& path, const std::string& text);

}  // namespace innosim::io
