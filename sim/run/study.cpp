#include "sim/run/study.hpp"

#include <algorithm>
#include <chrono>
#include <limits>

#include "sim/run/cluster.hpp"
#include "sim/run/rank_farm.hpp"
#include "sim/run/task_batch.hpp"

namespace innosim::sim {

bool run_study(const Study& study, StudySink& sink, TaskExecutor& executor,
               const StudyControl& control) {
  if (cluster_size() > 1) return run_study_on_ranks(study, sink, executor, control);
  const std::uint64_t total = study.tasks();
  std::uint64_t batch_tasks = control.batches.first_tasks;
  std::size_t held_point = std::numeric_limits<std::size_t>::max();
  std::shared_ptr<const Model> held_model;
  for (std::uint64_t begin = 0; begin < total;) {
    const auto started = std::chrono::steady_clock::now();
    const std::uint64_t end = batch_end(begin, batch_tasks, study.replications, total);
    TaskBatch batch(study, begin, end);
    batch.build_models(executor, held_point, held_model);
    const bool complete = batch.run(executor, control);
    batch.deliver(sink);
    sink.end_batch(complete);
    if (!complete) return false;
    held_point = batch.last_point();
    held_model = batch.last_model();
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    if (seconds < control.batches.target_seconds / 2)
      batch_tasks = std::min(control.batches.max_tasks, 2 * batch_tasks);
    begin = end;
  }
  return true;
}

void FarmReport::add(const FarmReport& other) {
  if (tasks_by_rank.size() < other.tasks_by_rank.size())
    tasks_by_rank.resize(other.tasks_by_rank.size(), 0);
  for (std::size_t rank = 0; rank < other.tasks_by_rank.size(); ++rank)
    tasks_by_rank[rank] += other.tasks_by_rank[rank];
  chunks += other.chunks;
  bytes_received += other.bytes_received;
  serving_seconds += other.serving_seconds;
  delivering_seconds += other.delivering_seconds;
  seconds += other.seconds;
  studies += other.studies;
}

OutcomeTable::OutcomeTable(const Study& study)
    : points_(study.points),
      replications_(study.replications),
      first_replication_(study.first_replication),
      values_(study.outcomes.size() * study.tasks(), 0.0) {}

void OutcomeTable::accept(TaskResult& result) {
  const std::uint32_t r = result.replication_index;
  for (std::size_t o = 0; o < result.outcomes.size(); ++o)
    values_[(o * points_ + result.point) * replications_ + r] = result.outcomes[o];
}

}  // namespace innosim::sim
