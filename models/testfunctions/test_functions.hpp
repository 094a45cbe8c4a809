// Analytic test functions of sensitivity analysis, runnable as models so that experiments can
// be checked end to end against known indices: Ishigami & Homma (1990) and Sobol's G function
// (Saltelli & Sobol 1995). Each records one metric "y" (the same value at every point).
#pragma once

#include <memory>
#include <vector>

#include "sim/params/parameter_spec.hpp"
#include "sim/run/model.hpp"

namespace innosim::models::testfunctions {

inline constexpr int SOBOL_G_FACTORS = 8;

/// y = sin x1 + a sin^2 x2 + b x3^4 sin x1, x_i in [-pi, pi].
[[nodiscard]] double ishigami(double x1, double x2, double x3, double a, double b);
/// y = prod_i (|4 x_i - 2| + a_i) / (1 + a_i), x_i in [0, 1].
[[nodiscard]] double sobol_g(const double* x, const double* a, int factors);

[[nodiscard]] const std::vector<sim::ParameterSpec>& ishigami_specs();
[[nodiscard]] const std::vector<sim::ParameterSpec>& sobol_g_specs();
[[nodiscard]] std::unique_ptr<sim::Model> create_ishigami(const sim::ParameterSet& values,
                                                          const sim::TimeAxis& time);
[[nodiscard]] std::unique_ptr<sim::Model> create_sobol_g(const sim::ParameterSet& values,
                                                         const sim::TimeAxis& time);

}  // namespace innosim::models::testfunctions
