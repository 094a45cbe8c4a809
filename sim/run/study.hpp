// A study: design points x replications, each task (point, replication) one replication of the
// point's model. This is the engine's one replication loop: `innosim run` is a study of one point
// that keeps every series, `innosim sweep` a study of many points reduced to outcomes.
//
// What runs (Study) is apart from how it runs (TaskExecutor: threads; under an MPI launcher the
// tasks are shared among ranks as well, sim/run/rank_farm.hpp) and from where results go
// (StudySink: an ensemble in memory, a file, ...). Tasks run in batches; the sink receives each
// batch's finished tasks in task order (point-major, then replication), never in completion order,
// so what it builds never depends on the thread count. Replication r of every point uses the same
// random streams (common random numbers): tasks differ only in their model.
#pragma once

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <vector>

#include "sim/experiment/outcome.hpp"
#include "sim/run/model.hpp"
#include "sim/run/parallel.hpp"

namespace innosim::sim {

/// Builds the model of design point `point` (0 <= point < Study::points). Called once per point
/// (a point whose replications span several batches keeps its model), possibly concurrently.
using ModelFactory = std::function<std::shared_ptr<const Model>(std::size_t point)>;

struct Study {
  std::size_t points = 1;
  ModelFactory model_at;
  std::uint32_t replications = 1;
  std::uint32_t first_replication = 0;  ///< replication ids are first_replication + r
  /// false: every point's replication r uses the same streams (common random numbers, for
  /// comparing points); true: task (point, r) uses replication id first_replication +
  /// point x replications + r, so that points are independent draws (a calibration's
  /// candidates must not share their noise).
  bool independent_points = false;
  std::uint64_t seed = 1;
  /// Reduced from each task's series (TaskResult::outcomes).
  std::vector<Outcome> outcomes;
  /// Whether each task's full series reach the sink (TaskResult::series).
  bool keep_series = false;
  /// Agent snapshots at the end of these calendar years, of these replication ids.
  std::vector<int> snapshot_years;
  std::vector<std::uint32_t> snapshot_replications;
  /// On several MPI ranks only rank 0's sink receives results. true: every rank's sink also
  /// receives every task's outcomes (no series or snapshots) when the study ends, for callers
  /// whose next step depends on them (a calibration's next generation).
  bool outcomes_on_every_rank = false;

  [[nodiscard]] std::uint64_t tasks() const { return std::uint64_t{points} * replications; }
};

/// What one finished task hands to the sink.
struct TaskResult {
  std::size_t point = 0;
  std::uint32_t replication = 0;        ///< the replication id
  std::uint32_t replication_index = 0;  ///< r: the task's replication within its point
  std::optional<SeriesBuffer> series;   ///< when Study::keep_series
  std::span<const double> outcomes;     ///< one per Study::outcomes (valid during accept)
  std::vector<Snapshot> snapshots;      ///< when the replication is snapshotted
};

/// Receives results on the thread that called run_study, one call at a time.
class StudySink {
 public:
  virtual ~StudySink() = default;
  /// A finished task; within a batch in task order. A cancelled batch delivers the tasks that
  /// finished, still in order (with gaps).
  virtual void accept(TaskResult& result) = 0;
  /// After the tasks of a batch; `complete` is false when the batch was cancelled.
  virtual void end_batch(bool /*complete*/) {}
};

/// Drops every result: the sink of an MPI worker rank, whose results go to rank 0's.
class DiscardSink final : public StudySink {
 public:
  void accept(TaskResult& /*result*/) override {}
};

/// Runs the tasks of one batch: task(i) for every i in [0, count), in any order and on any
/// thread, returning when all are done.
class TaskExecutor {
 public:
  virtual ~TaskExecutor() = default;
  virtual void run(std::size_t count, const std::function<void(std::size_t)>& task) = 0;
};

/// Tasks as parallel_for_index tasks (oneTBB; std::threads under ThreadSanitizer).
class ThreadExecutor final : public TaskExecutor {
 public:
  explicit ThreadExecutor(int threads = 0) : limit_(threads) {}  ///< 0: all cores
  void run(std::size_t count, const std::function<void(std::size_t)>& task) override {
    parallel_for_index(count, task);
  }

 private:
  ThreadLimit limit_;
};

/// Batch sizes: batches start small, so that an interrupted study keeps most of its work, and
/// double while a batch takes less than half the target time, up to a ceiling that bounds the
/// memory a study holds whatever its size. A batch holds whole points when a point's
/// replications fit in it.
struct BatchPolicy {
  std::uint64_t first_tasks = 64;
  std::uint64_t max_tasks = 65536;
  double target_seconds = 0.5;

  /// Every task in one batch (for sinks that keep everything anyway).
  [[nodiscard]] static BatchPolicy single(std::uint64_t tasks) {
    return {std::max<std::uint64_t>(1, tasks), std::max<std::uint64_t>(1, tasks), 0.0};
  }
};

/// How rank 0 shared a study among MPI ranks (filled on rank 0; empty on one process).
struct FarmReport {
  std::vector<std::uint64_t> tasks_by_rank;  ///< tasks each rank ran
  std::uint64_t chunks = 0;                  ///< chunks handed out
  std::uint64_t bytes_received = 0;          ///< results sent to rank 0 by the others
  double serving_seconds = 0;     ///< rank 0's main thread receiving, unpacking, replying
  double delivering_seconds = 0;  ///< rank 0's sink (e.g. writing the file)
  double seconds = 0;             ///< the studies' wall time
  std::uint64_t studies = 0;

  void add(const FarmReport& other);
};

/// How a study is watched and stopped (all optional).
struct StudyControl {
  /// Raised to stop: running tasks finish, no new ones start.
  const std::atomic<bool>* cancel = nullptr;
  /// Model steps completed (replications x steps in total), and tasks completed.
  std::atomic<std::uint64_t>* steps_done = nullptr;
  std::atomic<std::uint64_t>* tasks_done = nullptr;
  BatchPolicy batches;
  FarmReport* farm = nullptr;
};

/// Runs every task of `study` on `executor` into `sink`. Returns false if cancelled. Under an
/// MPI launcher every rank calls it with the same study (sim/run/cluster.hpp); the tasks are
/// then shared among the ranks, and rank 0's sink receives them in the same order.
bool run_study(const Study& study, StudySink& sink, TaskExecutor& executor,
               const StudyControl& control = {});

/// A sink that keeps every task's outcomes: value(outcome, point, replication r) with r counted
/// from Study::first_replication.
class OutcomeTable final : public StudySink {
 public:
  explicit OutcomeTable(const Study& study);
  void accept(TaskResult& result) override;
  [[nodiscard]] double value(std::size_t outcome, std::size_t point, std::uint32_t r) const {
    return values_[(outcome * points_ + point) * replications_ + r];
  }
  /// values[(outcome * points + point) * replications + r].
  [[nodiscard]] const std::vector<double>& values() const { return values_; }

 private:
  std::size_t points_;
  std::uint32_t replications_;
  std::uint32_t first_replication_;
  std::vector<double> values_;
};

}  // namespace innosim::sim
