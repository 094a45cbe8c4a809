// The Sobol low-discrepancy sequence (Bratley & Fox 1988, Gray-code order) with Joe & Kuo's
// direction numbers: unscrambled, the same points as scipy.stats.qmc.Sobol(d, scramble=False)
// (checked by tests/python); or scrambled as scipy's scramble=True does, by Matoušek's (1998)
// random linear matrix scramble and a digital shift, which keep the net's stratification. Written
// here rather than taken from a library because no Debian C++ package provides it with Joe–Kuo
// numbers (Boost's sobol uses other direction numbers).
#pragma once

#include <cstdint>
#include <vector>

namespace innosim::sim {

class SobolSequence {
 public:
  static constexpr int BITS = 30;  ///< as scipy: points are multiples of 2^-30
  /// Largest dimension supported (the table in joe_kuo_directions.inc).
  [[nodiscard]] static int max_dimensions();

  explicit SobolSequence(int dimensions);
  [[nodiscard]] int dimensions() const { return dimensions_; }
  /// The next point (the first is the origin); `point` gets dimensions() values in [0, 1).
  void next(double* point);
  /// Skips `count` points.
  void skip(std::uint64_t count);
  /// Scrambles the sequence (before the first point): each dimension's binary digits are
  /// mixed by a random lower-triangular matrix with a unit diagonal and XORed with a random
  /// shift, drawn from `seed`'s stream. Randomised QMC: the points stay a (t, m, s)-net, so each
  /// coordinate of the first 2^m points still falls once in each interval of width 2^-m, but
  /// replicated designs with other seeds give independent estimates.
  void scramble(std::uint64_t seed);

 private:
  int dimensions_;
  std::vector<std::uint32_t> directions_;  ///< [dimension][bit]
  std::vector<std::uint32_t> state_;
  std::uint64_t index_ = 0;
};

}  // namespace innosim::sim
