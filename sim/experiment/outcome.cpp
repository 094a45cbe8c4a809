#include "sim/experiment/outcome.hpp"

#include "sim/run/parallel.hpp"

namespace innosim::sim {

double Outcome::evaluate(const SeriesBuffer& series) const {
  const auto values = series.metric(metric);
  double value = 0.0;
  for (std::size_t point = first_point; point <= last_point; ++point) value += values[point];
  switch (target_kind) {
    case TargetKind::NONE:
      return value;
    case TargetKind::AT_LEAST:
      return value >= target ? 1.0 : 0.0;
    case TargetKind::AT_MOST:
      return value <= target ? 1.0 : 0.0;
  }
  return value;
}

bool run_outcomes(const std::vector<const Model*>& models, const std::vector<Outcome>& outcomes,
                  std::uint32_t replications, std::uint64_t seed, const std::atomic<bool>* cancel,
                  std::atomic<std::uint64_t>* tasks_done, std::vector<double>& values) {
  const std::size_t model_count = models.size();
  values.assign(outcomes.size() * model_count * replications, 0.0);
  std::atomic<bool> stopped{false};
  // One task per (model, replication): each writes its own slots, so the values never depend
  // on the order tasks finish in or on the thread count.
  parallel_for_index(model_count * replications, [&](std::size_t task) {
    const std::size_t model = task / replications;
    const auto replication = static_cast<std::uint32_t>(task % replications);
    ReplicationContext context;
    context.seed = seed;
    context.replication = replication;
    context.cancel = cancel;
    if (context.cancelled()) {
      stopped = true;
      return;
    }
    const Model& m = *models[model];
    SeriesBuffer series(m.metrics().size(), static_cast<std::size_t>(m.time_axis().points()));
    if (!m.run_replication(context, series)) {
      stopped = true;
      return;
    }
    for (std::size_t o = 0; o < outcomes.size(); ++o)
      values[(o * model_count + model) * replications + replication] = outcomes[o].evaluate(series);
    if (tasks_done != nullptr) tasks_done->fetch_add(1, std::memory_order_relaxed);
  });
  return !stopped;
}

}  // namespace innosim::sim
