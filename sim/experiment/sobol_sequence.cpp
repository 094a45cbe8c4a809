#include "sim/experiment/sobol_sequence.hpp"

#include <stdexcept>
#include <string>

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

}  // namespace

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
