// Shared helpers for the REF-1 tests.
#pragma once

#include "models/ref1/ref1_model.hpp"
#include "sim/run/runner.hpp"

namespace innosim::models::ref1::testing {

inline sim::TimeAxis monthly(int steps) {
  sim::TimeAxis time;
  time.start_year = 2022;
  time.steps = steps;
  time.step_months = 1;
  return time;
}

inline sim::Ensemble run(const Ref1Params& params, int steps, std::uint32_t replications,
                         int threads = 0, std::uint64_t seed = 7) {
  const Ref1Model model(params, monthly(steps));
  sim::RunOptions options;
  options.seed = seed;
  options.replications = replications;
  options.threads = threads;
  return sim::run_ensemble(model, options);
}

inline double alive_total(const sim::Ensemble& ensemble, std::size_t replication,
                          std::size_t point) {
  double total = 0.0;
  for (std::size_t tier = 0; tier < TIER_COUNT; ++tier)
    total += ensemble.at(tier, replication, point);
  return total;
}

}  // namespace innosim::models::ref1::testing
