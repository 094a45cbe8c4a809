// The models a scenario can name in `scenario.model`, with their parameter dictionaries.
// A new model is one entry here plus its own folder.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "sim/params/parameter_spec.hpp"
#include "sim/run/model.hpp"

namespace innosim::models {

struct ModelEntry {
  std::string name;         ///< value of scenario.model, and the name of its parameter table
  std::string description;  ///< one line for --help and the docs
  const std::vector<sim::ParameterSpec>& (*parameter_specs)();
  /// Checks that go beyond one key's range (keys that contradict each other).
  std::vector<sim::ParameterProblem> (*check)(const sim::ParameterSet& values,
                                              const sim::TimeAxis& time);
  /// Builds the model from resolved parameters that passed check().
  std::unique_ptr<sim::Model> (*create)(const sim::ParameterSet& values, const sim::TimeAxis& time);
  /// Optional table of named sub-tables, [<named_table>.<name>], each validated against the
  /// same keys (relative, e.g. "amount"): one per policy instrument, for instance.
  std::string named_table;
  const std::vector<sim::ParameterSpec>& (*named_table_specs)() = nullptr;
};

[[nodiscard]] const std::vector<ModelEntry>& model_registry();
/// nullptr if no model has that name.
[[nodiscard]] const ModelEntry* find_model(const std::string& name);

}  // namespace innosim::models
