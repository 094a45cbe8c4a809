// Distributions over identity-keyed random words. Fixed-cost ones (uniform, Bernoulli, normal,
// lognormal, Laplace) are branch-free functions of the words so they vectorise inside the
// agent loops; Poisson takes a variable number of words from a DrawSequence.
#pragma once

#include <cmath>
#include <cstdint>

#include "sim/math/fastmath.hpp"
#include "sim/rng/stream.hpp"

namespace innosim::sim {

inline constexpr float TWO_POW_MINUS_24 = 1.0f / 16777216.0f;

/// Uniform on [0, 1) with 24 random bits (a multiple of 2^-24).
[[nodiscard]] inline float u01_closed_open(std::uint32_t word) noexcept {
  return static_cast<float>(word >> 8) * TWO_POW_MINUS_24;
}
/// Uniform on (0, 1] with 24 random bits: safe for log().
[[nodiscard]] inline float u01_open_closed(std::uint32_t word) noexcept {
  return static_cast<float>((word >> 8) + 1u) * TWO_POW_MINUS_24;
}
/// Uniform on (0, 1) with 24 random bits: the midpoints of the 2^24 cells.
[[nodiscard]] inline float u01_open_open(std::uint32_t word) noexcept {
  return (static_cast<float>(word >> 8) + 0.5f) * TWO_POW_MINUS_24;
}
/// Uniform on [0, 1) with 53 random bits from two words (for rare, precision-hungry draws).
[[nodiscard]] inline double u01_double(std::uint32_t high, std::uint32_t low) noexcept {
  const std::uint64_t bits = (static_cast<std::uint64_t>(high) << 21) ^ (low >> 11);
  return static_cast<double>(bits & ((std::uint64_t{1} << 53) - 1)) * 0x1.0p-53;
}

/// True with probability p (p <= 0: never; p >= 1: always; resolution 2^-24).
[[nodiscard]] inline bool bernoulli(std::uint32_t word, float p) noexcept {
  return u01_closed_open(word) < p;
}

/// Two independent standard normals from two words (Box-Muller).
struct NormalPair {
  float first;
  float second;
};
[[nodiscard]] inline NormalPair normal_pair(std::uint32_t word_radius,
                                            std::uint32_t word_angle) noexcept {
  const float radius = std::sqrt(-2.0f * fastmath::log(u01_open_closed(word_radius)));
  const fastmath::SinCos angle = fastmath::sincos_2pi(u01_closed_open(word_angle));
  return {radius * angle.cos, radius * angle.sin};
}
/// One standard normal from two words (the cosine half of Box-Muller).
[[nodiscard]] inline float normal(std::uint32_t word_radius, std::uint32_t word_angle) noexcept {
  return normal_pair(word_radius, word_angle).first;
}

/// LogNormal with the given median (e^mu) and log-scale sigma, from a standard normal z.
[[nodiscard]] inline float lognormal_from_normal(float median, float sigma, float z) noexcept {
  return median * fastmath::exp(sigma * z);
}

/// Laplace(location, scale) by inversion; variance 2 * scale^2.
[[nodiscard]] inline float laplace(std::uint32_t word, float location, float scale) noexcept {
  const float centred = u01_open_open(word) - 0.5f;  // (-0.5, 0.5), never exactly +-0.5
  const float magnitude = -scale * fastmath::log(1.0f - 2.0f * std::fabs(centred));
  return centred < 0.0f ? location - magnitude : location + magnitude;
}

/// Successive random words of one (stream, agent): for draws whose word count varies.
class DrawSequence {
 public:
  DrawSequence(const StreamKey& stream, std::uint32_t agent_id) noexcept
      : stream_(stream), agent_id_(agent_id) {}

  std::uint32_t next_word() noexcept {
    if (position_ == 4) {
      block_ = stream_.block(agent_id_, next_block_index_++);
      position_ = 0;
    }
    return block_[position_++];
  }
  double next_u01() noexcept {
    const std::uint32_t high = next_word();
    return u01_double(high, next_word());
  }

 private:
  StreamKey stream_;
  std::uint32_t agent_id_;
  std::uint32_t next_block_index_ = 0;
  PhiloxBlock block_{};
  int position_ = 4;
};

/// Poisson(mean): inversion for small means, Hörmann's PTRS transformed rejection (1993) for
/// mean >= 10 (the algorithm numpy uses), so the cost stays bounded for large means.
[[nodiscard]] std::int64_t poisson(DrawSequence& draws, double mean);

}  // namespace innosim::sim
