// Monte Carlo runner: replications are independent TBB tasks; each writes into its own slot of
// a preallocated ensemble, so the result never depends on completion order or thread count.
#pragma once

#include <atomic>
#include <cstdint>
#include <vector>

#include "sim/run/model.hpp"

namespace innosim::sim {

/// Results of all replications: values[metric][replication][point], contiguous per metric
/// (the [replication, time] layout of /series/<metric>).
struct Ensemble {
  std::vector<MetricInfo> metrics;
  TimeAxis time;
  std::uint32_t replications = 0;       ///< slots
  std::vector<std::uint8_t> completed;  ///< per slot: 1 when the replication finished
  std::vector<std::vector<double>> values;
  /// Agent snapshots of the snapshot replication (empty if none or not run).
  std::vector<Snapshot> snapshots;
  std::uint32_t snapshot_replication = 0;  ///< the replication they belong to
  AgentTable agent_table;

  [[nodiscard]] std::size_t points() const { return static_cast<std::size_t>(time.points()); }
  [[nodiscard]] double at(std::size_t metric, std::size_t replication, std::size_t point) const {
    return values[metric][replication * points() + point];
  }
  [[nodiscard]] std::uint32_t completed_count() const;
  /// Indices of completed replications, ascending.
  [[nodiscard]] std::vector<std::uint32_t> completed_indices() const;
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

/// Runs every replication; returns the ensemble (completed flags tell which finished when
/// the run was cancelled).
[[nodiscard]] Ensemble run_ensemble(const Model& model, const RunOptions& options);

}  // namespace innosim::sim
