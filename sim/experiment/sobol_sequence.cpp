#include "sim/experiment/sobol_sequence.hpp"

#include <bit>
#include <stdexcept>
#include <string>

#include "sim/rng/stream.hpp"

namespace innosim::sim {

namespace {

struct SobolDirection {
  std::uint32_t polynomial;
  std::uint32_t initial[18];
};

#include "sim/experiment/joe_kuo_directions.inc"

int degree_of(std::uint32_t polynomial) {
  int degree = -1;
  for (std::uint32_t p = polynomial; p != 0; p >>= 1) ++degree;
  return degree;
}

constexpr StreamPurpose PURPOSE_SCRAMBLE = 202;  ///< distinct from the designs' and bootstrap's

}  // namespace

void SobolSequence::scramble(std::uint64_t seed) {
  if (index_ != 0) throw std::logic_error("a Sobol sequence is scrambled before its first point");
  constexpr std::uint32_t ALL = (1u << BITS) - 1;
  for (int d = 0; d < dimensions_; ++d) {
    const StreamKey stream(seed, PURPOSE_SCRAMBLE, static_cast<std::uint32_t>(d), 0);
    // Row k of the matrix (digit k, the most significant first) as a mask over the 30-bit
    // integer: its own digit (the unit diagonal) and random ones among the more significant.
    std::uint32_t rows[BITS];
    for (int k = 0; k < BITS; ++k) {
      const int position = BITS - 1 - k;
      const std::uint32_t higher = ALL & ~((2u << position) - 1u);
      rows[k] = (1u << position) | (stream.block(static_cast<std::uint32_t>(k))[0] & higher);
    }
    auto mix = [&rows](std::uint32_t x) {
      std::uint32_t y = 0;
      for (int k = 0; k < BITS; ++k)
        if (std::popcount(rows[k] & x) & 1) y |= 1u << (BITS - 1 - k);
      return y;
    };
    // The scramble is linear over GF(2): scrambling each direction number scrambles every point
    // (a point is the XOR of directions); the shift is the origin's image.
    std::uint32_t* v = &directions_[static_cast<std::size_t>(d) * BITS];
    for (int j = 0; j < BITS; ++j) v[j] = mix(v[j]);
    state_[static_cast<std::size_t>(d)] = stream.block(BITS)[0] & ALL;
  }
}

int SobolSequence::max_dimensions() { return SOBOL_DIMENSIONS; }

SobolSequence::SobolSequence(int dimensions)
    : dimensions_(dimensions),
      directions_(static_cast<std::size_t>(dimensions) * BITS, 0),
      state_(static_cast<std::size_t>(dimensions), 0) {
  if (dimensions < 1 || dimensions > SOBOL_DIMENSIONS) {
    throw std::invalid_argument("Sobol sequences have 1 to " + std::to_string(SOBOL_DIMENSIONS) +
                                " dimensions here; asked for " + std::to_string(dimensions));
  }
  for (int d = 0; d < dimensions; ++d) {
    std::uint32_t* v = &directions_[static_cast<std::size_t>(d) * BITS];
    if (d == 0) {
      for (int j = 0; j < BITS; ++j) v[j] = 1;
    } else {
      const std::uint32_t p = SOBOL_DIRECTIONS[d].polynomial;
      const int m = degree_of(p);
      for (int j = 0; j < m; ++j) v[j] = SOBOL_DIRECTIONS[d].initial[j];
      // Bratley & Fox's recurrence over the polynomial's coefficients.
      for (int j = m; j < BITS; ++j) {
        std::uint32_t value = v[j - m];
        std::uint32_t power = 1;
        for (int k = 0; k < m; ++k) {
          power <<= 1;
          if ((p >> (m - 1 - k)) & 1u) value ^= power * v[j - k - 1];
        }
        v[j] = value;
      }
    }
    for (int j = 0; j < BITS; ++j) v[j] <<= (BITS - 1 - j);  // as binary fractions of 2^BITS
  }
}

void SobolSequence::next(double* point) {
  constexpr double SCALE = 1.0 / static_cast<double>(1u << BITS);
  for (int d = 0; d < dimensions_; ++d) point[d] = state_[static_cast<std::size_t>(d)] * SCALE;
  skip(1);
}

void SobolSequence::skip(std::uint64_t count) {
  for (std::uint64_t i = 0; i < count; ++i) {
    // Gray-code order: flip the direction of the lowest zero bit of the index.
    int bit = 0;
    while ((index_ >> bit) & 1u) ++bit;
    if (bit >= BITS) throw std::out_of_range("Sobol sequence exhausted (2^30 points)");
    for (int d = 0; d < dimensions_; ++d)
      state_[static_cast<std::size_t>(d)] ^= directions_[static_cast<std::size_t>(d) * BITS + bit];
    ++index_;
  }
}

}  // namespace innosim::sim
