// Parameters of the reference ladder model REF-1 (docs/model-ref1.md).
// Rates are per step; the defaults are for monthly steps.
#pragma once

#include <cstdint>
#include <vector>

#include "sim/params/parameter_spec.hpp"

namespace innosim::models::ref1 {

struct Ref1Params {
  std::int64_t initial_firms = 100000;
  double births_per_step = 0.0;  ///< lambda of the Poisson births
  // initial attributes (also used for births)
  float revenue_median = 300.0f;  ///< 万元
  float revenue_log_sd = 1.0f;
  float rd_median = 0.04f;
  float rd_log_sd = 0.5f;
  float rd_max = 0.3f;
  // exit
  float exit_hazard = 0.01f;          ///< h0, per step while young
  std::int64_t young_age_steps = 36;  ///< below this age the hazard is h0, else h0 / 2
  // growth: R <- R * exp(g0 + g1 * r + sigma * z)
  float growth_drift = 0.002f;
  float growth_rd = 0.05f;
  float growth_sd = 0.06f;
  // candidate -> tech_sme
  float tech_sme_revenue_cap = 20000.0f;
  float tech_sme_probability = 0.03f;
  float tech_sme_rd_reference = 0.03f;
  // tech_sme -> high_tech: r >= theta(R)
  float high_tech_probability = 0.02f;
  float high_tech_support = 0.0f;  ///< policy lever s: probability p2 * (1 + s)
  float rd_threshold_small = 0.05f;
  float rd_threshold_medium = 0.04f;
  float rd_threshold_large = 0.03f;
  float small_revenue_limit = 5000.0f;    ///< R < this: small band
  float medium_revenue_limit = 20000.0f;  ///< R <= this: medium band; above: large
  // high_tech -> leader / lapse
  float leader_revenue = 100000.0f;
  float leader_probability = 0.05f;
  float lapse_probability = 0.005f;

  /// Reads the model's keys (prefix "ref1.") from a resolved parameter set.
  [[nodiscard]] static Ref1Params from(const sim::ParameterSet& values);
};

/// The dictionary of REF-1's keys with defaults, ranges, units and sources.
[[nodiscard]] const std::vector<sim::ParameterSpec>& parameter_specs();

}  // namespace innosim::models::ref1
