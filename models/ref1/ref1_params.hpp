// Parameters of the reference ladder model REF-1 (docs/model-ref1.md).
// Rates are per step; the defaults are for monthly steps.
#pragma once

#include <cstdint>
#include <vector>

#include "sim/params/parameter_spec.hpp"

namespace innosim::models::ref1 {

/// Each field's default, range, unit and source is in ref1_params.cpp, whose table fills it
/// (defaults included: defaults()).
struct Ref1Params {
  std::int64_t initial_firms = 0;
  double births_per_step = 0;  ///< lambda of the Poisson births
  // initial attributes (also used for births)
  float revenue_median = 0;  ///< 万元
  float revenue_log_sd = 0;
  float rd_median = 0;
  float rd_log_sd = 0;
  float rd_max = 0;
  // exit
  float exit_hazard = 0;             ///< h0, per step while young
  std::int64_t young_age_steps = 0;  ///< below this age the hazard is h0, else h0 / 2
  // growth: R <- R * exp(g0 + g1 * r + sigma * z)
  float growth_drift = 0;
  float growth_rd = 0;
  float growth_sd = 0;
  // candidate -> tech_sme
  float tech_sme_revenue_cap = 0;
  float tech_sme_probability = 0;
  float tech_sme_rd_reference = 0;
  // tech_sme -> high_tech: r >= theta(R)
  float high_tech_probability = 0;
  float high_tech_support = 0;  ///< policy lever s: probability p2 * (1 + s)
  float rd_threshold_small = 0;
  float rd_threshold_medium = 0;
  float rd_threshold_large = 0;
  float small_revenue_limit = 0;   ///< R < this: small band
  float medium_revenue_limit = 0;  ///< R <= this: medium band; above: large
  // high_tech -> leader / lapse
  float leader_revenue = 0;
  float leader_probability = 0;
  float lapse_probability = 0;

  /// Reads every key of parameter_specs() from a resolved parameter set.
  [[nodiscard]] static Ref1Params from(const sim::ParameterSet& values);
  /// The defaults, as a scenario without a [ref1] table gets them.
  [[nodiscard]] static Ref1Params defaults();
};

/// The dictionary of REF-1's keys with defaults, ranges, units and sources.
[[nodiscard]] const std::vector<sim::ParameterSpec>& parameter_specs();

}  // namespace innosim::models::ref1
