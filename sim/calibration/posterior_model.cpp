#include "sim/calibration/posterior_model.hpp"

#include <algorithm>
#include <stdexcept>

#include "sim/calibration/abc_smc.hpp"
#include "sim/rng/distributions.hpp"

namespace innosim::sim {

std::vector<double> Posterior::median() const {
  std::vector<double> medians(keys.size());
  std::vector<double> column(particles());
  for (std::size_t k = 0; k < keys.size(); ++k) {
    for (std::size_t p = 0; p < particles(); ++p) column[p] = values[p * keys.size() + k];
    medians[k] = weighted_quantile(column, weights, 0.5);
  }
  return medians;
}

std::uint32_t Posterior::particle_of(std::uint64_t seed, std::uint32_t replication) const {
  const StreamKey stream(seed, PURPOSE_POSTERIOR_PARTICLE, replication, 0);
  const PhiloxBlock block = stream.block(0);
  const double u = u01_double(block[0], block[1]);
  // The first particle whose cumulative weight exceeds u (weights sum to 1 up to rounding: the
  // last particle takes what rounding leaves).
  double cumulative = 0.0;
  for (std::size_t p = 0; p + 1 < particles(); ++p) {
    cumulative += weights[p];
    if (u < cumulative) return static_cast<std::uint32_t>(p);
  }
  return static_cast<std::uint32_t>(particles() - 1);
}

PosteriorModel::PosteriorModel(std::shared_ptr<const Posterior> posterior, Factory model_for)
    : posterior_(std::move(posterior)), model_for_(std::move(model_for)) {
  if (posterior_ == nullptr || posterior_->particles() == 0)
    throw std::invalid_argument("a posterior without particles");
  models_.resize(posterior_->particles());
  base_ = model_of(0);
  metrics_ = base_->metrics();
  metrics_.push_back({"posterior_particle", "index",
                      "the posterior particle whose parameter values this replication used "
                      "(its row in the calibration's last generation)",
                      MetricKind::STOCK});
}

std::shared_ptr<const Model> PosteriorModel::model_of(std::uint32_t particle) const {
  {
    const std::lock_guard lock(mutex_);
    if (models_[particle] != nullptr) return models_[particle];
  }
  // Built outside the lock (a city model takes milliseconds); a race builds it twice and keeps
  // the first: both are the same model.
  std::shared_ptr<const Model> built = model_for_(posterior_->particle(particle));
  const std::lock_guard lock(mutex_);
  if (models_[particle] == nullptr) models_[particle] = std::move(built);
  return models_[particle];
}

bool PosteriorModel::run_replication(const ReplicationContext& context, SeriesBuffer& out) const {
  const std::uint32_t particle = posterior_->particle_of(context.seed, context.replication);
  if (!model_of(particle)->run_replication(context, out)) return false;
  const std::size_t last = metrics_.size() - 1;
  for (int point = 0; point < time_axis().points(); ++point)
    out.at(last, static_cast<std::size_t>(point)) = static_cast<double>(particle);
  return true;
}

}  // namespace innosim::sim
