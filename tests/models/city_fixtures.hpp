// Shared helpers for the city-model tests: models built from scenario text, as users build them.
#pragma once

#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include "io/scenario/scenario.hpp"
#include "models/city/city_model.hpp"
#include "models/registry.hpp"
#include "sim/run/runner.hpp"

namespace innosim::models::city::testing {

/// A small city (1,950 starting firms) with enough entry for the rounds to have work: the
/// start of a [city] table that tests extend with their own keys.
inline constexpr const char* SMALL_CITY =
    "[city]\ninitial_candidates = 1500\ninitial_tech_sme = 300\ninitial_high_tech = 150\n"
    "registrations_per_year = 20000\nspinoffs_per_year = 20\ntalent_teams_per_year = 20\n";

/// A city scenario: [scenario] with the given steps, then `tables` verbatim.
inline io::Scenario city_scenario(const std::string& tables, int steps = 24,
                                  int start_year = 2022) {
  const std::string text =
      "[scenario]\nmodel = \"city\"\nstart_year = " + std::to_string(start_year) +
      "\nsteps = " + std::to_string(steps) + "\n" + tables;
  return io::parse_scenario(text, "test.toml");
}

inline std::unique_ptr<CityModel> city_model(const io::Scenario& scenario) {
  return std::make_unique<CityModel>(CityParams::from(scenario.values),
                                     instruments_from(scenario.values), scenario.time);
}

/// Runs the model; snapshots as the scenario's [output] asks, when one is given.
inline sim::Ensemble run(const sim::Model& model, std::uint32_t replications, int threads = 0,
                         std::uint64_t seed = 11, const io::Scenario* output = nullptr) {
  sim::RunOptions options;
  options.seed = seed;
  options.replications = replications;
  options.threads = threads;
  if (output != nullptr) {
    options.snapshot_years = output->snapshot_years;
    options.snapshot_replication = output->snapshot_replication;
  }
  return sim::run_ensemble(model, options);
}

/// Index of a metric by name (the instrument spending metrics follow the fixed ones).
inline std::size_t metric_index(const sim::Model& model, const std::string& name) {
  const auto& metrics = model.metrics();
  for (std::size_t i = 0; i < metrics.size(); ++i) {
    if (metrics[i].name == name) return i;
  }
  throw std::out_of_range("no metric " + name);
}

/// Mean over the replications of b - a and its paired t statistic (a, b: one value per
/// replication, on common random numbers).
struct PairedDifference {
  double mean = 0.0;
  double t = 0.0;
};
inline PairedDifference paired(const std::vector<double>& a, const std::vector<double>& b) {
  const auto n = static_cast<double>(a.size());
  PairedDifference d;
  for (std::size_t r = 0; r < a.size(); ++r) d.mean += (b[r] - a[r]) / n;
  double ss = 0.0;
  for (std::size_t r = 0; r < a.size(); ++r) ss += (b[r] - a[r] - d.mean) * (b[r] - a[r] - d.mean);
  d.t = d.mean / (std::sqrt(ss / (n - 1.0)) / std::sqrt(n));
  return d;
}

}  // namespace innosim::models::city::testing
