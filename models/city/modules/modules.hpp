// The process modules of the city model (schedule.cpp orders them). Each module file defines
// its parameters (the [city] keys it owns) and its factory, declared here.
#pragma once

#include <memory>

#include "models/city/module.hpp"
#include "sim/run/model.hpp"

namespace innosim::models::city {

/// What a module is built from.
struct ModuleSetup {
  const CityParams& params;
  const sim::TimeAxis& time;
  const InstrumentSet& instruments;

  /// The step's length in years, as the firm kernels use it (single precision).
  [[nodiscard]] float dt() const { return static_cast<float>(time.step_months) / 12.0f; }
};

#define INNOSIM_CITY_MODULE(name)                             \
  const sim::ParameterTable<CityParams>& name##_parameters(); \
  std::unique_ptr<Module> make_##name(const ModuleSetup& setup);
INNOSIM_CITY_MODULE(entry)
INNOSIM_CITY_MODULE(rd_choice)
INNOSIM_CITY_MODULE(growth)
INNOSIM_CITY_MODULE(exit)
INNOSIM_CITY_MODULE(employment)
INNOSIM_CITY_MODULE(innovation)
INNOSIM_CITY_MODULE(cash_tax)
INNOSIM_CITY_MODULE(ipo)
INNOSIM_CITY_MODULE(tiers)
INNOSIM_CITY_MODULE(tech_sme)
INNOSIM_CITY_MODULE(high_tech)
INNOSIM_CITY_MODULE(labels)
INNOSIM_CITY_MODULE(instruments)
INNOSIM_CITY_MODULE(incubation)
INNOSIM_CITY_MODULE(accounts)
INNOSIM_CITY_MODULE(context)
INNOSIM_CITY_MODULE(network)
INNOSIM_CITY_MODULE(loans)
INNOSIM_CITY_MODULE(knowledge)
INNOSIM_CITY_MODULE(spillovers)
INNOSIM_CITY_MODULE(equity)
INNOSIM_CITY_MODULE(recording)
#undef INNOSIM_CITY_MODULE

/// The initial label stocks (exactly initial_gazelles, ... firms): for each label, firms that
/// qualify first by the label's priority, then the closest (most criteria met). Holds end over
/// the next holding_years rounds. The labels module's code, called by entry's START hook once
/// the starting firms are chosen (so that tiers, after entry in the schedule, see the labels).
void select_initial_labels(const CityParams& p, World& world, const StepContext& context);

/// A module without parameters.
const sim::ParameterTable<CityParams>& no_parameters();

}  // namespace innosim::models::city
