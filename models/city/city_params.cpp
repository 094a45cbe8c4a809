// The [city] dictionary: the parameter tables of the modules, joined in schedule order. Each
// key lives in the module that uses it (modules/*.cpp), with its meaning, unit, range and
// source; docs/parameters.md is generated from it.
#include "models/city/city_params.hpp"

#include "models/city/schedule.hpp"

namespace innosim::models::city {

namespace {

const sim::ParameterTable<CityParams>& table() {
  static const sim::ParameterTable<CityParams> joined = [] {
    sim::ParameterTable<CityParams> all;
    for (const ModuleRegistration& module : schedule()) all.append(module.parameters());
    return all;
  }();
  return joined;
}

}  // namespace

const std::vector<sim::ParameterSpec>& parameter_specs() { return table().specs(); }

CityParams CityParams::from(const sim::ParameterSet& values) { return table().fill(values); }

CityParams CityParams::defaults() { return table().defaults(); }

}  // namespace innosim::models::city
