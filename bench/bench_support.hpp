// What every model benchmark does: run ensembles of a model with fresh seeds and report
// firm-steps per second (in total and per thread) and the bytes of state per firm.
#pragma once

#include <benchmark/benchmark.h>

#include <cstdint>

#include "sim/run/runner.hpp"

namespace innosim::bench {

/// `firm_steps(ensemble)` counts the firm-steps of a finished ensemble.
template <class FirmSteps>
void run_and_count(benchmark::State& state, const sim::Model& model, std::uint32_t replications,
                   int threads, FirmSteps firm_steps, std::size_t state_bytes_per_firm) {
  sim::RunOptions options;
  options.replications = replications;
  options.threads = threads;
  double steps = 0.0;
  std::uint64_t seed = 1;
  for (auto _ : state) {
    options.seed = seed++;
    const sim::Ensemble ensemble = sim::run_ensemble(model, options);
    steps += firm_steps(ensemble);
  }
  state.counters["firm_steps_per_s"] = benchmark::Counter(steps, benchmark::Counter::kIsRate);
  state.counters["firm_steps_per_s_per_thread"] =
      benchmark::Counter(steps / threads, benchmark::Counter::kIsRate);
  state.counters["state_bytes_per_firm"] = static_cast<double>(state_bytes_per_firm);
}

}  // namespace innosim::bench
