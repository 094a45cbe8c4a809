// Ensemble statistics over replications.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

namespace innosim::sim {

/// Quantile by linear interpolation between order statistics: Hyndman & Fan type 7, the default
/// of numpy.quantile and R's quantile(), so users get the same numbers in their own tools.
/// `sorted` must be ascending and non-empty; q in [0, 1].
[[nodiscard]] double quantile_sorted(std::span<const double> sorted, double q);

[[nodiscard]] double mean(std::span<const double> values);
/// Sample standard deviation (n - 1 denominator); 0 for fewer than two values.
[[nodiscard]] double standard_deviation(std::span<const double> values);

/// The quantile levels written to /summary: p05, p25, p50, p75, p95.
inline constexpr double SUMMARY_QUANTILES[] = {0.05, 0.25, 0.50, 0.75, 0.95};
inline constexpr const char* SUMMARY_QUANTILE_NAMES[] = {"p05", "p25", "p50", "p75", "p95"};

/// Per time point: mean and the SUMMARY_QUANTILES over replications.
struct SeriesSummary {
  std::vector<double> mean;
  std::vector<std::vector<double>> quantiles;  ///< [quantile level][point]
};

/// `values` is [replication][point] (row-major, `points` per row), over the given rows.
[[nodiscard]] SeriesSummary summarize(std::span<const double> values, std::size_t points,
                                      std::span<const std::uint32_t> rows);

}  // namespace innosim::sim
