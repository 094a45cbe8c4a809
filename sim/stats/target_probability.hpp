// The probability of reaching a target, from one outcome per replication: the share of
// replications that reach it, with the Wilson score interval (Wilson 1927; recommended over the
// Wald interval by Brown, Cai & DasGupta 2001 because it keeps its coverage near 0 and 1, where
// policy targets often are), and the outcome's distribution at the target year.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "sim/experiment/outcome.hpp"

namespace innosim::sim {

struct Proportion {
  double estimate = 0.0;  ///< successes / trials (NaN without trials)
  double low = 0.0;       ///< Wilson score interval
  double high = 0.0;
};

/// `successes` of `trials` with the two-sided Wilson score interval at `confidence`.
[[nodiscard]] Proportion wilson_interval(std::uint64_t successes, std::uint64_t trials,
                                         double confidence = 0.95);

struct TargetStatistics {
  std::vector<std::uint8_t> achieved;  ///< per replication: 1 when the value reaches the target
  Proportion probability;
  double p05 = 0.0, p25 = 0.0, median = 0.0, p75 = 0.0, p95 = 0.0;  ///< of the values
};

/// `values`: the target's metric at its year, one per replication (non-empty).
[[nodiscard]] TargetStatistics target_statistics(std::span<const double> values, TargetKind kind,
                                                 double threshold);

}  // namespace innosim::sim
