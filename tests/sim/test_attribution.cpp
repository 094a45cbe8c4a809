// The attribution's statistics (sim/experiment/attribution.hpp) on fixed numbers, against
// scipy. The reference values were made with Debian's python3 (scipy 1.10.1):
//
//   import numpy as np, scipy.stats as st
//   w = np.array([12, 15, 11, 14, 13, 16, 12, 15.]); wo = np.array([10, 13, 11, 12, 12, 13,
//   11, 12.]) st.ttest_rel(w, wo).confidence_interval(0.95)
//     -> (0.8846361328536918, 2.615363867146308), mean 1.75
//   spend = np.array([100, 120, 90, 110, 105, 130, 95, 115.])
//   st.bootstrap((spend, w - wo), lambda s, d, axis=-1: s.mean(axis) / d.mean(axis),
//                paired=True, vectorized=True, n_resamples=20000, method='percentile',
//                random_state=seed).confidence_interval
//     over seeds 0..9: low 47.84 (sd 0.10), high 94.07 (sd 0.93); estimate 61.7857142857
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "sim/experiment/attribution.hpp"

namespace innosim::sim {
namespace {

const std::vector<double> WITH{12, 15, 11, 14, 13, 16, 12, 15};
const std::vector<double> WITHOUT{10, 13, 11, 12, 12, 13, 11, 12};
const std::vector<double> SPENDING{100, 120, 90, 110, 105, 130, 95, 115};

std::vector<double> differences() {
  std::vector<double> d(WITH.size());
  for (std::size_t r = 0; r < d.size(); ++r) d[r] = WITH[r] - WITHOUT[r];
  return d;
}

TEST(Attribution, PairedTIntervalIsScipys) {
  // Fails if the t quantile (7 degrees of freedom), the n - 1 standard deviation or the
  // pairing is wrong: the values are scipy's ttest_rel interval to 1e-9 (Boost's t quantile
  // and scipy's differ by 2e-10 here; a normal quantile instead of t would be off by 0.2).
  const Interval interval = mean_with_t_interval(differences());
  EXPECT_DOUBLE_EQ(interval.estimate, 1.75);
  EXPECT_NEAR(interval.low, 0.8846361328536918, 1e-9);
  EXPECT_NEAR(interval.high, 2.615363867146308, 1e-9);
}

TEST(Attribution, ConstantDifferencesHaveADegenerateIntervalAndOneValueNone) {
  // Identical runs (an instrument that pays nothing) must give exactly [0, 0], not NaN.
  const std::vector<double> zeros(5, 0.0);
  const Interval nil = mean_with_t_interval(zeros);
  EXPECT_EQ(nil.estimate, 0.0);
  EXPECT_EQ(nil.low, 0.0);
  EXPECT_EQ(nil.high, 0.0);
  const Interval single = mean_with_t_interval(std::vector<double>{3.0});
  EXPECT_EQ(single.estimate, 3.0);
  EXPECT_TRUE(std::isnan(single.low) && std::isnan(single.high));
}

TEST(Attribution, RatioBootstrapAgreesWithScipysPercentileBootstrap) {
  // Both bootstraps have Monte Carlo error: at 20,000 resamples scipy's bounds vary across
  // seeds with sd 0.10 (low) and 0.93 (high; the heavy tail of a ratio whose denominator nears
  // 0). The tolerances, 0.5 and 4, are about 3.5 and 3 sd of the difference of two such
  // bootstraps: a wrong pairing (resampling numerator and denominator separately) moves the
  // bounds by more (low to about 44), and a ratio of sums per resample that divided by the
  // wrong count would move the estimate.
  BootstrapOptions options;
  options.resamples = 20000;
  options.seed = 7;
  const Interval cost = ratio_of_means(SPENDING, differences(), RatioKind::COST, options);
  EXPECT_NEAR(cost.estimate, 61.785714285714285, 1e-12);
  EXPECT_NEAR(cost.low, 47.84, 0.5);
  EXPECT_NEAR(cost.high, 94.07, 4.0);
}

TEST(Attribution, CostIsInfiniteWhenNothingIsBoughtAndUndefinedWhenNothingIsSpent) {
  BootstrapOptions options;
  options.resamples = 200;
  const std::vector<double> none(4, 0.0);
  const std::vector<double> paid{10, 20, 30, 40};
  const Interval spent_for_nothing = ratio_of_means(paid, none, RatioKind::COST, options);
  EXPECT_TRUE(std::isinf(spent_for_nothing.estimate));
  EXPECT_TRUE(std::isinf(spent_for_nothing.low) && std::isinf(spent_for_nothing.high));
  const Interval nothing = ratio_of_means(none, none, RatioKind::COST, options);
  EXPECT_TRUE(std::isnan(nothing.estimate));
}

TEST(Attribution, CostIsUnboundedAboveWhenTheDifferencesIntervalReachesZero) {
  // Differences of mean 0.5 whose t interval includes 0: the cost's estimate is finite
  // (spending / 0.5) but its upper bound must be inf, consistent with "maybe nothing bought".
  AttributionInput input;
  input.spending = {10, 10, 10, 10, 10, 10};
  input.payments = {1, 1, 1, 1, 1, 1};
  input.high_tech = {{1, 0, 2, 0, 1, 0}, {0, 1, 0, 1, 0, 0}};
  input.tech_sme = {{5, 6, 7, 5, 6, 7}, {3, 3, 3, 3, 3, 3}};
  input.rd_real = {{1, 1, 1, 1, 1, 1}, {0, 0, 0, 0, 0, 0}};
  input.claims = {{4, 4, 4, 4, 4, 4}, {2, 3, 2, 3, 2, 3}};
  BootstrapOptions options;
  const Attribution a = attribute(input, options);
  ASSERT_LE(a.delta_high_tech.low, 0.0);
  EXPECT_DOUBLE_EQ(a.cost_per_high_tech.estimate, 10.0 / (1.0 / 3.0));
  EXPECT_TRUE(std::isinf(a.cost_per_high_tech.high));
  // Tech SMEs: differences 2..4, interval above 0, so the cost's interval is finite.
  EXPECT_GT(a.delta_tech_sme.low, 0.0);
  EXPECT_DOUBLE_EQ(a.cost_per_tech_sme.estimate, 10.0 / 3.0);
  EXPECT_TRUE(std::isfinite(a.cost_per_tech_sme.high));
  EXPECT_LE(a.cost_per_tech_sme.low, a.cost_per_tech_sme.estimate);
  // Deadweight: 2.5 of 4 claims happen anyway; R&D: 1 per 10 paid.
  EXPECT_DOUBLE_EQ(a.deadweight.estimate, 2.5 / 4.0);
  EXPECT_GE(a.deadweight.low, 0.5 - 1e-12);
  EXPECT_LE(a.deadweight.high, 0.75 + 1e-12);
  EXPECT_DOUBLE_EQ(a.rd_per_yuan.estimate, 0.1);
}

TEST(Attribution, DeadweightIsCappedAndUndefinedWithoutPayments) {
  // More claims without the instrument than with it (it crowds some out) caps the share at 1.
  AttributionInput input;
  input.spending = {5, 5, 5};
  input.payments = {1, 1, 1};
  input.high_tech = input.tech_sme = input.rd_real = {{0, 0, 0}, {0, 0, 0}};
  input.claims = {{2, 2, 2}, {3, 3, 3}};
  EXPECT_EQ(attribute(input, {}).deadweight.estimate, 1.0);
  input.payments = {0, 0, 0};
  input.spending = {0, 0, 0};
  const Attribution none = attribute(input, {});
  EXPECT_TRUE(std::isnan(none.deadweight.estimate));
  EXPECT_TRUE(std::isnan(none.cost_per_high_tech.estimate));
  EXPECT_EQ(none.delta_high_tech.estimate, 0.0);
}

}  // namespace
}  // namespace innosim::sim
