#include "sim/run/study.hpp"

#include <algorithm>
#include <chrono>
#include <limits>

namespace innosim::sim {

namespace {

/// One past the last task of the batch that starts at `begin`: whole points when a point's
/// replications fit in the batch.
std::uint64_t batch_end(std::uint64_t begin, std::uint64_t batch_tasks, std::uint32_t replications,
                        std::uint64_t total) {
  std::uint64_t end = begin + std::max<std::uint64_t>(1, batch_tasks);
  if (replications <= batch_tasks) {
    const std::uint64_t aligned = end / replications * replications;
    if (aligned > begin) end = aligned;
  }
  return std::min(end, total);
}

/// The tasks [begin, end) of a study: their models, and their results until the sink has them.
class Batch {
 public:
  Batch(const Study& study, std::uint64_t begin, std::uint64_t end)
      : study_(study),
        begin_(begin),
        first_point_(static_cast<std::size_t>(begin / study.replications)),
        models_(static_cast<std::size_t>((end - 1) / study.replications) - first_point_ + 1),
        results_(static_cast<std::size_t>(end - begin)),
        outcome_values_(results_.size() * study.outcomes.size()),
        finished_(results_.size(), 0) {}

  /// Builds the batch's models; `held` is reused for its point (a point split across batches).
  void build_models(TaskExecutor& executor, std::size_t held_point,
                    const std::shared_ptr<const Model>& held) {
    executor.run(models_.size(), [&](std::size_t i) {
      const std::size_t point = first_point_ + i;
      models_[i] = point == held_point ? held : study_.model_at(point);
    });
  }

  /// Runs task begin + i; false if it was cancelled.
  bool run_task(std::size_t i, const StudyControl& control) {
    const std::uint64_t task = begin_ + i;
    TaskResult& result = results_[i];
    result.point = static_cast<std::size_t>(task / study_.replications);
    result.replication_index = static_cast<std::uint32_t>(task % study_.replications);
    result.replication = study_.first_replication + result.replication_index;
    if (study_.independent_points)
      result.replication += static_cast<std::uint32_t>(result.point) * study_.replications;
    ReplicationContext context;
    context.seed = study_.seed;
    context.replication = result.replication;
    context.cancel = control.cancel;
    context.steps_done = control.steps_done;
    if (!study_.snapshot_years.empty() &&
        std::find(study_.snapshot_replications.begin(), study_.snapshot_replications.end(),
                  result.replication) != study_.snapshot_replications.end()) {
      context.snapshots = &result.snapshots;
      context.snapshot_years = study_.snapshot_years;
    }
    if (context.cancelled()) return false;
    const Model& model = *models_[result.point - first_point_];
    SeriesBuffer series(model.metrics().size(),
                        static_cast<std::size_t>(model.time_axis().points()));
    if (!model.run_replication(context, series)) return false;
    const std::size_t outcome_count = study_.outcomes.size();
    double* outcomes = outcome_values_.data() + i * outcome_count;
    for (std::size_t o = 0; o < outcome_count; ++o)
      outcomes[o] = study_.outcomes[o].evaluate(series);
    result.outcomes = {outcomes, outcome_count};
    if (study_.keep_series) result.series.emplace(std::move(series));
    for (Snapshot& snapshot : result.snapshots) snapshot.replication = result.replication;
    finished_[i] = 1;
    if (control.tasks_done != nullptr) control.tasks_done->fetch_add(1, std::memory_order_relaxed);
    return true;
  }

  /// Hands the finished tasks to the sink in task order.
  void deliver(StudySink& sink) {
    for (std::size_t i = 0; i < results_.size(); ++i) {
      if (finished_[i]) sink.accept(results_[i]);
    }
  }

  [[nodiscard]] std::size_t last_point() const { return first_point_ + models_.size() - 1; }
  [[nodiscard]] const std::shared_ptr<const Model>& last_model() const { return models_.back(); }
  [[nodiscard]] std::size_t size() const { return results_.size(); }

 private:
  const Study& study_;
  std::uint64_t begin_;
  std::size_t first_point_;
  std::vector<std::shared_ptr<const Model>> models_;
  std::vector<TaskResult> results_;
  std::vector<double> outcome_values_;
  std::vector<std::uint8_t> finished_;  // written by each task's own slot only
};

}  // namespace

bool run_study(const Study& study, StudySink& sink, TaskExecutor& executor,
               const StudyControl& control) {
  const std::uint64_t total = study.tasks();
  std::uint64_t batch_tasks = control.batches.first_tasks;
  std::size_t held_point = std::numeric_limits<std::size_t>::max();
  std::shared_ptr<const Model> held_model;
  for (std::uint64_t begin = 0; begin < total;) {
    const auto started = std::chrono::steady_clock::now();
    const std::uint64_t end = batch_end(begin, batch_tasks, study.replications, total);
    Batch batch(study, begin, end);
    batch.build_models(executor, held_point, held_model);
    std::atomic<bool> stopped{false};
    executor.run(batch.size(), [&](std::size_t i) {
      if (!batch.run_task(i, control)) stopped.store(true, std::memory_order_relaxed);
    });
    batch.deliver(sink);
    sink.end_batch(!stopped.load());
    if (stopped.load()) return false;
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
