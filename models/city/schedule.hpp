// The schedule of the city model: its modules in the order their hooks run within each phase.
// This is the one table that orders the processes; docs/model.md (process overview) lists the same
// order (a test checks it). Adding a mechanism: docs/architecture.md, "How to add a module".
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "models/city/modules/modules.hpp"

namespace innosim::models::city {

struct ModuleRegistration {
  std::string_view name;
  const sim::ParameterTable<CityParams>& (*parameters)();
  std::unique_ptr<Module> (*create)(const ModuleSetup& setup);
};

[[nodiscard]] const std::vector<ModuleRegistration>& schedule();

/// What is wrong with a set of modules, one sentence each (empty when sound): a firm column
/// owned by two modules or by none, a column name no table has, a fixed metric filled by two
/// modules or by none, overlapping random-word claims, a registration whose module reports
/// another name.
[[nodiscard]] std::vector<std::string> check_modules(
    const std::vector<std::unique_ptr<Module>>& modules);

}  // namespace innosim::models::city
