// Approximate Bayesian computation by sequential Monte Carlo: population Monte Carlo (Beaumont,
// Cornuet, Marin & Robert 2009, Biometrika 96:983; Toni et al. 2009, J. R. Soc. Interface 6:187).
//
// Generation 0 draws `particles` parameter vectors from the priors and simulates each. Generation
// g > 0 has a tolerance, the `quantile` of generation g-1's distances; it proposes candidates by
// picking a particle of generation g-1 by weight and moving it with a Gaussian kernel whose
// covariance is `kernel_scale` x the weighted covariance of generation g-1 (2x in Beaumont et
// al.), in each prior's natural space (the log for log-uniform priors); a candidate outside the
// prior's support is redrawn before it is simulated. A simulated candidate is accepted when its
// distance is at most the tolerance; its weight is prior(theta) / sum_j w_j K(theta | theta_j).
//
// Distance: the root mean square over observations of (simulated - observed) / scale, the
// simulated value being the mean of the candidate's replications; a lower-bound observation
// counts only a shortfall. An observation with a very large scale therefore has no say.
//
// Reproducibility: every random choice is a Philox draw keyed by (seed, generation, candidate
// index, draw), and candidates are simulated in batches whose sizes depend only on earlier
// generations; acceptance goes in candidate order. So a calibration is a pure function of its
// inputs and the simulator, whatever the thread count, and a resumed calibration continues
// exactly as an uninterrupted one would.
#pragma once

#include <cstdint>
#include <functional>
#include <limits>
#include <span>
#include <string>
#include <vector>

#include "sim/experiment/factor.hpp"

namespace innosim::sim {

/// One observed summary statistic.
struct AbcObservation {
  std::string name;
  double value = 0.0;
  double scale = 1.0;        ///< its uncertainty (> 0): one scale off counts 1 in the distance
  bool lower_bound = false;  ///< only a simulated value below `value` counts
};

struct AbcOptions {
  std::size_t particles = 200;
  std::uint32_t replications = 1;  ///< simulations per candidate, averaged
  double quantile = 0.5;           ///< the next tolerance: this quantile of the distances
  std::size_t max_generations = 10;
  double min_acceptance = 0.02;      ///< stop after a generation accepting fewer than this share
  double target_tolerance = 0.0;     ///< stop once a generation's tolerance is at most this
  double kernel_scale = 2.0;         ///< kernel covariance / weighted particle covariance
  std::uint64_t max_candidates = 0;  ///< stop once this many were simulated (0: no limit)
  std::uint64_t seed = 1;
};

/// A completed generation.
struct AbcGeneration {
  std::size_t index = 0;
  double tolerance = std::numeric_limits<double>::infinity();  ///< infinite for generation 0
  std::size_t parameters = 0;                                  ///< columns of `values`
  std::size_t observations = 0;                                ///< columns of `summaries`
  std::vector<double> values;     ///< [particle][parameter], in the parameters' own units
  std::vector<double> weights;    ///< normalised to sum 1
  std::vector<double> distances;  ///< [particle]
  std::vector<double> summaries;  ///< [particle][observation], the replications' mean
  /// Candidate ids are consecutive across generations: this generation simulated
  /// [first_candidate, first_candidate + candidates).
  std::uint64_t first_candidate = 0;
  std::uint64_t candidates = 0;
  double acceptance_rate = 1.0;  ///< particles / candidates needed to accept them
  double seconds = 0.0;          ///< wall time of the generation

  [[nodiscard]] std::size_t particles() const { return weights.size(); }
  [[nodiscard]] double effective_sample_size() const;
};

/// Simulates `count` candidates with ids first_id, first_id + 1, ...: candidate c has the
/// parameter values parameters[c * P .. c * P + P) and writes its summaries to
/// summaries[(c * replications + r) * M + m] for replication r and observation m. Replication r
/// of candidate id k must use streams no other (id, r) uses (e.g. replication number
/// k * replications + r), so that candidates are independent. Returns false if cancelled (the
/// generation is then discarded).
using AbcSimulator =
    std::function<bool(std::uint64_t first_id, std::size_t count,
                       std::span<const double> parameters, std::span<double> summaries)>;

class AbcSmc {
 public:
  /// `priors`: continuous factors (uniform, log_uniform, normal, triangular) of REAL
  /// parameters; throws std::invalid_argument otherwise or when the options are impossible.
  AbcSmc(std::vector<Factor> priors, std::vector<AbcObservation> observations, AbcOptions options);

  /// Continues after generations completed earlier (a resumed calibration, same inputs).
  void resume(std::vector<AbcGeneration> completed);

  /// Runs the next generation. Returns false if the simulator was cancelled (nothing is added).
  bool run_generation(const AbcSimulator& simulate);
  /// Whether the stopping rule holds (then run_generation must not be called).
  [[nodiscard]] bool finished() const;
  /// Why it stopped, in a sentence ("" while it has not).
  [[nodiscard]] std::string stop_reason() const;

  [[nodiscard]] const std::vector<AbcGeneration>& generations() const { return generations_; }
  [[nodiscard]] const std::vector<Factor>& priors() const { return priors_; }
  [[nodiscard]] const std::vector<AbcObservation>& observations() const { return observations_; }
  [[nodiscard]] const AbcOptions& options() const { return options_; }

  /// The distance of one candidate's summaries (its replications' means) to the observations.
  [[nodiscard]] double distance(std::span<const double> mean_summaries) const;
  /// The prior density of a parameter vector (in the parameters' own units; 0 outside).
  [[nodiscard]] double prior_density(std::span<const double> values) const;

 private:
  std::vector<Factor> priors_;
  std::vector<AbcObservation> observations_;
  AbcOptions options_;
  std::vector<AbcGeneration> generations_;
};

/// The weighted q-quantile of `values` (weights need not be normalised): the smallest value
/// whose cumulative weight reaches q of the total.
[[nodiscard]] double weighted_quantile(std::span<const double> values,
                                       std::span<const double> weights, double q);

/// Draws `count` particle indices with probability proportional to `weights` (systematic
/// resampling from a Philox stream of `seed` and `purpose_key`): deterministic, and each
/// index appears floor or ceil of count x weight times.
[[nodiscard]] std::vector<std::uint32_t> resample_indices(std::span<const double> weights,
                                                          std::size_t count, std::uint64_t seed,
                                                          std::uint32_t purpose_key);

}  // namespace innosim::sim
