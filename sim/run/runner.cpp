#include "sim/run/runner.hpp"

#include <algorithm>
#include <stdexcept>

namespace innosim::sim {

std::uint32_t Ensemble::completed_count() const {
  return static_cast<std::uint32_t>(std::count(completed.begin(), completed.end(), 1));
}

std::vector<std::uint32_t> Ensemble::completed_indices() const {
  std::vector<std::uint32_t> indices;
  for (std::uint32_t slot = 0; slot < completed.size(); ++slot) {
    if (completed[slot]) indices.push_back(slot);
  }
  return indices;
}

std::vector<std::size_t> kept_metric_indices(const Model& model, const OutputSelection& selection) {
  std::vector<std::size_t> kept;
  const std::vector<MetricInfo>& metrics = model.metrics();
  for (std::size_t metric = 0; metric < metrics.size(); ++metric) {
    const auto& names = selection.metrics;
    if (names.empty() || std::find(names.begin(), names.end(), metrics[metric].name) != names.end())
      kept.push_back(metric);
  }
  return kept;
}

std::vector<MetricBlock> kept_blocks(const Model& model, const std::vector<std::size_t>& kept) {
  std::vector<MetricBlock> blocks;
  for (MetricBlock block : model.metric_blocks()) {
    const auto first = std::find(kept.begin(), kept.end(), block.first_metric);
    if (first == kept.end() || block.size() == 0) continue;
    const auto position = static_cast<std::size_t>(first - kept.begin());
    if (position + block.size() > kept.size() ||
        kept[position + block.size() - 1] != block.first_metric + block.size() - 1)
      continue;  // kept is ascending: the block's metrics are all there only if the last is
    block.first_metric = position;
    blocks.push_back(std::move(block));
  }
  return blocks;
}

void select_snapshot_columns(Snapshot& snapshot, const std::vector<std::string>& columns,
                             const std::string& dimension, bool& checked) {
  if (columns.empty() || !snapshot.group.empty()) return;  // the selection is of agent columns
  auto is_named = [&](const SnapshotColumn& column) {
    return std::find(columns.begin(), columns.end(), column.name) != columns.end();
  };
  if (!checked) {
    for (const std::string& name : columns) {
      if (std::none_of(snapshot.columns.begin(), snapshot.columns.end(),
                       [&](const SnapshotColumn& column) { return column.name == name; })) {
        std::string known;
        for (const auto& column : snapshot.columns)
          known += (known.empty() ? "" : ", ") + column.name;
        throw std::invalid_argument("the model snapshots no column " + name +
                                    "; its columns: " + known);
      }
    }
    checked = true;
  }
  const std::string id_column = dimension + "_id";
  std::erase_if(snapshot.columns, [&](const SnapshotColumn& column) {
    return column.name != id_column && !is_named(column);
  });
}

EnsembleBuilder::EnsembleBuilder(const Model& model, const Study& study,
                                 const OutputSelection& selection)
    : first_replication_(study.first_replication),
      kept_metrics_(kept_metric_indices(model, selection)),
      snapshot_columns_(selection.snapshot_columns) {
  const std::vector<MetricInfo>& metrics = model.metrics();
  ensemble_.time = model.time_axis();
  ensemble_.agent_table = model.agent_table();
  ensemble_.replications = study.replications;
  ensemble_.completed.assign(study.replications, 0);
  for (const std::size_t metric : kept_metrics_) {
    ensemble_.metrics.push_back(metrics[metric]);
    ensemble_.values.emplace_back(std::size_t{study.replications} * ensemble_.points(), 0.0);
  }
  ensemble_.blocks = kept_blocks(model, kept_metrics_);
}

void EnsembleBuilder::accept(TaskResult& result) {
  const std::size_t slot = result.replication - first_replication_;
  const std::size_t points = ensemble_.points();
  for (std::size_t kept = 0; kept < kept_metrics_.size(); ++kept) {
    const auto series = result.series->metric(kept_metrics_[kept]);
    std::copy(series.begin(), series.end(),
              ensemble_.values[kept].begin() + static_cast<std::ptrdiff_t>(slot * points));
  }
  ensemble_.completed[slot] = 1;
  for (Snapshot& snapshot : result.snapshots) {
    select_snapshot_columns(snapshot, snapshot_columns_, ensemble_.agent_table.dimension,
                            columns_checked_);
    ensemble_.snapshots.push_back(std::move(snapshot));
  }
}

Ensemble run_ensemble(const Model& model, const RunOptions& options) {
  Study study;
  // The caller's model for the one point: a shared_ptr that does not own it.
  study.model_at = [&model](std::size_t) {
    return std::shared_ptr<const Model>(std::shared_ptr<const Model>(), &model);
  };
  study.replications = options.replications;
  study.first_replication = options.first_replication;
  study.seed = options.seed;
  study.keep_series = true;
  study.snapshot_years = options.snapshot_years;
  study.snapshot_replications = {options.snapshot_replication};
  EnsembleBuilder builder(model, study);
  ThreadExecutor executor(options.threads);
  StudyControl control;
  control.cancel = options.cancel;
  control.steps_done = options.steps_done;
  control.tasks_done = options.replications_done;
  control.batches = BatchPolicy::single(study.tasks());
  run_study(study, builder, executor, control);
  return builder.take();
}

}  // namespace innosim::sim
