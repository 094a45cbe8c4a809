#include "sim/experiment/sensitivity.hpp"

#include <algorithm>
#include <cmath>

#include "sim/rng/distributions.hpp"
#include "sim/stats/summary.hpp"

namespace innosim::sim {

namespace {
constexpr StreamPurpose PURPOSE_BOOTSTRAP = 201;
}  // namespace

std::vector<std::size_t> resample_indices(std::uint64_t seed, std::uint32_t resample,
                                          std::size_t n) {
  std::vector<std::size_t> indices(n);
  const StreamKey stream(seed, PURPOSE_BOOTSTRAP, resample, 0);
  for (std::size_t i = 0; i < n; ++i) {
    const PhiloxBlock words = stream.block(static_cast<std::uint32_t>(i));
    indices[i] = std::min(
        n - 1, static_cast<std::size_t>(u01_double(words[0], words[1]) * static_cast<double>(n)));
  }
  return indices;
}

namespace {

Interval with_interval(double estimate, std::vector<double> samples, double confidence) {
  std::sort(samples.begin(), samples.end());
  const double tail = (1.0 - confidence) / 2.0;
  return {estimate, quantile_sorted(samples, tail), quantile_sorted(samples, 1.0 - tail)};
}

/// The Saltelli blocks of one base row j: A, AB_i, BA_i, B.
struct SaltelliView {
  const std::vector<double>& y;
  std::size_t d;
  std::size_t block;
  double a(std::size_t j) const { return y[j * block]; }
  double ab(std::size_t j, std::size_t i) const { return y[j * block + 1 + i]; }
  double ba(std::size_t j, std::size_t i) const { return y[j * block + 1 + d + i]; }
  double b(std::size_t j) const { return y[j * block + block - 1]; }
};

/// Every index on the base rows `rows` (the identity for the estimate, a resample otherwise).
SobolIndices estimate(const SaltelliView& v, const std::vector<std::size_t>& rows,
                      bool second_order) {
  const auto n = static_cast<double>(rows.size());
  double sum = 0.0, sum_squares = 0.0;
  for (const std::size_t j : rows) {
    sum += v.a(j) + v.b(j);
    sum_squares += v.a(j) * v.a(j) + v.b(j) * v.b(j);
  }
  const double mean = sum / (2.0 * n);
  const double variance = sum_squares / (2.0 * n) - mean * mean;  // of A and B together
  SobolIndices indices;
  for (std::size_t i = 0; i < v.d; ++i) {
    double first = 0.0, total = 0.0;
    for (const std::size_t j : rows) {
      first += v.b(j) * (v.ab(j, i) - v.a(j));
      total += (v.a(j) - v.ab(j, i)) * (v.a(j) - v.ab(j, i));
    }
    indices.first.push_back({first / n / variance, 0, 0});
    indices.total.push_back({total / (2.0 * n) / variance, 0, 0});
  }
  if (second_order) {
    for (std::size_t i = 0; i < v.d; ++i) {
      for (std::size_t k = i + 1; k < v.d; ++k) {
        double joint = 0.0;
        for (const std::size_t j : rows) joint += v.ba(j, i) * v.ab(j, k) - v.a(j) * v.b(j);
        indices.second.push_back(
            {joint / n / variance - indices.first[i].estimate - indices.first[k].estimate, 0, 0});
      }
    }
  }
  return indices;
}

}  // namespace

SobolIndices sobol_indices(const Design& design, const std::vector<double>& y,
                           const BootstrapOptions& bootstrap) {
  const SaltelliView view{y, design.factors, design.sobol_block()};
  const std::size_t n = design.options.n;
  std::vector<std::size_t> all(n);
  for (std::size_t j = 0; j < n; ++j) all[j] = j;
  const bool second = design.options.second_order;
  SobolIndices result = estimate(view, all, second);
  std::vector<SobolIndices> resamples;
  for (std::uint32_t r = 0; r < bootstrap.resamples; ++r)
    resamples.push_back(estimate(view, resample_indices(bootstrap.seed, r, n), second));
  auto attach = [&](std::vector<Interval> SobolIndices::*member) {
    auto& target = result.*member;
    for (std::size_t i = 0; i < target.size(); ++i) {
      std::vector<double> samples;
      for (const auto& sample : resamples) samples.push_back((sample.*member)[i].estimate);
      target[i] = with_interval(target[i].estimate, samples, bootstrap.confidence);
    }
  };
  attach(&SobolIndices::first);
  attach(&SobolIndices::total);
  attach(&SobolIndices::second);
  return result;
}

MorrisIndices morris_indices(const Design& design, const std::vector<double>& y,
                             const BootstrapOptions& bootstrap) {
  const std::size_t d = design.factors;
  const std::size_t r = design.options.n;
  // effects[factor][trajectory]
  std::vector<std::vector<double>> effects(d, std::vector<double>(r, 0.0));
  for (std::size_t t = 0; t < r; ++t) {
    for (std::size_t k = 0; k < d; ++k) {
      const std::size_t before = t * (d + 1) + k;
      const double* x0 = design.row(before);
      const double* x1 = design.row(before + 1);
      for (std::size_t f = 0; f < d; ++f) {
        const double step = x1[f] - x0[f];
        if (step != 0.0) effects[f][t] = (y[before + 1] - y[before]) / step;
      }
    }
  }
  MorrisIndices result;
  for (std::size_t f = 0; f < d; ++f) {
    const auto& e = effects[f];
    double sum = 0.0, sum_abs = 0.0;
    for (const double value : e) {
      sum += value;
      sum_abs += std::fabs(value);
    }
    const double mu = sum / static_cast<double>(r);
    double squares = 0.0;
    for (const double value : e) squares += (value - mu) * (value - mu);
    result.mu.push_back(mu);
    result.sigma.push_back(r > 1 ? std::sqrt(squares / static_cast<double>(r - 1)) : 0.0);
    std::vector<double> samples;
    for (std::uint32_t b = 0; b < bootstrap.resamples; ++b) {
      double resampled = 0.0;
      for (const std::size_t t : resample_indices(bootstrap.seed, b, r))
        resampled += std::fabs(e[t]);
      samples.push_back(resampled / static_cast<double>(r));
    }
    result.mu_star.push_back(
        with_interval(sum_abs / static_cast<double>(r), samples, bootstrap.confidence));
  }
  return result;
}

}  // namespace innosim::sim
