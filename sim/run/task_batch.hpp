// A batch of a study's tasks [begin, end): their models, their results until a sink has them,
// and (for the MPI back-end) their results as a flat message. Shared by the threaded runner,
// which runs one batch at a time, and the rank farm, which runs batches on every rank.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "sim/run/study.hpp"

namespace innosim::sim {

class TaskBatch {
 public:
  TaskBatch(const Study& study, std::uint64_t begin, std::uint64_t end);

  /// Builds the batch's models; `held` is reused for its point (a point split across batches).
  void build_models(TaskExecutor& executor, std::size_t held_point,
                    const std::shared_ptr<const Model>& held);
  /// Runs task begin + i; false if it was cancelled.
  bool run_task(std::size_t i, const StudyControl& control);
  /// Every task of the batch on `executor`; false if any was cancelled.
  bool run(TaskExecutor& executor, const StudyControl& control);
  /// Hands the finished tasks to the sink in task order.
  void deliver(StudySink& sink);

  /// The finished tasks' results as a message (ids, outcomes, series, snapshots).
  [[nodiscard]] std::vector<std::uint8_t> pack() const;
  /// A batch of results only (no models), as pack() wrote them.
  static std::unique_ptr<TaskBatch> unpack(const Study& study, std::uint64_t begin,
                                           std::uint64_t end, std::span<const std::uint8_t> bytes);

  [[nodiscard]] std::uint64_t begin() const { return begin_; }
  [[nodiscard]] std::uint64_t end() const { return begin_ + results_.size(); }
  [[nodiscard]] std::size_t size() const { return results_.size(); }
  [[nodiscard]] std::size_t finished() const;
  [[nodiscard]] std::size_t last_point() const { return first_point_ + models_.size() - 1; }
  [[nodiscard]] const std::shared_ptr<const Model>& last_model() const { return models_.back(); }

 private:
  const Study& study_;
  std::uint64_t begin_;
  std::size_t first_point_;
  std::vector<std::shared_ptr<const Model>> models_;
  std::vector<TaskResult> results_;
  std::vector<double> outcome_values_;
  std::vector<std::uint8_t> finished_;  // written by each task's own slot only
};

/// One past the last task of the batch that starts at `begin` and should hold about
/// `batch_tasks` tasks: whole points when a point's replications fit in the batch.
/// Sets the point, replication index and replication id of task `task` (point-major).
void identify_task(const Study& study, std::uint64_t task, TaskResult& result);

std::uint64_t batch_end(std::uint64_t begin, std::uint64_t batch_tasks, std::uint32_t replications,
                        std::uint64_t total);

}  // namespace innosim::sim
