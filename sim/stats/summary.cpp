#include "sim/stats/summary.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace innosim::sim {

double quantile_sorted(std::span<const double> sorted, double q) {
  const double position = q * static_cast<double>(sorted.size() - 1);
  const auto lower = static_cast<std::size_t>(std::floor(position));
  const std::size_t upper = std::min(lower + 1, sorted.size() - 1);
  const double fraction = position - static_cast<double>(lower);
  return sorted[lower] + fraction * (sorted[upper] - sorted[lower]);
}

double mean(std::span<const double> values) {
  if (values.empty()) return 0.0;
  return std::accumulate(values.begin(), values.end(), 0.0) / static_cast<double>(values.size());
}

double standard_deviation(std::span<const double> values) {
  if (values.size() < 2) return 0.0;
  const double average = mean(values);
  double sum_squares = 0.0;
  for (const double value : values) sum_squares += (value - average) * (value - average);
  return std::sqrt(sum_squares / static_cast<double>(values.size() - 1));
}

SeriesSummary summarize(std::span<const double> values, std::size_t points,
                        std::span<const std::uint32_t> rows) {
  SeriesSummary summary;
  summary.mean.assign(points, 0.0);
  summary.quantiles.assign(std::size(SUMMARY_QUANTILES), std::vector<double>(points, 0.0));
  if (rows.empty()) return summary;
  std::vector<double> column(rows.size());
  for (std::size_t point = 0; point < points; ++point) {
    for (std::size_t i = 0; i < rows.size(); ++i) column[i] = values[rows[i] * points + point];
    summary.mean[point] = mean(column);
    std::sort(column.begin(), column.end());
    for (std::size_t level = 0; level < std::size(SUMMARY_QUANTILES); ++level) {
      summary.quantiles[level][point] = quantile_sorted(column, SUMMARY_QUANTILES[level]);
    }
  }
  return summary;
}

}  // namespace innosim::sim
