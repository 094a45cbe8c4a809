// The analytic oracle of REF-1 (docs/model-ref1.md). With no heterogeneity (revenue_log_sd,
// rd_log_sd and growth_sd all 0) every firm of a given age has the same revenue
// R(age) = R0 * exp((g0 + g1 r) * age), so each firm moves on a Markov chain over
// (tier, age) with known probabilities, and the expected counts obey
//   x[t+1] = M x[t] + lambda * e(candidate, age 0),
// which Eigen projects exactly. The ensemble mean of the simulator must agree with it.
#pragma once

#include <Eigen/Core>

#include "models/ref1/ref1_params.hpp"

namespace innosim::models::ref1 {

struct MarkovProjection {
  /// expected_firms(tier, point): expected alive firms of each tier at each recorded point.
  Eigen::MatrixXd expected_firms;
  /// expected_exits(point): expected exits during the step ending at the point (0 at point 0).
  Eigen::VectorXd expected_exits;
  /// Smallest |log(R(age) / threshold)| over the ages and revenue thresholds the projection
  /// used: if tiny, float rounding in the simulator could put a firm on the other side.
  double closest_threshold_log_distance = 0.0;
};

/// Projects REF-1's expected tier counts over `steps` steps. Requires the three sigmas to be 0.
[[nodiscard]] MarkovProjection project_expected_counts(const Ref1Params& params, int steps);

}  // namespace innosim::models::ref1
