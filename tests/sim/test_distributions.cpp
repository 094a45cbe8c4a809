// Statistical checks of the distributions. Every test uses a fixed seed, so it is deterministic;
// tolerances are what a correct sampler passes with overwhelming probability, so a failure means
// a wrong sampler, not bad luck:
//   * moments within 4 standard errors (two-sided p ~ 6e-5 for a correct sampler);
//   * Kolmogorov-Smirnov sqrt(n) * D below 1.95 (p = 0.001) against the analytic CDF;
//   * chi-square below the p = 0.001 critical value for the degrees of freedom.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <vector>

#include "sim/rng/distributions.hpp"
#include "sim/stats/summary.hpp"

namespace innosim::sim {
namespace {

constexpr std::size_t SAMPLES = 400000;
constexpr double PI = 3.14159265358979323846;

std::vector<double> sample(const std::function<double(const PhiloxBlock&)>& draw,
                           std::uint8_t purpose) {
  const StreamKey stream(20261122, purpose, 0, 0);
  std::vector<double> values(SAMPLES);
  for (std::uint32_t i = 0; i < SAMPLES; ++i) values[i] = draw(stream.block(i));
  return values;
}

double moment_about_mean(const std::vector<double>& values, int order) {
  const double average = mean(values);
  double sum = 0.0;
  for (const double value : values) sum += std::pow(value - average, order);
  return sum / static_cast<double>(values.size());
}

/// sqrt(n) * sup |F_n(x) - F(x)|
double kolmogorov_smirnov(std::vector<double> values, const std::function<double(double)>& cdf) {
  std::sort(values.begin(), values.end());
  const double n = static_cast<double>(values.size());
  double worst = 0.0;
  for (std::size_t i = 0; i < values.size(); ++i) {
    const double f = cdf(values[i]);
    worst = std::max({worst, f - static_cast<double>(i) / n, static_cast<double>(i + 1) / n - f});
  }
  return std::sqrt(n) * worst;
}

void expect_mean_and_variance(const std::vector<double>& values, double expected_mean,
                              double expected_variance, double expected_kurtosis) {
  const double n = static_cast<double>(values.size());
  const double mean_se = std::sqrt(expected_variance / n);
  EXPECT_NEAR(mean(values), expected_mean, 4.0 * mean_se);
  const double variance_se = expected_variance * std::sqrt((expected_kurtosis - 1.0) / n);
  EXPECT_NEAR(moment_about_mean(values, 2), expected_variance, 4.0 * variance_se);
}

double normal_cdf(double x) { return 0.5 * std::erfc(-x / std::sqrt(2.0)); }

TEST(Distributions, UniformIsUniformOnTheUnitInterval) {
  const auto values = sample([](const PhiloxBlock& w) { return double{u01_closed_open(w[0])}; }, 1);
  expect_mean_and_variance(values, 0.5, 1.0 / 12.0, 1.8);
  EXPECT_LT(kolmogorov_smirnov(values, [](double x) { return std::clamp(x, 0.0, 1.0); }), 1.95);
  EXPECT_GE(*std::min_element(values.begin(), values.end()), 0.0);
  EXPECT_LT(*std::max_element(values.begin(), values.end()), 1.0);
  EXPECT_GT(u01_open_closed(0u), 0.0f);
  EXPECT_EQ(u01_open_closed(0xffffffffu), 1.0f);
  EXPECT_EQ(u01_closed_open(0u), 0.0f);
}

TEST(Distributions, DoubleUniformUsesFiftyThreeBits) {
  EXPECT_EQ(u01_double(0u, 0u), 0.0);
  EXPECT_LT(u01_double(0xffffffffu, 0xffffffffu), 1.0);
  EXPECT_GT(u01_double(0xffffffffu, 0xffffffffu), 1.0 - 2.3e-16);
}

TEST(Distributions, NormalHasStandardMomentsAndCdf) {
  const auto first =
      sample([](const PhiloxBlock& w) { return double{normal_pair(w[0], w[1]).first}; }, 2);
  const auto second =
      sample([](const PhiloxBlock& w) { return double{normal_pair(w[0], w[1]).second}; }, 2);
  for (const auto* values : {&first, &second}) {
    expect_mean_and_variance(*values, 0.0, 1.0, 3.0);
    EXPECT_NEAR(moment_about_mean(*values, 3), 0.0, 4.0 * std::sqrt(15.0 / SAMPLES));
    EXPECT_NEAR(moment_about_mean(*values, 4), 3.0, 4.0 * std::sqrt(96.0 / SAMPLES));
    EXPECT_LT(kolmogorov_smirnov(*values, normal_cdf), 1.95);
  }
  // The two halves of a Box-Muller pair are uncorrelated.
  double cross = 0.0;
  for (std::size_t i = 0; i < SAMPLES; ++i) cross += first[i] * second[i];
  EXPECT_NEAR(cross / SAMPLES, 0.0, 4.0 / std::sqrt(double{SAMPLES}));
}

TEST(Distributions, LognormalHasTheRequestedMedianAndLogScale) {
  const float median = 300.0f, sigma = 1.0f;
  const auto values = sample(
      [&](const PhiloxBlock& w) {
        return double{lognormal_from_normal(median, sigma, normal(w[0], w[1]))};
      },
      3);
  EXPECT_LT(kolmogorov_smirnov(values,
                               [&](double x) { return normal_cdf(std::log(x / median) / sigma); }),
            1.95);
  const double expected_mean = median * std::exp(sigma * sigma / 2.0);
  const double expected_variance = (std::exp(sigma * sigma) - 1.0) * expected_mean * expected_mean;
  EXPECT_NEAR(mean(values), expected_mean, 4.0 * std::sqrt(expected_variance / SAMPLES));
}

TEST(Distributions, LaplaceHasVarianceTwoScaleSquaredAndKurtosisSix) {
  const float location = 0.5f, scale = 2.0f;
  const auto values =
      sample([&](const PhiloxBlock& w) { return double{laplace(w[0], location, scale)}; }, 4);
  expect_mean_and_variance(values, location, 2.0 * scale * scale, 6.0);
  const double kurtosis = moment_about_mean(values, 4) / std::pow(moment_about_mean(values, 2), 2);
  EXPECT_NEAR(kurtosis, 6.0, 0.25);  // excess kurtosis 3: tent-shaped, far from the normal's 3
  EXPECT_LT(kolmogorov_smirnov(values,
                               [&](double x) {
                                 const double z = (x - location) / scale;
                                 return z < 0 ? 0.5 * std::exp(z) : 1.0 - 0.5 * std::exp(-z);
                               }),
            1.95);
}

TEST(Distributions, BernoulliFrequencyMatchesProbability) {
  for (const float p : {0.0f, 0.005f, 0.3f, 1.0f}) {
    const auto values =
        sample([&](const PhiloxBlock& w) { return bernoulli(w[3], p) ? 1.0 : 0.0; }, 5);
    const double se = std::sqrt(std::max(double{p} * (1.0 - p), 1e-12) / SAMPLES);
    EXPECT_NEAR(mean(values), p, 4.0 * se) << "p = " << p;
  }
}

/// Upper p = 0.001 point of chi-square with `df` degrees of freedom (Wilson-Hilferty, accurate
/// to a fraction of a percent for df >= 5).
double chi_square_critical_0001(int df) {
  const double a = 2.0 / (9.0 * df);
  return df * std::pow(1.0 - a + 3.0902 * std::sqrt(a), 3);
}

/// Chi-square of Poisson(mean) counts against the pmf, cells with expectation >= 5.
void check_poisson(double poisson_mean) {
  constexpr std::uint32_t COUNT = 200000;
  const StreamKey stream(99, 6, 0, 0);
  std::vector<double> values(COUNT);
  for (std::uint32_t i = 0; i < COUNT; ++i) {
    DrawSequence draws(stream, i);
    values[i] = static_cast<double>(poisson(draws, poisson_mean));
  }
  expect_mean_and_variance(values, poisson_mean, poisson_mean, 3.0 + 1.0 / poisson_mean);
  const auto largest = static_cast<int>(*std::max_element(values.begin(), values.end()));
  std::vector<double> observed(static_cast<std::size_t>(largest + 1), 0.0);
  for (const double value : values) observed[static_cast<std::size_t>(value)] += 1.0;
  // Merge cells until each has expectation >= 5; the last cell takes the whole upper tail.
  double chi_square = 0.0, cell_observed = 0.0, cell_expected = 0.0, cumulative = 0.0;
  int cells = 0;
  for (int k = 0; k <= largest; ++k) {
    const double pmf = std::exp(-poisson_mean + k * std::log(poisson_mean) - std::lgamma(k + 1.0));
    cumulative += pmf;
    cell_observed += observed[static_cast<std::size_t>(k)];
    cell_expected += COUNT * (k == largest ? 1.0 - (cumulative - pmf) : pmf);
    if (cell_expected >= 5.0 && COUNT * (1.0 - cumulative) >= 5.0) {
      chi_square +=
          (cell_observed - cell_expected) * (cell_observed - cell_expected) / cell_expected;
      cell_observed = cell_expected = 0.0;
      ++cells;
    }
  }
  if (cell_expected > 0.0) {
    chi_square += (cell_observed - cell_expected) * (cell_observed - cell_expected) / cell_expected;
    ++cells;
  }
  ASSERT_GE(cells, 6);
  EXPECT_LT(chi_square, chi_square_critical_0001(cells - 1)) << "cells " << cells;
}

TEST(Distributions, PoissonByInversionMatchesThePmf) {
  ASSERT_NO_FATAL_FAILURE(check_poisson(3.5));
}
TEST(Distributions, PoissonByTransformedRejectionMatchesThePmf) {
  ASSERT_NO_FATAL_FAILURE(check_poisson(40.0));
}
TEST(Distributions, PoissonOfZeroMeanIsZero) {
  DrawSequence draws(StreamKey(1, 1, 0, 0), 0);
  EXPECT_EQ(poisson(draws, 0.0), 0);
}

}  // namespace
}  // namespace innosim::sim
