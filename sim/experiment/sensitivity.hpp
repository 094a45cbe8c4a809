// Sensitivity indices from a finished design: Sobol first-order (Saltelli et al. 2010, Table 2
// (b), on outputs centred on their mean as SALib does), total (Jansen 1999) and second-order
// (Saltelli 2002, as SALib computes them) indices with bootstrap percentile intervals; Morris
// elementary effects μ, μ*, σ (Campolongo et al. 2007) with a bootstrap interval for μ*. Written
// here because no Debian C++ package provides them; tests check them against the analytic indices
// of the Ishigami and Sobol G functions.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "sim/experiment/design.hpp"

namespace innosim::sim {

struct Interval {
  double estimate = 0.0;
  double low = 0.0;  ///< bootstrap percentile interval
  double high = 0.0;
};

struct SobolIndices {
  std::vector<Interval> first;  ///< S1 per factor
  std::vector<Interval> total;  ///< ST per factor
  /// S2 for factor pairs i < j, row-major over the upper triangle (empty without second order).
  std::vector<Interval> second;
};

struct MorrisIndices {
  std::vector<double> mu;
  std::vector<Interval> mu_star;
  std::vector<double> sigma;
};

struct BootstrapOptions {
  std::uint32_t resamples = 1000;
  double confidence = 0.95;
  std::uint64_t seed = 1;
};

/// Sample indices of bootstrap resample `resample`: n draws from [0, n) with replacement, from
/// the seed's bootstrap stream (the same resamples for every statistic of one seed).
[[nodiscard]] std::vector<std::size_t> resample_indices(std::uint64_t seed, std::uint32_t resample,
                                                        std::size_t n);

/// `y` holds one output per design row, in the design's Saltelli order.
[[nodiscard]] SobolIndices sobol_indices(const Design& design, const std::vector<double>& y,
                                         const BootstrapOptions& bootstrap);
/// What a reader should know about these indices, as sentences (empty when nothing stands out):
/// intervals wide for `base_rows` (N), estimates outside [0, 1] or S1 > ST (estimation error:
/// the true indices satisfy 0 <= S1 <= ST <= 1), and first-order indices summing well below 1
/// (interactions). `names` label the factors.
[[nodiscard]] std::vector<std::string> sobol_notes(const SobolIndices& indices,
                                                   const std::vector<std::string>& names,
                                                   std::uint64_t base_rows);
/// `y` holds one output per design row, trajectory after trajectory.
[[nodiscard]] MorrisIndices morris_indices(const Design& design, const std::vector<double>& y,
                                           const BootstrapOptions& bootstrap);

}  // namespace innosim::sim
