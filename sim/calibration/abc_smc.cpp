#include "sim/calibration/abc_smc.hpp"

#include <Eigen/Cholesky>
#include <Eigen/Core>
#include <algorithm>
#include <boost/math/distributions/normal.hpp>
#include <chrono>
#include <cmath>
#include <numeric>
#include <sstream>
#include <stdexcept>

#include "sim/rng/distributions.hpp"
#include "sim/rng/stream.hpp"

namespace innosim::sim {

namespace {

// Distinct from every model's purposes and from the experiment design's (200, 201).
constexpr StreamPurpose PURPOSE_ABC_PRIOR = 210;     ///< generation 0: a prior draw per candidate
constexpr StreamPurpose PURPOSE_ABC_ANCESTOR = 211;  ///< the particle a candidate moves from
constexpr StreamPurpose PURPOSE_ABC_KERNEL = 212;    ///< the kernel's normal draws
constexpr StreamPurpose PURPOSE_ABC_RESAMPLE = 213;  ///< resample_indices

/// Proposals outside the prior's support are redrawn (not simulated) at most this many times:
/// with a kernel of 2x the particles' covariance a proposal lands inside far more often than
/// 1 in 10,000 unless the covariance is degenerate.
constexpr std::uint32_t MAX_PROPOSAL_ATTEMPTS = 10000;

/// Candidate indices within a generation are the Philox counter's agent word.
constexpr std::uint64_t MAX_CANDIDATES_PER_GENERATION = std::uint64_t{1} << 32;

using Matrix = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using Vector = Eigen::VectorXd;

std::string prior_label(const Factor& prior) {
  return "prior '" + prior.name + "' (" + prior.parameter + ")";
}

void check_prior(const Factor& prior) {
  const std::string label = prior_label(prior);
  if (prior.distribution == FactorDistribution::CHOICE)
    throw std::invalid_argument("ABC-SMC: " + label +
                                " is a choice; only continuous priors (uniform, log_uniform, "
                                "normal, triangular) can be calibrated");
  if (prior.type != ParameterType::REAL)
    throw std::invalid_argument(
        "ABC-SMC: " + label +
        " sets a parameter that is not a real number; only REAL "
        "parameters can be calibrated (the kernel moves them continuously)");
  if (prior.distribution == FactorDistribution::NORMAL) {
    if (!std::isfinite(prior.mean) || !(prior.sd > 0.0) || !std::isfinite(prior.sd))
      throw std::invalid_argument("ABC-SMC: " + label +
                                  " needs a finite mean and a positive finite sd");
    if (!(prior.low < prior.high) || std::isnan(prior.low) || std::isnan(prior.high))
      throw std::invalid_argument("ABC-SMC: " + label + " needs a truncation low < high");
    return;
  }
  if (!std::isfinite(prior.low) || !std::isfinite(prior.high) || !(prior.low < prior.high))
    throw std::invalid_argument("ABC-SMC: " + label + " needs finite bounds with low < high");
  if (prior.distribution == FactorDistribution::LOG_UNIFORM && !(prior.low > 0.0))
    throw std::invalid_argument("ABC-SMC: " + label + " is log-uniform and needs low > 0");
  if (prior.distribution == FactorDistribution::TRIANGULAR &&
      !(prior.low <= prior.mode && prior.mode <= prior.high))
    throw std::invalid_argument("ABC-SMC: " + label +
                                " is triangular and needs low <= mode <= high");
}

/// The space the kernel moves a parameter in: the log for log-uniform priors, else its units.
double to_natural(const Factor& prior, double value) {
  return prior.distribution == FactorDistribution::LOG_UNIFORM ? std::log(value) : value;
}
double from_natural(const Factor& prior, double natural) {
  if (prior.distribution != FactorDistribution::LOG_UNIFORM) return natural;
  // exp(log(x)) can round just outside the support at its ends.
  return std::clamp(std::exp(natural), prior.low, prior.high);
}
bool in_natural_support(const Factor& prior, double natural) {
  if (prior.distribution == FactorDistribution::LOG_UNIFORM)
    return natural >= std::log(prior.low) && natural <= std::log(prior.high);
  return natural >= prior.low && natural <= prior.high;
}

/// The prior density in the parameter's own units (0 outside the support).
double density_in_units(const Factor& prior, double x) {
  if (!(x >= prior.low && x <= prior.high)) return 0.0;
  switch (prior.distribution) {
    case FactorDistribution::UNIFORM:
      return 1.0 / (prior.high - prior.low);
    case FactorDistribution::LOG_UNIFORM:
      return 1.0 / (x * std::log(prior.high / prior.low));
    case FactorDistribution::TRIANGULAR: {
      const double width = prior.high - prior.low;
      if (x < prior.mode) return 2.0 * (x - prior.low) / (width * (prior.mode - prior.low));
      if (x > prior.mode) return 2.0 * (prior.high - x) / (width * (prior.high - prior.mode));
      return 2.0 / width;
    }
    case FactorDistribution::NORMAL: {
      const boost::math::normal_distribution<double> normal(prior.mean, prior.sd);
      const double lower = std::isfinite(prior.low) ? boost::math::cdf(normal, prior.low) : 0.0;
      const double upper = std::isfinite(prior.high) ? boost::math::cdf(normal, prior.high) : 1.0;
      return boost::math::pdf(normal, x) / (upper - lower);
    }
    case FactorDistribution::CHOICE:
      break;
  }
  return 0.0;
}

/// The prior density in the kernel's space: a log-uniform prior is uniform in the log.
double density_in_natural(const Factor& prior, double natural) {
  if (!in_natural_support(prior, natural)) return 0.0;
  if (prior.distribution == FactorDistribution::LOG_UNIFORM)
    return 1.0 / (std::log(prior.high) - std::log(prior.low));
  return density_in_units(prior, natural);
}

/// A width of the prior in the kernel's space, to regularise a degenerate covariance.
double natural_width(const Factor& prior) {
  if (prior.distribution == FactorDistribution::NORMAL) {
    if (std::isfinite(prior.low) && std::isfinite(prior.high))
      return std::min(prior.high - prior.low, 4.0 * prior.sd);
    return prior.sd;
  }
  return to_natural(prior, prior.high) - to_natural(prior, prior.low);
}

/// A generation's particles in the kernel's space, [particle][parameter].
Matrix natural_particles(const std::vector<Factor>& priors, const AbcGeneration& generation) {
  const std::size_t count = generation.particles();
  const std::size_t dimension = priors.size();
  Matrix natural(static_cast<Eigen::Index>(count), static_cast<Eigen::Index>(dimension));
  for (std::size_t i = 0; i < count; ++i)
    for (std::size_t p = 0; p < dimension; ++p)
      natural(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(p)) =
          to_natural(priors[p], generation.values[i * dimension + p]);
  return natural;
}

/// The perturbation kernel of one generation: N(0, kernel_scale x weighted covariance of the
/// previous generation's particles), through its lower Cholesky factor.
struct Kernel {
  Matrix lower;  ///< L with L L^T = the kernel covariance
};

Kernel make_kernel(const std::vector<Factor>& priors, const Matrix& particles,
                   const std::vector<double>& weights, double kernel_scale) {
  const Eigen::Index dimension = particles.cols();
  const Eigen::Map<const Vector> w(weights.data(), static_cast<Eigen::Index>(weights.size()));
  const Vector mean = particles.transpose() * w;
  const Matrix centred = particles.rowwise() - mean.transpose();
  // The weighted (not bias-corrected) covariance, as in Beaumont et al. (2009).
  Matrix covariance = kernel_scale * (centred.transpose() * w.asDiagonal() * centred);
  Eigen::LLT<Matrix> cholesky(covariance);
  if (cholesky.info() != Eigen::Success) {
    // Particles on a line (or all equal) in some direction: a ridge of a millionth of each
    // prior's width keeps the kernel proper without moving it noticeably.
    for (Eigen::Index p = 0; p < dimension; ++p) {
      const double width = natural_width(priors[static_cast<std::size_t>(p)]);
      covariance(p, p) += 1e-12 * width * width;
    }
    cholesky.compute(covariance);
    if (cholesky.info() != Eigen::Success)
      throw std::runtime_error(
          "ABC-SMC: the particles' weighted covariance has no Cholesky factor even after a "
          "ridge (non-finite parameter values?)");
  }
  return {cholesky.matrixL()};
}

/// Cumulative weights, for picking an ancestor by weight.
std::vector<double> cumulative(const std::vector<double>& weights) {
  std::vector<double> sums(weights.size());
  std::partial_sum(weights.begin(), weights.end(), sums.begin());
  return sums;
}

std::size_t pick_by_cumulative(const std::vector<double>& sums, double u) {
  const double target = u * sums.back();
  const auto it = std::upper_bound(sums.begin(), sums.end(), target);
  return std::min<std::size_t>(static_cast<std::size_t>(it - sums.begin()), sums.size() - 1);
}

std::uint32_t narrow_index(std::uint64_t index) { return static_cast<std::uint32_t>(index); }

}  // namespace

double AbcGeneration::effective_sample_size() const {
  double sum = 0.0;
  double sum_of_squares = 0.0;
  for (const double w : weights) {
    sum += w;
    sum_of_squares += w * w;
  }
  return sum_of_squares > 0.0 ? sum * sum / sum_of_squares : 0.0;
}

AbcSmc::AbcSmc(std::vector<Factor> priors, std::vector<AbcObservation> observations,
               AbcOptions options)
    : priors_(std::move(priors)), observations_(std::move(observations)), options_(options) {
  if (priors_.empty()) throw std::invalid_argument("ABC-SMC: no parameter to calibrate");
  for (const auto& prior : priors_) check_prior(prior);
  if (observations_.empty()) throw std::invalid_argument("ABC-SMC: no observation to fit");
  for (const auto& observation : observations_) {
    if (!std::isfinite(observation.value))
      throw std::invalid_argument("ABC-SMC: observation '" + observation.name +
                                  "' has a value that is not a finite number");
    if (!(observation.scale > 0.0) || !std::isfinite(observation.scale))
      throw std::invalid_argument("ABC-SMC: observation '" + observation.name +
                                  "' needs a scale > 0 (its uncertainty)");
  }
  const auto& o = options_;
  if (o.particles < 2)
    throw std::invalid_argument(
        "ABC-SMC: particles must be at least 2 (the kernel needs a covariance), got " +
        std::to_string(o.particles));
  if (20 * static_cast<std::uint64_t>(o.particles) >= MAX_CANDIDATES_PER_GENERATION)
    throw std::invalid_argument("ABC-SMC: particles must be below 2^32 / 20");
  if (o.replications < 1) throw std::invalid_argument("ABC-SMC: replications must be at least 1");
  if (!(o.quantile > 0.0 && o.quantile < 1.0))
    throw std::invalid_argument("ABC-SMC: quantile must lie strictly between 0 and 1, got " +
                                std::to_string(o.quantile));
  if (o.max_generations < 1)
    throw std::invalid_argument("ABC-SMC: max_generations must be at least 1");
  if (!(o.min_acceptance >= 0.0 && o.min_acceptance < 1.0))
    throw std::invalid_argument("ABC-SMC: min_acceptance must lie in [0, 1), got " +
                                std::to_string(o.min_acceptance));
  if (!(o.target_tolerance >= 0.0) || !std::isfinite(o.target_tolerance))
    throw std::invalid_argument("ABC-SMC: target_tolerance must be a finite number >= 0");
  if (!(o.kernel_scale > 0.0) || !std::isfinite(o.kernel_scale))
    throw std::invalid_argument("ABC-SMC: kernel_scale must be a finite number > 0");
}

void AbcSmc::resume(std::vector<AbcGeneration> completed) {
  std::uint64_t next_candidate = 0;
  for (std::size_t g = 0; g < completed.size(); ++g) {
    const auto& generation = completed[g];
    const std::string where = "ABC-SMC: cannot resume: generation " + std::to_string(g);
    const std::size_t n = generation.particles();
    if (generation.index != g)
      throw std::invalid_argument(where + " has index " + std::to_string(generation.index));
    if (generation.parameters != priors_.size() || generation.observations != observations_.size())
      throw std::invalid_argument(where + " has other parameters or observations than the priors");
    if (n != options_.particles || generation.values.size() != n * priors_.size() ||
        generation.distances.size() != n || generation.summaries.size() != n * observations_.size())
      throw std::invalid_argument(where + " does not hold " + std::to_string(options_.particles) +
                                  " complete particles");
    if (generation.first_candidate != next_candidate)
      throw std::invalid_argument(where + " does not follow the previous one's candidates");
    next_candidate = generation.first_candidate + generation.candidates;
  }
  generations_ = std::move(completed);
}

bool AbcSmc::finished() const { return !stop_reason().empty(); }

std::string AbcSmc::stop_reason() const {
  if (generations_.empty()) return "";
  const auto& last = generations_.back();
  std::ostringstream reason;
  if (last.acceptance_rate < options_.min_acceptance) {
    reason << "generation " << last.index << " accepted " << last.acceptance_rate
           << " of its candidates, below the minimum " << options_.min_acceptance;
  } else if (last.tolerance <= options_.target_tolerance) {
    reason << "generation " << last.index << " reached tolerance " << last.tolerance
           << ", at most the target " << options_.target_tolerance;
  } else if (generations_.size() >= options_.max_generations) {
    reason << "ran the maximum of " << options_.max_generations << " generations";
  } else if (options_.max_candidates > 0 &&
             last.first_candidate + last.candidates >= options_.max_candidates) {
    reason << "simulated " << last.first_candidate + last.candidates
           << " candidates, the maximum being " << options_.max_candidates;
  }
  return reason.str();
}

double AbcSmc::distance(std::span<const double> mean_summaries) const {
  if (mean_summaries.size() != observations_.size())
    throw std::invalid_argument("ABC-SMC: distance of " + std::to_string(mean_summaries.size()) +
                                " summaries to " + std::to_string(observations_.size()) +
                                " observations");
  double sum_of_squares = 0.0;
  for (std::size_t m = 0; m < observations_.size(); ++m) {
    const auto& observation = observations_[m];
    const double simulated = mean_summaries[m];
    // A simulation that produced no number is infinitely far from every observation.
    if (!std::isfinite(simulated)) return std::numeric_limits<double>::infinity();
    double gap = simulated - observation.value;
    if (observation.lower_bound) gap = std::min(gap, 0.0);  // only a shortfall counts
    const double scaled = gap / observation.scale;
    sum_of_squares += scaled * scaled;
  }
  return std::sqrt(sum_of_squares / static_cast<double>(observations_.size()));
}

double AbcSmc::prior_density(std::span<const double> values) const {
  if (values.size() != priors_.size())
    throw std::invalid_argument("ABC-SMC: prior density of " + std::to_string(values.size()) +
                                " values for " + std::to_string(priors_.size()) + " priors");
  double density = 1.0;
  for (std::size_t p = 0; p < priors_.size(); ++p)
    density *= density_in_units(priors_[p], values[p]);
  return density;
}

bool AbcSmc::run_generation(const AbcSimulator& simulate) {
  if (finished())
    throw std::logic_error("ABC-SMC: run_generation called after the stopping rule held (" +
                           stop_reason() + ")");
  const auto start = std::chrono::steady_clock::now();
  const std::size_t particles = options_.particles;
  const std::size_t dimension = priors_.size();
  const std::size_t observation_count = observations_.size();
  const std::uint32_t replications = options_.replications;
  const bool first = generations_.empty();
  const auto generation_index = static_cast<std::uint32_t>(generations_.size());

  AbcGeneration generation;
  generation.index = generation_index;
  generation.parameters = dimension;
  generation.observations = observation_count;
  if (!first) {
    const auto& previous = generations_.back();
    generation.first_candidate = previous.first_candidate + previous.candidates;
    generation.tolerance = weighted_quantile(
        previous.distances, std::vector<double>(previous.particles(), 1.0), options_.quantile);
  }

  // The previous generation in the kernel's space, and the kernel built from it.
  Matrix previous_natural;
  Kernel kernel;
  std::vector<double> previous_cumulative;
  if (!first) {
    const auto& previous = generations_.back();
    previous_natural = natural_particles(priors_, previous);
    kernel = make_kernel(priors_, previous_natural, previous.weights, options_.kernel_scale);
    previous_cumulative = cumulative(previous.weights);
  }

  // Candidate `index` of this generation, in the parameters' own units: a pure function of
  // (seed, generation, index), whatever batch it falls in.
  auto propose = [&](std::uint64_t index, std::span<double> out) {
    const std::uint32_t candidate = narrow_index(index);
    if (first) {
      const StreamKey stream(options_.seed, PURPOSE_ABC_PRIOR, generation_index, 0);
      for (std::size_t p = 0; p < dimension; p += 2) {
        const PhiloxBlock words = stream.block(candidate, static_cast<std::uint32_t>(p / 2));
        out[p] = std::get<double>(priors_[p].value_at(u01_double(words[0], words[1])));
        if (p + 1 < dimension)
          out[p + 1] = std::get<double>(priors_[p + 1].value_at(u01_double(words[2], words[3])));
      }
      return;
    }
    Vector normals(static_cast<Eigen::Index>(dimension));
    for (std::uint32_t attempt = 0; attempt < MAX_PROPOSAL_ATTEMPTS; ++attempt) {
      const PhiloxBlock pick =
          StreamKey(options_.seed, PURPOSE_ABC_ANCESTOR, generation_index, attempt)
              .block(candidate);
      const std::size_t ancestor =
          pick_by_cumulative(previous_cumulative, u01_double(pick[0], pick[1]));
      const StreamKey kernel_stream(options_.seed, PURPOSE_ABC_KERNEL, generation_index, attempt);
      for (std::size_t p = 0; p < dimension; p += 4) {
        const PhiloxBlock words = kernel_stream.block(candidate, static_cast<std::uint32_t>(p / 4));
        const NormalPair a = normal_pair(words[0], words[1]);
        const NormalPair b = normal_pair(words[2], words[3]);
        const float four[4] = {a.first, a.second, b.first, b.second};
        for (std::size_t k = 0; k < 4 && p + k < dimension; ++k)
          normals(static_cast<Eigen::Index>(p + k)) = static_cast<double>(four[k]);
      }
      const Vector moved = previous_natural.row(static_cast<Eigen::Index>(ancestor)).transpose() +
                           kernel.lower.triangularView<Eigen::Lower>() * normals;
      bool inside = true;
      for (std::size_t p = 0; p < dimension && inside; ++p)
        inside = in_natural_support(priors_[p], moved(static_cast<Eigen::Index>(p)));
      if (!inside) continue;
      for (std::size_t p = 0; p < dimension; ++p)
        out[p] = from_natural(priors_[p], moved(static_cast<Eigen::Index>(p)));
      return;
    }
    throw std::runtime_error("ABC-SMC: candidate " + std::to_string(index) + " of generation " +
                             std::to_string(generation_index) + ": " +
                             std::to_string(MAX_PROPOSAL_ATTEMPTS) +
                             " kernel moves all fell outside the prior's support");
  };

  const double previous_acceptance = first ? 1.0 : generations_.back().acceptance_rate;
  const std::uint64_t max_batch = 20 * static_cast<std::uint64_t>(particles);
  std::uint64_t next_index = 0;  // within this generation
  std::uint64_t last_accepted = 0;
  std::vector<double> parameters;
  std::vector<double> summaries;
  std::vector<double> means(observation_count);
  while (generation.particles() < particles) {
    const std::uint64_t remaining = particles - generation.particles();
    std::uint64_t batch = remaining;
    if (!first) {
      const double wanted =
          std::ceil(1.2 * static_cast<double>(remaining) / std::max(previous_acceptance, 1e-12));
      batch = static_cast<std::uint64_t>(std::clamp(wanted, 16.0, static_cast<double>(max_batch)));
    }
    if (next_index + batch > MAX_CANDIDATES_PER_GENERATION)
      throw std::runtime_error("ABC-SMC: generation " + std::to_string(generation_index) +
                               " needs more than 2^32 candidates");
    parameters.assign(batch * dimension, 0.0);
    for (std::uint64_t c = 0; c < batch; ++c)
      propose(next_index + c, std::span<double>(parameters).subspan(c * dimension, dimension));
    // NaN marks a summary the simulator did not write: that candidate is infinitely far.
    summaries.assign(batch * replications * observation_count,
                     std::numeric_limits<double>::quiet_NaN());
    if (!simulate(generation.first_candidate + next_index, static_cast<std::size_t>(batch),
                  parameters, summaries))
      return false;
    for (std::uint64_t c = 0; c < batch && generation.particles() < particles; ++c) {
      for (std::size_t m = 0; m < observation_count; ++m) {
        double sum = 0.0;
        for (std::uint32_t r = 0; r < replications; ++r)
          sum += summaries[(c * replications + r) * observation_count + m];
        means[m] = sum / static_cast<double>(replications);
      }
      const double candidate_distance = distance(means);
      if (!first && !(candidate_distance <= generation.tolerance)) continue;
      generation.values.insert(generation.values.end(), parameters.begin() + c * dimension,
                               parameters.begin() + (c + 1) * dimension);
      generation.summaries.insert(generation.summaries.end(), means.begin(), means.end());
      generation.distances.push_back(candidate_distance);
      generation.weights.push_back(1.0);  // replaced below
      last_accepted = next_index + c;
    }
    next_index += batch;
  }
  generation.candidates = next_index;
  generation.acceptance_rate =
      static_cast<double>(particles) / static_cast<double>(last_accepted + 1);

  if (first) {
    std::fill(generation.weights.begin(), generation.weights.end(),
              1.0 / static_cast<double>(particles));
  } else {
    // w_i = prior(theta_i) / sum_j w_j K(theta_i | theta_j), in the kernel's space. With
    // z = L^-1 theta, K(theta_i | theta_j) is proportional to exp(-|z_i - z_j|^2 / 2); the
    // constant cancels on normalising. Logs with the largest term factored out keep the sums
    // finite when the kernel is narrow.
    const auto& previous = generations_.back();
    const Matrix current_natural = natural_particles(priors_, generation);
    const auto lower = kernel.lower.triangularView<Eigen::Lower>();
    const Matrix z_previous = lower.solve(previous_natural.transpose()).transpose();
    const Matrix z_current = lower.solve(current_natural.transpose()).transpose();
    std::vector<double> log_weights(particles);
    std::vector<double> log_terms(previous.particles());
    for (std::size_t i = 0; i < particles; ++i) {
      double largest = -std::numeric_limits<double>::infinity();
      for (std::size_t j = 0; j < previous.particles(); ++j) {
        // A plain loop: the sum's order is fixed whatever the instruction set.
        double squared = 0.0;
        for (std::size_t p = 0; p < dimension; ++p) {
          const double gap = z_current(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(p)) -
                             z_previous(static_cast<Eigen::Index>(j), static_cast<Eigen::Index>(p));
          squared += gap * gap;
        }
        log_terms[j] = std::log(previous.weights[j]) - 0.5 * squared;
        largest = std::max(largest, log_terms[j]);
      }
      double sum = 0.0;
      for (const double term : log_terms) sum += std::exp(term - largest);
      double log_prior = 0.0;
      for (std::size_t p = 0; p < dimension; ++p)
        log_prior +=
            std::log(density_in_natural(priors_[p], current_natural(static_cast<Eigen::Index>(i),
                                                                    static_cast<Eigen::Index>(p))));
      log_weights[i] = log_prior - largest - std::log(sum);
    }
    const double top = *std::max_element(log_weights.begin(), log_weights.end());
    double total = 0.0;
    for (std::size_t i = 0; i < particles; ++i) {
      generation.weights[i] = std::exp(log_weights[i] - top);
      total += generation.weights[i];
    }
    for (double& w : generation.weights) w /= total;
  }
  generation.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  generations_.push_back(std::move(generation));
  return true;
}

double weighted_quantile(std::span<const double> values, std::span<const double> weights,
                         double q) {
  if (values.empty()) throw std::invalid_argument("weighted_quantile: no values");
  if (values.size() != weights.size())
    throw std::invalid_argument("weighted_quantile: " + std::to_string(values.size()) +
                                " values but " + std::to_string(weights.size()) + " weights");
  if (!(q >= 0.0 && q <= 1.0))
    throw std::invalid_argument("weighted_quantile: q must lie in [0, 1]");
  double total = 0.0;
  for (const double w : weights) {
    if (!(w >= 0.0) || !std::isfinite(w))
      throw std::invalid_argument("weighted_quantile: weights must be finite and >= 0");
    total += w;
  }
  if (!(total > 0.0)) throw std::invalid_argument("weighted_quantile: the weights sum to 0");
  std::vector<std::size_t> order(values.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return values[a] < values[b]; });
  const double target = q * total;
  double cumulative_weight = 0.0;
  for (const std::size_t i : order) {
    cumulative_weight += weights[i];
    // Zero-weight values are never the answer (numpy's inverted_cdf skips them likewise).
    if (weights[i] > 0.0 && cumulative_weight >= target) return values[i];
  }
  // Rounding left the running sum a hair below q x total: the largest weighted value.
  for (auto it = order.rbegin(); it != order.rend(); ++it)
    if (weights[*it] > 0.0) return values[*it];
  return values[order.back()];
}

