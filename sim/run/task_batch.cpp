#include "sim/run/task_batch.hpp"

#include <algorithm>
#include <atomic>
#include <stdexcept>

#include "sim/run/byte_buffer.hpp"

namespace innosim::sim {

std::uint64_t batch_end(std::uint64_t begin, std::uint64_t batch_tasks, std::uint32_t replications,
                        std::uint64_t total) {
  std::uint64_t end = begin + std::max<std::uint64_t>(1, batch_tasks);
  if (replications <= batch_tasks) {
    const std::uint64_t aligned = end / replications * replications;
    if (aligned > begin) end = aligned;
  }
  return std::min(end, total);
}

void identify_task(const Study& study, std::uint64_t task, TaskResult& result) {
  result.point = static_cast<std::size_t>(task / study.replications);
  result.replication_index = static_cast<std::uint32_t>(task % study.replications);
  result.replication = study.first_replication + result.replication_index;
  if (study.independent_points)
    result.replication += static_cast<std::uint32_t>(result.point) * study.replications;
}

TaskBatch::TaskBatch(const Study& study, std::uint64_t begin, std::uint64_t end)
    : study_(study),
      begin_(begin),
      first_point_(static_cast<std::size_t>(begin / study.replications)),
      models_(static_cast<std::size_t>((end - 1) / study.replications) - first_point_ + 1),
      results_(static_cast<std::size_t>(end - begin)),
      outcome_values_(results_.size() * study.outcomes.size()),
      finished_(results_.size(), 0) {}

void TaskBatch::build_models(TaskExecutor& executor, std::size_t held_point,
                             const std::shared_ptr<const Model>& held) {
  executor.run(models_.size(), [&](std::size_t i) {
    const std::size_t point = first_point_ + i;
    models_[i] = point == held_point ? held : study_.model_at(point);
  });
}

bool TaskBatch::run_task(std::size_t i, const StudyControl& control) {
  TaskResult& result = results_[i];
  identify_task(study_, begin_ + i, result);
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
  SeriesBuffer series(model.metrics().size(), static_cast<std::size_t>(model.time_axis().points()));
  if (!model.run_replication(context, series)) return false;
  const std::size_t outcome_count = study_.outcomes.size();
  double* outcomes = outcome_values_.data() + i * outcome_count;
  for (std::size_t o = 0; o < outcome_count; ++o) outcomes[o] = study_.outcomes[o].evaluate(series);
  result.outcomes = {outcomes, outcome_count};
  if (study_.keep_series) result.series.emplace(std::move(series));
  for (Snapshot& snapshot : result.snapshots) snapshot.replication = result.replication;
  finished_[i] = 1;
  if (control.tasks_done != nullptr) control.tasks_done->fetch_add(1, std::memory_order_relaxed);
  return true;
}

bool TaskBatch::run(TaskExecutor& executor, const StudyControl& control) {
  std::atomic<bool> stopped{false};
  executor.run(size(), [&](std::size_t i) {
    if (!run_task(i, control)) stopped.store(true, std::memory_order_relaxed);
  });
  return !stopped.load();
}

void TaskBatch::deliver(StudySink& sink) {
  for (std::size_t i = 0; i < results_.size(); ++i) {
    if (finished_[i]) sink.accept(results_[i]);
  }
}

std::size_t TaskBatch::finished() const {
  return static_cast<std::size_t>(std::count(finished_.begin(), finished_.end(), 1));
}

std::vector<std::uint8_t> TaskBatch::pack() const {
  ByteWriter out;
  out.put_array(std::span<const std::uint8_t>(finished_));
  for (std::size_t i = 0; i < results_.size(); ++i) {
    if (!finished_[i]) continue;
    const TaskResult& result = results_[i];
    out.put_array(result.outcomes);
    out.put<std::uint8_t>(result.series ? 1 : 0);
    if (result.series) {
      out.put<std::uint64_t>(result.series->point_count());
      out.put_array(result.series->values());
    }
    out.put<std::uint64_t>(result.snapshots.size());
    for (const Snapshot& snapshot : result.snapshots) {
      out.put<std::int32_t>(snapshot.year);
      out.put_string(snapshot.group);
      out.put_string(snapshot.table);
      out.put_string(snapshot.dimension);
      out.put<std::uint64_t>(snapshot.columns.size());
      for (const SnapshotColumn& column : snapshot.columns) {
        out.put_string(column.name);
        out.put_string(column.unit);
        out.put_string(column.description);
        out.put<std::uint8_t>(column.integer ? 1 : 0);
        out.put_array(std::span<const double>(column.values));
      }
    }
  }
  return std::move(out.bytes());
}

std::unique_ptr<TaskBatch> TaskBatch::unpack(const Study& study, std::uint64_t begin,
                                             std::uint64_t end,
                                             std::span<const std::uint8_t> bytes) {
  auto batch = std::make_unique<TaskBatch>(study, begin, end);
  ByteReader in(bytes);
  batch->finished_ = in.get_array<std::uint8_t>();
  if (batch->finished_.size() != batch->results_.size())
    throw std::length_error("a rank's results do not match the tasks it was given");
  const std::size_t outcome_count = study.outcomes.size();
  for (std::size_t i = 0; i < batch->results_.size(); ++i) {
    TaskResult& result = batch->results_[i];
    identify_task(study, begin + i, result);
    if (!batch->finished_[i]) continue;
    const std::vector<double> outcomes = in.get_array<double>();
    if (outcomes.size() != outcome_count)
      throw std::length_error("a rank's results do not match the study's outcomes");
    double* stored = batch->outcome_values_.data() + i * outcome_count;
    std::copy(outcomes.begin(), outcomes.end(), stored);
    result.outcomes = {stored, outcome_count};
    if (in.get<std::uint8_t>() != 0) {
      const auto points = static_cast<std::size_t>(in.get<std::uint64_t>());
      result.series.emplace(in.get_array<double>(), points);
    }
    result.snapshots.resize(static_cast<std::size_t>(in.get<std::uint64_t>()));
    for (Snapshot& snapshot : result.snapshots) {
      snapshot.year = in.get<std::int32_t>();
      snapshot.replication = result.replication;
      snapshot.group = in.get_string();
      snapshot.table = in.get_string();
      snapshot.dimension = in.get_string();
      snapshot.columns.resize(static_cast<std::size_t>(in.get<std::uint64_t>()));
      for (SnapshotColumn& column : snapshot.columns) {
        column.name = in.get_string();
        column.unit = in.get_string();
        column.description = in.get_string();
        column.integer = in.get<std::uint8_t>() != 0;
        column.values = in.get_array<double>();
      }
    }
  }
  if (!in.done()) throw std::length_error("a rank's results are longer than its tasks'");
  return batch;
}

}  // namespace innosim::sim
