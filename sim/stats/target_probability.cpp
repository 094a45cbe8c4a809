#include "sim/stats/target_probability.hpp"

#include <algorithm>
#include <boost/math/distributions/normal.hpp>
#include <cmath>
#include <limits>

#include "sim/stats/summary.hpp"

namespace innosim::sim {

Proportion wilson_interval(std::uint64_t successes, std::uint64_t trials, double confidence) {
  if (trials == 0) {
    const double nan = std::numeric_limits<double>::quiet_NaN();
    return {nan, nan, nan};
  }
  const double z =
      boost::math::quantile(boost::math::normal_distribution<double>(), 0.5 + confidence / 2.0);
  const auto n = static_cast<double>(trials);
  const double p = static_cast<double>(successes) / n;
  const double z2 = z * z;
  const double centre = (p + z2 / (2.0 * n)) / (1.0 + z2 / n);
  const double half = z / (1.0 + z2 / n) * std::sqrt(p * (1.0 - p) / n + z2 / (4.0 * n * n));
  // Exact at the edges: 0 of n has a lower bound of 0, n of n an upper bound of 1 (the formula
  // gives them up to rounding).
  return {p, successes == 0 ? 0.0 : std::max(0.0, centre - half),
          successes == trials ? 1.0 : std::min(1.0, centre + half)};
}

TargetStatistics target_statistics(std::span<const double> values, TargetKind kind,
                                   double threshold) {
  TargetStatistics statistics;
  std::uint64_t reached = 0;
  statistics.achieved.reserve(values.size());
  for (const double value : values) {
    const bool met = reaches(kind, value, threshold);
    statistics.achieved.push_back(met ? 1 : 0);
    reached += met ? 1 : 0;
  }
  statistics.probability = wilson_interval(reached, values.size());
  std::vector<double> sorted(values.begin(), values.end());
  std::sort(sorted.begin(), sorted.end());
  statistics.p05 = quantile_sorted(sorted, 0.05);
  statistics.p25 = quantile_sorted(sorted, 0.25);
  statistics.median = quantile_sorted(sorted, 0.50);
  statistics.p75 = quantile_sorted(sorted, 0.75);
  statistics.p95 = quantile_sorted(sorted, 0.95);
  return statistics;
}

}  // namespace innosim::sim
