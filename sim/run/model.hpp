// The engine's view of a model: a set of metrics recorded on a time axis, and a function that
// runs one replication. Everything a replication draws comes from identity-keyed streams
// (sim/rng/stream.hpp), so the engine may run replications in any order on any thread.
// The engine knows agents and rows, not what the agents are: a model names its agent table
// (AgentTable) for snapshots.
#pragma once

#include <atomic>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

namespace innosim::sim {

/// A stock is a state at a time point (read at the end of a year); a flow is an amount during
/// the step that ends at the point (summed over a year's steps).
enum class MetricKind : std::uint8_t { STOCK, FLOW };

struct MetricInfo {
  std::string name;         ///< e.g. "firms_high_tech"; the dataset name in /series
  std::string unit;         ///< e.g. "firms", "firms/step"
  std::string description;  ///< one sentence for people and for the HDF5 attribute
  MetricKind kind = MetricKind::STOCK;

  [[nodiscard]] bool flow() const { return kind == MetricKind::FLOW; }
};

/// Consecutive metrics that form one array per replication: rows x columns metrics from
/// `first_metric` on, row-major (metric first_metric + row * columns + column). They are recorded
/// like any metric (the SeriesBuffer, sweep outcomes), but results files write them as one
/// dataset /<name> [replication, time, row_dimension, column_dimension] whose last two dimension
/// scales hold the labels, instead of one /series dataset each (e.g. a model's money flows by
/// payer and recipient). The engine knows only the shape and the labels.
struct MetricBlock {
  std::string name;         ///< dataset name at the file's root, e.g. "flows"
  std::string unit;         ///< e.g. "yuan/step"
  std::string description;  ///< one sentence
  std::string row_dimension;
  std::vector<std::string> row_labels;
  std::string column_dimension;
  std::vector<std::string> column_labels;
  std::size_t first_metric = 0;

  [[nodiscard]] std::size_t size() const { return row_labels.size() * column_labels.size(); }
  [[nodiscard]] bool contains(std::size_t metric) const {
    return metric >= first_metric && metric < first_metric + size();
  }
};

/// Recorded points: point 0 is the initial state at the start of `start_year` (January 1st);
/// point k is the state after k steps of `step_months` months each.
struct TimeAxis {
  int start_year = 2022;
  int step_months = 1;
  int steps = 0;

  [[nodiscard]] int points() const { return steps + 1; }
  [[nodiscard]] double decimal_year(int point) const {
    return start_year + static_cast<double>(point) * step_months / 12.0;
  }
};

/// One replication's recorded series: metrics x time points, preallocated.
class SeriesBuffer {
 public:
  SeriesBuffer(std::size_t metric_count, std::size_t point_count)
      : values_(metric_count * point_count, 0.0), point_count_(point_count) {}
  double& at(std::size_t metric, std::size_t point) {
    return values_[metric * point_count_ + point];
  }
  [[nodiscard]] std::span<const double> metric(std::size_t index) const {
    return {values_.data() + index * point_count_, point_count_};
  }
  /// Every value, metric-major (for sending a replication's series to another process).
  [[nodiscard]] std::span<const double> values() const { return values_; }
  [[nodiscard]] std::size_t point_count() const { return point_count_; }
  /// The series of `values` (metric-major, `point_count` points per metric).
  SeriesBuffer(std::vector<double> values, std::size_t point_count)
      : values_(std::move(values)), point_count_(point_count) {}

 private:
  std::vector<double> values_;
  std::size_t point_count_;
};

/// One column of an agent snapshot (one value per agent alive at the snapshot).
struct SnapshotColumn {
  std::string name;
  std::string unit;
  std::string description;
  bool integer = false;  ///< written as 64-bit integers (ids, counts, codes) rather than reals
  std::vector<double> values;
};

/// Every alive agent's state at the end of calendar year `year` (time year + 1.0): one row
/// per agent.
struct Snapshot {
  int year = 0;
  std::vector<SnapshotColumn> columns;
  std::uint32_t replication = 0;  ///< set by the engine, not the model
  /// Another table than the agents' (e.g. a network's edge lists): written under /<group>/
  /// (<year>/<table>/ within it) over the dimension `dimension`, whose scale is the column
  /// `dimension` + "_id". Empty: the model's AgentTable, /<agents>/<year>/.
  std::string group;
  std::string table;
  std::string dimension;
};

/// How a model's agents appear in snapshots: /<group>/<year>/<column>, over the dimension
/// `dimension`, whose scale is the column named `dimension` + "_id" (e.g. firms, firm, firm_id).
struct AgentTable {
  std::string group = "agents";
  std::string dimension = "agent";
};

/// What a replication needs from the engine besides the model's own parameters.
struct ReplicationContext {
  std::uint64_t seed = 0;
  std::uint32_t replication = 0;
  /// Set by the engine when the run is interrupted; models check it once per step.
  const std::atomic<bool>* cancel = nullptr;
  /// Models add 1 per completed step (for progress reporting); may be null.
  std::atomic<std::uint64_t>* steps_done = nullptr;
  /// Non-null for a replication whose agents are snapshotted: the model appends a Snapshot
  /// at the end of each calendar year listed in snapshot_years (the year before start_year
  /// is the initial state).
  std::vector<Snapshot>* snapshots = nullptr;
  std::span<const int> snapshot_years;

  [[nodiscard]] bool cancelled() const {
    return cancel != nullptr && cancel->load(std::memory_order_relaxed);
  }
  void step_completed() const {
    if (steps_done != nullptr) steps_done->fetch_add(1, std::memory_order_relaxed);
  }
};

class Model {
 public:
  virtual ~Model() = default;
  [[nodiscard]] virtual const std::vector<MetricInfo>& metrics() const = 0;
  /// Groups of metrics written as one array each (none by default).
  [[nodiscard]] virtual std::vector<MetricBlock> metric_blocks() const { return {}; }
  [[nodiscard]] virtual TimeAxis time_axis() const = 0;
  /// Runs one replication into `out` (metrics() x time_axis().points()).
  /// Returns false if it stopped early because the context was cancelled.
  virtual bool run_replication(const ReplicationContext& context, SeriesBuffer& out) const = 0;
  /// Names of the agent table in snapshots.
  [[nodiscard]] virtual AgentTable agent_table() const { return {}; }
  /// Names of the columns its snapshots have, so that a scenario's output.snapshot_columns can
  /// be checked before anything runs; empty: not declared (checked at the first snapshot).
  [[nodiscard]] virtual std::vector<std::string> snapshot_columns() const { return {}; }
};

}  // namespace innosim::sim
