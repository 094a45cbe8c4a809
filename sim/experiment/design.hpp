// Experimental designs in the unit cube: rows are design points, columns factors.
//   grid    full factorial over each factor's grid coordinates
//   lhs     Latin hypercube: each factor's [0, 1] cut into n strata, each hit exactly once
//   sobol   Saltelli's scheme on a Sobol sequence of 2D dimensions: for each of n base rows,
//           A, AB_1..AB_D, (BA_1..BA_D with second order), B   -> n(D+2) or n(2D+2) rows
//   morris  n trajectories of D+1 points on a p-level grid, one factor moved by Δ per step
// Random choices (LHS permutations and jitter, Morris starts, orders and directions) come from
// identity-keyed Philox streams of the design seed, so a design is a pure function of its
// arguments.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "sim/experiment/factor.hpp"

namespace innosim::sim {

enum class DesignKind { GRID, LHS, SOBOL, MORRIS };

[[nodiscard]] const char* design_name(DesignKind kind);

struct DesignOptions {
  DesignKind kind = DesignKind::LHS;
  /// grid: levels per continuous factor; lhs: points; sobol: base rows; morris: trajectories.
  std::uint64_t n = 0;
  bool second_order = false;  ///< sobol
  bool scramble = false;      ///< sobol: randomised (scrambled) Sobol points, from `seed`
  int morris_levels = 4;      ///< morris: p (even)
  std::uint64_t seed = 1;
};

struct Design {
  DesignOptions options;
  std::size_t factors = 0;
  std::vector<double> unit;  ///< [point][factor], row-major

  [[nodiscard]] std::size_t points() const { return factors == 0 ? 0 : unit.size() / factors; }
  [[nodiscard]] const double* row(std::size_t point) const { return &unit[point * factors]; }
  /// sobol: rows per base row (D + 2, or 2D + 2).
  [[nodiscard]] std::size_t sobol_block() const {
    return options.second_order ? 2 * factors + 2 : factors + 2;
  }
};

/// The number of points a design will have (to refuse absurd sizes before building it).
[[nodiscard]] std::uint64_t design_points(const std::vector<Factor>& factors,
                                          const DesignOptions& options);
/// Builds the design; throws std::invalid_argument with a sentence for impossible requests.
[[nodiscard]] Design make_design(const std::vector<Factor>& factors, const DesignOptions& options);

}  // namespace innosim::sim
