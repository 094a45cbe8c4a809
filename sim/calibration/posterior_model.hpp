// Runs that carry a calibration's parameter uncertainty: replication r of a PosteriorModel
// draws one particle of the posterior, with probability its weight, and runs the model built
// with that particle's parameter values. Target probabilities over replications then include
// parameter uncertainty. The draw is a Philox draw keyed by (seed, replication) only, so it is
// the same whatever the thread count, the batch or the design point (a sweep's points share
// their replications' particles: common random numbers for parameters too).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <vector>

#include "sim/rng/stream.hpp"
#include "sim/run/model.hpp"

namespace innosim::sim {

/// A weighted sample of parameter vectors: a calibration's last generation.
struct Posterior {
  std::string source;             ///< where it was read from (messages, provenance)
  std::vector<std::string> keys;  ///< the scenario keys of the parameters
  std::vector<double> values;     ///< [particle][key]
  std::vector<double> weights;    ///< normalised

  [[nodiscard]] std::size_t particles() const { return weights.size(); }
  [[nodiscard]] std::span<const double> particle(std::size_t index) const {
    return {values.data() + index * keys.size(), keys.size()};
  }
  /// Each parameter's weighted median.
  [[nodiscard]] std::vector<double> median() const;
  /// The particle replication `replication` of a run with `seed` uses.
  [[nodiscard]] std::uint32_t particle_of(std::uint64_t seed, std::uint32_t replication) const;
};

/// The stream purpose of the particle draw; above every model's purposes, so that it is
/// independent of every draw a model makes.
inline constexpr StreamPurpose PURPOSE_POSTERIOR_PARTICLE = 250;

class PosteriorModel final : public Model {
 public:
  /// `model_for` builds the model of a particle's parameter values (called once per particle
  /// used, possibly concurrently); `base` is that of any particle (the metrics and time axis).
  using Factory = std::function<std::shared_ptr<const Model>(std::span<const double> values)>;
  PosteriorModel(std::shared_ptr<const Posterior> posterior, Factory model_for);

  [[nodiscard]] const std::vector<MetricInfo>& metrics() const override { return metrics_; }
  [[nodiscard]] std::vector<MetricBlock> metric_blocks() const override {
    return base_->metric_blocks();
  }
  [[nodiscard]] TimeAxis time_axis() const override { return base_->time_axis(); }
  [[nodiscard]] AgentTable agent_table() const override { return base_->agent_table(); }
  [[nodiscard]] std::vector<std::string> snapshot_columns() const override {
    return base_->snapshot_columns();
  }
  /// Runs the drawn particle's model; the last metric, posterior_particle, records the
  /// particle's index at every point.
  bool run_replication(const ReplicationContext& context, SeriesBuffer& out) const override;

 private:
  std::shared_ptr<const Model> model_of(std::uint32_t particle) const;

  std::shared_ptr<const Posterior> posterior_;
  Factory model_for_;
  std::shared_ptr<const Model> base_;
  std::vector<MetricInfo> metrics_;
  mutable std::mutex mutex_;  // guards models_ (built on first use)
  mutable std::vector<std::shared_ptr<const Model>> models_;
};

}  // namespace innosim::sim
