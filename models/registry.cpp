#include "models/registry.hpp"

#include "models/ref1/ref1_model.hpp"

namespace innosim::models {

namespace {

std::vector<sim::ParameterProblem> check_ref1(const sim::ParameterSet& values,
                                              const sim::TimeAxis& time) {
  std::vector<sim::ParameterProblem> problems;
  const ref1::Ref1Params params = ref1::Ref1Params::from(values);
  if (params.small_revenue_limit > params.medium_revenue_limit) {
    problems.push_back({"ref1.small_revenue_limit",
                        "must not exceed ref1.medium_revenue_limit (" +
                            sim::to_toml_text(values.real("ref1.medium_revenue_limit")) + ")"});
  }
  // Born firms get ids from 2^31 upwards; their expected number must stay far below 2^31.
  if (params.births_per_step * time.steps > 1.0e9) {
    problems.push_back(
        {"ref1.births_per_step",
         "times scenario.steps must stay below 1e9 expected births (firm ids are 32-bit)"});
  }
  if (time.steps > 65535) {
    problems.push_back({"scenario.steps", "must be at most 65535 for ref1 (firm ages are 16-bit)"});
  }
  return problems;
}

std::unique_ptr<sim::Model> create_ref1(const sim::ParameterSet& values,
                                        const sim::TimeAxis& time) {
  return std::make_unique<ref1::Ref1Model>(ref1::Ref1Params::from(values), time);
}

}  // namespace

const std::vector<ModelEntry>& model_registry() {
  static const std::vector<ModelEntry> registry = {
      {"ref1", "REF-1, the reference ladder model of design.md (benchmark and oracle)",
       &ref1::parameter_specs, &check_ref1, &create_ref1},
  };
  return registry;
}

const ModelEntry* find_model(const std::string& name) {
  for (const ModelEntry& entry : model_registry()) {
    if (entry.name == name) return &entry;
  }
  return nullptr;
}

}  // namespace innosim::models
