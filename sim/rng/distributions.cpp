#include "sim/rng/distributions.hpp"

#include <cmath>

namespace innosim::sim {

namespace {

// lgamma_r, not std::lgamma: glibc's lgamma writes the global `signgam`, a data race when
// replications draw births on several threads.
double log_factorial(double k) {
  int sign = 0;
  return ::lgamma_r(k + 1.0, &sign);
}

std::int64_t poisson_inversion(DrawSequence& draws, double mean) {
  const double u = draws.next_u01();
  double probability = std::exp(-mean);
  double cumulative = probability;
  std::int64_t k = 0;
  // Guard against the (probability ~1e-16) case where rounding leaves cumulative below u.
  while (u > cumulative && k < 1000) {
    ++k;
    probability *= mean / static_cast<double>(k);
    cumulative += probability;
  }
  return k;
}

std::int64_t poisson_ptrs(DrawSequence& draws, double mean) {
  const double sqrt_mean = std::sqrt(mean);
  const double log_mean = std::log(mean);
  const double b = 0.931 + 2.53 * sqrt_mean;
  const double a = -0.059 + 0.02483 * b;
  const double inverse_alpha = 1.1239 + 1.1328 / (b - 3.4);
  const double v_r = 0.9277 - 3.6224 / (b - 2.0);
  for (;;) {
    const double u = draws.next_u01() - 0.5;
    const double v = draws.next_u01();
    const double us = 0.5 - std::fabs(u);
    const double k = std::floor((2.0 * a / us + b) * u + mean + 0.43);
    if (us >= 0.07 && v <= v_r) return static_cast<std::int64_t>(k);
    if (k < 0.0 || (us < 0.013 && v > us)) continue;
    if (std::log(v) + std::log(inverse_alpha) - std::log(a / (us * us) + b) <=
        -mean + k * log_mean - log_factorial(k)) {
      return static_cast<std::int64_t>(k);
    }
  }
}

}  // namespace

std::int64_t poisson(DrawSequence& draws, double mean) {
  if (!(mean > 0.0)) return 0;
  return mean < 10.0 ? poisson_inversion(draws, mean) : poisson_ptrs(draws, mean);
}

}  // namespace innosim::sim
