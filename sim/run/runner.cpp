#include "sim/run/runner.hpp"

#include <algorithm>

#include "sim/run/parallel.hpp"

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

Ensemble run_ensemble(const Model& model, const RunOptions& options) {
  Ensemble ensemble;
  ensemble.metrics = model.metrics();
  ensemble.time = model.time_axis();
  ensemble.replications = options.replications;
  ensemble.completed.assign(options.replications, 0);
  const std::size_t points = ensemble.points();
  ensemble.values.assign(ensemble.metrics.size(),
                         std::vector<double>(options.replications * points, 0.0));

  std::vector<Snapshot> snapshots;  // written by that one replication's task only

  const ThreadLimit thread_limit(options.threads);
  parallel_for_index(options.replications, [&](std::size_t index) {
    const auto slot = static_cast<std::uint32_t>(index);
    ReplicationContext context;
    context.seed = options.seed;
    context.replication = options.first_replication + slot;
    context.cancel = options.cancel;
    context.steps_done = options.steps_done;
    if (!options.snapshot_years.empty() && options.snapshot_replication == context.replication) {
      context.snapshots = &snapshots;
      context.snapshot_years = options.snapshot_years;
    }
    if (context.cancelled()) return;
    SeriesBuffer buffer(ensemble.metrics.size(), points);
    if (!model.run_replication(context, buffer)) return;
    for (std::size_t metric = 0; metric < ensemble.metrics.size(); ++metric) {
      const auto series = buffer.metric(metric);
      std::copy(series.begin(), series.end(),
                ensemble.values[metric].begin() + static_cast<std::ptrdiff_t>(slot * points));
    }
    ensemble.completed[slot] = 1;
    if (options.replications_done != nullptr) options.replications_done->fetch_add(1);
  });
  ensemble.snapshots = std::move(snapshots);
  ensemble.snapshot_replication = options.snapshot_replication;
  ensemble.agent_table = model.agent_table();
  return ensemble;
}

}  // namespace innosim::sim