std::vector<std::uint32_t> resample_indices(std::span<const double> weights, std::size_t count,
                                            std::uint64_t seed, std::uint32_t purpose_key) {
  if (weights.empty()) throw std::invalid_argument("resample_indices: no weights");
  if (weights.size() > std::numeric_limits<std::uint32_t>::max())
    throw std::invalid_argument("resample_indices: more than 2^32 weights");
  double total = 0.0;
  for (const double w : weights) {
    if (!(w >= 0.0) || !std::isfinite(w))
      throw std::invalid_argument("resample_indices: weights must be finite and >= 0");
    total += w;
  }
  if (!(total > 0.0)) throw std::invalid_argument("resample_indices: the weights sum to 0");
  std::vector<std::uint32_t> indices;
  indices.reserve(count);
  if (count == 0) return indices;
  const PhiloxBlock words = StreamKey(seed, PURPOSE_ABC_RESAMPLE, purpose_key, 0).block(0);
  const double offset = u01_double(words[0], words[1]);  // one uniform for all the points
  const double spacing = total / static_cast<double>(count);
  double cumulative_weight = weights[0];
  std::size_t i = 0;
  for (std::size_t k = 0; k < count; ++k) {
    const double point = (static_cast<double>(k) + offset) * spacing;
    while (point >= cumulative_weight && i + 1 < weights.size()) cumulative_weight += weights[++i];
    indices.push_back(static_cast<std::uint32_t>(i));
  }
  return indices;
}

}  // namespace innosim::sim
