#include "sim/experiment/attribution.hpp"

#include <algorithm>
#include <boost/math/distributions/students_t.hpp>
#include <cmath>
#include <limits>
#include <utility>

#include "sim/stats/summary.hpp"

namespace innosim::sim {

namespace {

constexpr double INF = std::numeric_limits<double>::infinity();
constexpr double NOT_A_NUMBER = std::numeric_limits<double>::quiet_NaN();

double ratio(double numerator, double denominator, RatioKind kind) {
  if (denominator > 0.0) {
    const double value = numerator / denominator;
    return kind == RatioKind::SHARE ? std::clamp(value, 0.0, 1.0) : value;
  }
  if (kind == RatioKind::COST && numerator > 0.0) return INF;
  return NOT_A_NUMBER;
}

/// Type-7 quantile of ascending values that may end in +inf (quantile_sorted would give
/// inf - inf = NaN between two infinities).
double quantile_with_infinities(std::span<const double> sorted, double q) {
  const double position = q * static_cast<double>(sorted.size() - 1);
  const auto lower = static_cast<std::size_t>(std::floor(position));
  const std::size_t upper = std::min(lower + 1, sorted.size() - 1);
  if (std::isinf(sorted[lower])) return INF;
  if (std::isinf(sorted[upper])) return position > static_cast<double>(lower) ? INF : sorted[lower];
  return quantile_sorted(sorted, q);
}

}  // namespace

Interval mean_with_t_interval(std::span<const double> values, double confidence) {
  const double average = mean(values);
  if (values.size() < 2) return {average, NOT_A_NUMBER, NOT_A_NUMBER};
  const double spread = standard_deviation(values);
  if (spread == 0.0) return {average, average, average};
  const boost::math::students_t_distribution<double> t(static_cast<double>(values.size() - 1));
  const double half = boost::math::quantile(t, 0.5 + confidence / 2.0) * spread /
                      std::sqrt(static_cast<double>(values.size()));
  return {average, average - half, average + half};
}

Interval ratio_of_means(std::span<const double> numerator, std::span<const double> denominator,
                        RatioKind kind, const BootstrapOptions& bootstrap) {
  const std::size_t n = numerator.size();
  const double estimate = ratio(mean(numerator), mean(denominator), kind);
  if (n == 0 || std::isnan(estimate)) return {estimate, NOT_A_NUMBER, NOT_A_NUMBER};
  std::vector<double> samples(bootstrap.resamples);
  for (std::uint32_t b = 0; b < bootstrap.resamples; ++b) {
    double top = 0.0, bottom = 0.0;
    for (const std::size_t r : resample_indices(bootstrap.seed, b, n)) {
      top += numerator[r];
      bottom += denominator[r];
    }
    const double value = ratio(top / static_cast<double>(n), bottom / static_cast<double>(n), kind);
    samples[b] = std::isnan(value) ? INF : value;
  }
  std::sort(samples.begin(), samples.end());
  const double tail = (1.0 - bootstrap.confidence) / 2.0;
  return {estimate, quantile_with_infinities(samples, tail),
          quantile_with_infinities(samples, 1.0 - tail)};
}

std::vector<double> PairedOutcome::differences() const {
  std::vector<double> result(with.size());
  for (std::size_t r = 0; r < with.size(); ++r) result[r] = with[r] - without[r];
  return result;
}

Attribution attribute(const AttributionInput& input, const BootstrapOptions& bootstrap) {
  Attribution out;
  const std::vector<double> high_tech = input.high_tech.differences();
  const std::vector<double> tech_sme = input.tech_sme.differences();
  const std::vector<double> rd_real = input.rd_real.differences();
  out.spending = mean_with_t_interval(input.spending, bootstrap.confidence);
  out.delta_high_tech = mean_with_t_interval(high_tech, bootstrap.confidence);
  out.delta_tech_sme = mean_with_t_interval(tech_sme, bootstrap.confidence);
  out.delta_rd_real = mean_with_t_interval(rd_real, bootstrap.confidence);
  out.cost_per_high_tech = ratio_of_means(input.spending, high_tech, RatioKind::COST, bootstrap);
  out.cost_per_tech_sme = ratio_of_means(input.spending, tech_sme, RatioKind::COST, bootstrap);
  // A difference whose interval reaches 0 may be nil: the cost is then unbounded above. The
  // interval of a difference that is exactly 0 in every replication is [0, 0].
  for (auto [delta, cost] : {std::pair{&out.delta_high_tech, &out.cost_per_high_tech},
                             std::pair{&out.delta_tech_sme, &out.cost_per_tech_sme}}) {
    if (!std::isnan(cost->estimate) && !(delta->low > 0.0)) cost->high = INF;
  }
  out.rd_per_yuan = ratio_of_means(rd_real, input.spending, RatioKind::PLAIN, bootstrap);
  out.claims_with = mean(input.claims.with);
  out.claims_without = mean(input.claims.without);
  out.payments = mean(input.payments);
  // A share of payments: undefined for an instrument that paid nothing.
  out.deadweight = out.payments > 0.0 ? ratio_of_means(input.claims.without, input.claims.with,
                                                       RatioKind::SHARE, bootstrap)
                                      : Interval{NOT_A_NUMBER, NOT_A_NUMBER, NOT_A_NUMBER};
  return out;
}

}  // namespace innosim::sim
