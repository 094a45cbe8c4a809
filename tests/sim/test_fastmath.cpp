// The kernels' exp/log/sincos against glibc's double-precision functions (an independent
// implementation), and scalar-versus-vectorised identity.
#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <cstdint>
#include <vector>

#include "sim/math/fastmath.hpp"
#include "sim/rng/distributions.hpp"

namespace innosim::sim {
namespace {

/// Distance in units in the last place of float between a float and the exact value.
double ulp_error(float computed, double exact) {
  const float rounded = static_cast<float>(exact);
  const float ulp = std::nextafter(std::fabs(rounded), INFINITY) - std::fabs(rounded);
  return std::fabs(static_cast<double>(computed) - exact) / static_cast<double>(ulp);
}

TEST(FastMath, ExpIsWithinTwoUlpOverTheUsedRange) {
  double worst = 0.0;
  for (float x = -87.0f; x <= 88.0f; x += 0.000731f) {
    worst = std::max(worst, ulp_error(fastmath::exp(x), std::exp(static_cast<double>(x))));
  }
  EXPECT_LE(worst, 2.0);
}

TEST(FastMath, LogIsWithinTwoUlpFromTwoPowMinus24ToLarge) {
  double worst = 0.0;
  for (float x = 1.0f / 16777216.0f; x < 1.0e30f; x *= 1.0000371f) {
    const double exact = std::log(static_cast<double>(x));
    if (std::fabs(exact) < 1e-3) continue;  // relative ulp error is meaningless near log(1) = 0
    worst = std::max(worst, ulp_error(fastmath::log(x), exact));
  }
  EXPECT_LE(worst, 2.0);
  // Near 1 the absolute error is what matters.
  for (float x = 0.999f; x < 1.001f; x = std::nextafter(x, 2.0f)) {
    EXPECT_NEAR(fastmath::log(x), std::log(static_cast<double>(x)),
                1.2e-7 * std::fabs(std::log(static_cast<double>(x))) + 1e-10);
  }
}

TEST(FastMath, SinCosOfTwoPiUAreAccurateOnTheUniformGrid) {
  double worst = 0.0;
  const double two_pi = 6.283185307179586476925;
  for (std::uint32_t cell = 0; cell < (1u << 24); cell += 97) {
    const float u = static_cast<float>(cell) * TWO_POW_MINUS_24;
    const fastmath::SinCos value = fastmath::sincos_2pi(u);
    worst = std::max(worst, std::fabs(value.cos - std::cos(two_pi * u)));
    worst = std::max(worst, std::fabs(value.sin - std::sin(two_pi * u)));
  }
  EXPECT_LE(worst, 2.5e-7);  // about two float ulps of 1
}

// The same function called through a pointer the optimiser cannot see through is scalar; the
// loop below is vectorised. They must agree to the bit (the kernels rely on it).
using UnaryFloat = float (*)(float);
float scalar_exp(float x) { return fastmath::exp(x); }
float scalar_log(float x) { return fastmath::log(x); }
volatile UnaryFloat opaque_exp = &scalar_exp;
volatile UnaryFloat opaque_log = &scalar_log;

TEST(FastMath, VectorisedAndScalarResultsAreBitIdentical) {
  std::vector<float> inputs(4099), exps(inputs.size()), logs(inputs.size());
  for (std::size_t i = 0; i < inputs.size(); ++i)
    inputs[i] = -20.0f + 0.01f * static_cast<float>(i);
  for (std::size_t i = 0; i < inputs.size(); ++i) exps[i] = fastmath::exp(inputs[i]);
  for (std::size_t i = 0; i < inputs.size(); ++i) logs[i] = fastmath::log(exps[i]);
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    ASSERT_EQ(std::bit_cast<std::uint32_t>(exps[i]),
              std::bit_cast<std::uint32_t>(opaque_exp(inputs[i])));
    ASSERT_EQ(std::bit_cast<std::uint32_t>(logs[i]),
              std::bit_cast<std::uint32_t>(opaque_log(exps[i])));
  }
}

}  // namespace
}  // namespace innosim::sim
