// Factors of an experiment: scenario parameters that a design varies. Uncertainties are
// exogenous parameters with a probability distribution; levers are policy parameters with a
// range or a list of choices (uniform over them). A design works in the unit cube; a factor
// maps its unit coordinate u in [0, 1] to a parameter value by the inverse of its CDF.
#pragma once

#include <string>
#include <vector>

#include "sim/params/parameter_spec.hpp"

namespace innosim::sim {

enum class FactorDistribution { UNIFORM, LOG_UNIFORM, NORMAL, TRIANGULAR, CHOICE };

struct Factor {
  std::string name;       ///< the table's name: [uncertainties.<name>] or [levers.<name>]
  std::string parameter;  ///< the scenario key it sets, e.g. "city.growth_sd"
  bool lever = false;
  FactorDistribution distribution = FactorDistribution::UNIFORM;
  ParameterType type = ParameterType::REAL;  ///< the parameter's type
  double low = 0.0;  ///< uniform, log-uniform, triangular: support; normal: truncation
  double high = 1.0;
  double mode = 0.5;  ///< triangular
  double mean = 0.0;  ///< normal
  double sd = 1.0;
  std::vector<ParameterValue> choices;  ///< CHOICE: the values, equally likely

  /// The parameter value at unit coordinate u (INTEGER parameters: whole numbers in
  /// [low, high], each equally likely under a uniform u).
  [[nodiscard]] ParameterValue value_at(double u) const;
  /// The number recorded in /experiments/design: the value, or the index of a choice.
  [[nodiscard]] double recorded_at(double u) const;
  /// Describes the distribution, e.g. "uniform(0.3, 0.6)" (an HDF5 attribute, the tables).
  [[nodiscard]] std::string describe() const;
  /// Grid levels: CHOICE has one per choice; other factors the grid's `levels`.
  [[nodiscard]] std::vector<double> grid_coordinates(int levels) const;
};

[[nodiscard]] const char* distribution_name(FactorDistribution distribution);

}  // namespace innosim::sim
