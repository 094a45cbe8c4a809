// The exit module's hazard in age, a pure function the module tabulates and the tests check
// (docs/model.md §3.2.6).
#pragma once

#include "models/city/city_params.hpp"

namespace innosim::models::city {

/// Market exit hazard (per year) of a firm of `years` of age at the reference size: rising
/// linearly from exit_hazard_birth at founding to exit_hazard_peak at exit_peak_age_years, then
/// falling exponentially (time constant exit_decline_years) towards exit_hazard_old.
[[nodiscard]] double exit_hazard_at_age(const CityParams& params, double years);

}  // namespace innosim::models::city
