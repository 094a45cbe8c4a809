#include "sim/experiment/sensitivity.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

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
/// The outputs are centred on `centre` first (their mean over the whole design, as SALib
/// centres them): Saltelli's first-order estimator f_B (f_ABi - f_A) and the second-order one
/// are not invariant to adding a constant to f, and without centring their variance grows with
/// the square of the mean, which on counts with a large mean (a register of hundreds of firms)
/// made the intervals several times wider than the variation of f warrants. The total index
/// (Jansen) and the variance are invariant.
SobolIndices estimate(const SaltelliView& v, const std::vector<std::size_t>& rows,
                      bool second_order, double centre) {
  const auto n = static_cast<double>(rows.size());
  double sum = 0.0, sum_squares = 0.0;
  for (const std::size_t j : rows) {
    const double a = v.a(j) - centre, b = v.b(j) - centre;
    sum += a + b;
    sum_squares += a * a + b * b;
  }
  const double mean = sum / (2.0 * n);
  const double variance = sum_squares / (2.0 * n) - mean * mean;  // of A and B together
  SobolIndices indices;
  for (std::size_t i = 0; i < v.d; ++i) {
    double first = 0.0, total = 0.0;
    for (const std::size_t j : rows) {
      first += (v.b(j) - centre) * (v.ab(j, i) - v.a(j));
      total += (v.a(j) - v.ab(j, i)) * (v.a(j) - v.ab(j, i));
    }
    indices.first.push_back({first / n / variance, 0, 0});
    indices.total.push_back({total / (2.0 * n) / variance, 0, 0});
  }
  if (second_order) {
    for (std::size_t i = 0; i < v.d; ++i) {
      for (std::size_t k = i + 1; k < v.d; ++k) {
        double joint = 0.0;
        for (const std::size_t j : rows) {
          joint +=
              (v.ba(j, i) - centre) * (v.ab(j, k) - centre) - (v.a(j) - centre) * (v.b(j) - centre);
        }
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
  double centre = 0.0;
  for (const double value : y) centre += value;
  centre /= static_cast<double>(std::max<std::size_t>(1, y.size()));
  SobolIndices result = estimate(view, all, second, centre);
  std::vector<SobolIndices> resamples;
  for (std::uint32_t r = 0; r < bootstrap.resamples; ++r)
    resamples.push_back(estimate(view, resample_indices(bootstrap.seed, r, n), second, centre));
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

std::vector<std::string> sobol_notes(const SobolIndices& indices,
                                     const std::vector<std::string>& names,
                                     std::uint64_t base_rows) {
  std::vector<std::string> notes;
  double widest = 0.0, sum_first = 0.0;
  std::string beyond, inverted, null;
  auto add = [](std::string& list, const std::string& name) {
    list += (list.empty() ? "" : ", ") + name;
  };
  for (std::size_t i = 0; i < indices.first.size(); ++i) {
    const Interval& s1 = indices.first[i];
    const Interval& st = indices.total[i];
    widest = std::max(widest, s1.high - s1.low);
    sum_first += s1.estimate;
    if (st.estimate > 1.0 || s1.estimate < 0.0 || s1.estimate > 1.0) add(beyond, names[i]);
    if (s1.estimate > st.estimate + 1e-12) add(inverted, names[i]);
    if (s1.low <= 0.0 && st.low <= 0.0) add(null, names[i]);
  }
  if (base_rows < 512 || widest > 0.2) {
    char text[320];
    std::snprintf(text, sizeof text,
                  "With N = %llu base rows the intervals are wide (the widest S1 interval spans "
                  "%.2f); an index whose interval contains 0 is not distinguishable from 0. "
                  "Raise -n (the width falls as 1/sqrt(N)) or the replications per point.",
                  static_cast<unsigned long long>(base_rows), widest);
    notes.emplace_back(text);
  }
  if (!beyond.empty()) {
    notes.push_back("Estimates outside [0, 1] (" + beyond +
                    ") are estimation error, not effects: the true indices lie in [0, 1]. They "
                    "arise when N is small or the output is noisy (few replications per point); "
                    "read the intervals, and raise -n or -r.");
  }
  if (!inverted.empty()) {
    notes.push_back("S1 above ST (" + inverted +
                    ") is estimation error: the true S1 never exceeds ST. Compare intervals, "
                    "not estimates.");
  }
  if (!indices.first.empty() && sum_first < 0.7) {
    char text[240];
    std::snprintf(text, sizeof text,
                  "The first-order indices sum to %.2f: about %.0f%% of the variance comes from "
                  "interactions between factors (ST - S1 shows which); --second-order estimates "
                  "the pairs.",
                  sum_first, 100.0 * std::max(0.0, 1.0 - sum_first));
    notes.emplace_back(text);
  }
  if (!null.empty()) notes.push_back("Not distinguishable from no effect at this N: " + null + ".");
  return notes;
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
