// Monte Carlo runs of one model: every replication's series kept in memory, as `innosim run`
// writes them. A run is a study of one design point (sim/run/study.hpp) whose sink is an
// EnsembleBuilder; run_ensemble is the short way to it.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

#include "sim/run/model.hpp"
#include "sim/run/study.hpp"

namespace innosim::sim {

/// Results of all replications: values[metric][replication][point], contiguous per metric
/// (the [replication, time] layout of /series/<metric>).
struct Ensemble {
  std::vector<MetricInfo> metrics;
  TimeAxis time;
  std::uint32_t replications = 0;       ///< slots
  std::vector<std::uint8_t> completed;  ///< per slot: 1 when the replication finished
  std::vector<std::vector<double>> values;
  /// The model's metric blocks whose metrics are all kept; first_metric indexes `metrics`.
  std::vector<MetricBlock> blocks;
  /// Agent snapshots of the snapshotted replications, by replication then year (empty if none
  /// or not run); Snapshot::replication says whose each is.
  std::vector<Snapshot> snapshots;
  AgentTable agent_table;

  [[nodiscard]] std::size_t points() const { return static_cast<std::size_t>(time.points()); }
  [[nodiscard]] double at(std::size_t metric, std::size_t replication, std::size_t point) const {
    return values[metric][replication * points() + point];
  }
  [[nodiscard]] std::uint32_t completed_count() const;
  /// Indices of completed replications, ascending.
  [[nodiscard]] std::vector<std::uint32_t> completed_indices() const;
};

/// What of a model's output an ensemble keeps, by name; empty: everything. Snapshots keep the
/// agent id column (`<dimension>_id`, their scale) whatever the selection.
struct OutputSelection {
  std::vector<std::string> metrics;
  std::vector<std::string> snapshot_columns;
};

/// Indices of the model's metrics that `selection` keeps (all when it names none).
[[nodiscard]] std::vector<std::size_t> kept_metric_indices(const Model& model,
                                                           const OutputSelection& selection);

/// The blocks of `model` whose metrics `kept` (model metric indices, ascending) all holds, with
/// first_metric renumbered as a position in `kept`. A selection that names only some of a
/// block's metrics leaves them as plain metrics.
[[nodiscard]] std::vector<MetricBlock> kept_blocks(const Model& model,
                                                   const std::vector<std::size_t>& kept);

/// Keeps the named columns of `snapshot` and its id column `<dimension>_id` (all when `columns`
/// is empty). The first call (`checked` false) throws std::invalid_argument if a named column
/// is not among the snapshot's, then sets `checked`.
void select_snapshot_columns(Snapshot& snapshot, const std::vector<std::string>& columns,
                             const std::string& dimension, bool& checked);

/// A sink that builds the Ensemble of a one-point study with kept series. Throws
/// std::invalid_argument from the first snapshot if the selection names a column the model
/// does not snapshot (models need not declare their columns before they run).
class EnsembleBuilder final : public StudySink {
 public:
  EnsembleBuilder(const Model& model, const Study& study, const OutputSelection& selection = {});
  void accept(TaskResult& result) override;
  [[nodiscard]] Ensemble take() { return std::move(ensemble_); }

 private:
  Ensemble ensemble_;
  std::uint32_t first_replication_;
  std::vector<std::size_t> kept_metrics_;  ///< indices into the model's metrics
  std::vector<std::string> snapshot_columns_;
  bool columns_checked_ = false;
};

struct RunOptions {
  std::uint64_t seed = 1;
  std::uint32_t replications = 1;
  std::uint32_t first_replication = 0;  ///< replication ids are first_replication + slot
  int threads = 0;                      ///< 0: all available cores
  const std::atomic<bool>* cancel = nullptr;
  /// Progress counters (may be null): model steps done (replications x steps in total), and
  /// replications completed.
  std::atomic<std::uint64_t>* steps_done = nullptr;
  std::atomic<std::uint64_t>* replications_done = nullptr;
  /// Agent snapshots: at the end of these calendar years, of this replication (none if empty).
  std::vector<int> snapshot_years;
  std::uint32_t snapshot_replication = 0;
};

/// Runs every replication as one batch; returns the ensemble (completed flags tell which
/// finished when the run was cancelled).
[[nodiscard]] Ensemble run_ensemble(const Model& model, const RunOptions& options);

}  // namespace innosim::sim
