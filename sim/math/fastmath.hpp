// Vectorisable single-precision exp, log and sin/cos of 2*pi*u for the simulation kernels.
//
// Why not libm or Eigen: results must be bit-identical whichever row lands in a loop's vector
// body or its scalar remainder, and whatever instruction set the binary is built for. glibc's
// scalar expf and its vector variants (libmvec) round differently, and Eigen's packet kernels
// use FMA when the target has it. These functions use only +, -, *, comparisons and bit moves,
// so with -ffp-contract=off they give the same bits in scalar and SIMD code on any x86-64 (or
// other IEEE-754) target. Accuracy against libm is tested in tests/sim/test_fastmath.cpp.
//
// Polynomials are the classic Cephes single-precision minimax approximations (S. Moshier).
#pragma once

#include <bit>
#include <cstdint>

namespace innosim::sim::fastmath {

/// e^x for x in [-87, 88]; inputs outside are clamped (results saturate near 0 / FLT_MAX).
/// Error <= 2 ulp against expf over that range.
[[nodiscard]] inline float exp(float x) noexcept {
  constexpr float LOG2E = 1.44269504088896341f;
  constexpr float LN2_HI = 0.693359375f;      // exactly representable part of ln 2
  constexpr float LN2_LO = -2.12194440e-4f;   // ln 2 - LN2_HI
  constexpr float ROUND_MAGIC = 12582912.0f;  // 1.5 * 2^23: adding it rounds to an integer
  x = x < -87.0f ? -87.0f : x;
  x = x > 88.0f ? 88.0f : x;
  const float shifted = x * LOG2E + ROUND_MAGIC;
  const float n = shifted - ROUND_MAGIC;  // round-to-nearest(x / ln 2), exact integer
  const float r = (x - n * LN2_HI) - n * LN2_LO;
  float p = 1.9875691500e-4f;
  p = p * r + 1.3981999507e-3f;
  p = p * r + 8.3334519073e-3f;
  p = p * r + 4.1665795894e-2f;
  p = p * r + 1.6666665459e-1f;
  p = p * r + 5.0000001201e-1f;
  const float er = (p * (r * r) + r) + 1.0f;
  // 2^n from the exponent bits; n is within [-126, 127] after the clamp above.
  const std::int32_t n_int = static_cast<std::int32_t>(n);
  const float two_n = std::bit_cast<float>(static_cast<std::uint32_t>(n_int + 127) << 23);
  return er * two_n;
}

/// Natural logarithm for finite x > 0 and normal (x >= 2^-126). Error <= 2 ulp against logf.
[[nodiscard]] inline float log(float x) noexcept {
  constexpr float SQRT_HALF = 0.707106781186547524f;
  const std::uint32_t bits = std::bit_cast<std::uint32_t>(x);
  // x = m * 2^e with m in [0.5, 1)
  float e = static_cast<float>(static_cast<std::int32_t>(bits >> 23) - 126);
  float m = std::bit_cast<float>((bits & 0x007fffffu) | 0x3f000000u);
  const bool small = m < SQRT_HALF;
  e = small ? e - 1.0f : e;
  m = small ? (m + m) - 1.0f : m - 1.0f;
  const float z = m * m;
  float y = 7.0376836292e-2f;
  y = y * m - 1.1514610310e-1f;
  y = y * m + 1.1676998740e-1f;
  y = y * m - 1.2420140846e-1f;
  y = y * m + 1.4249322787e-1f;
  y = y * m - 1.6668057665e-1f;
  y = y * m + 2.0000714765e-1f;
  y = y * m - 2.4999993993e-1f;
  y = y * m + 3.3333331174e-1f;
  y = (y * m) * z;
  y = y + e * -2.12194440e-4f;
  y = y - 0.5f * z;
  return (m + y) + e * 0.693359375f;
}

/// cos(2*pi*u) and sin(2*pi*u) for u in [0, 1) given as a multiple of 2^-24 (as made by
/// u01_closed_open): the reduction to [-pi/4, pi/4] is then exact. Error <= 2 ulp + 1e-7 abs.
struct SinCos {
  float sin;
  float cos;
};
[[nodiscard]] inline SinCos sincos_2pi(float u) noexcept {
  constexpr float ROUND_MAGIC = 12582912.0f;
  constexpr float TWO_PI = 6.28318530717958648f;
  const float quadrant = ((4.0f * u) + ROUND_MAGIC) - ROUND_MAGIC;  // nearest integer, 0..4
  const float f = u - 0.25f * quadrant;                             // exact, in [-1/8, 1/8]
  const float a = f * TWO_PI;
  const float z = a * a;
  const float sin_a =
      a + (a * z) * (-1.6666654611e-1f + z * (8.3321608736e-3f + z * -1.9515295891e-4f));
  const float cos_a =
      (1.0f - 0.5f * z) +
      (z * z) * (4.166664568298827e-2f + z * (-1.388731625493765e-3f + z * 2.443315711809948e-5f));
  const std::int32_t q = static_cast<std::int32_t>(quadrant) & 3;
  // rotate by q quarter turns: (cos, sin) of a + q*pi/2
  const float c = q == 0 ? cos_a : q == 1 ? -sin_a : q == 2 ? -cos_a : sin_a;
  const float s = q == 0 ? sin_a : q == 1 ? cos_a : q == 2 ? -sin_a : -cos_a;
  return {s, c};
}

}  // namespace innosim::sim::fastmath
