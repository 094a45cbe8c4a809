// What every model benchmark does: run ensembles of a model with fresh seeds and report
// firm-steps per second (in total and per thread, per wall-clock second), per second of the
// process's CPU time (all threads: the rate per busy core, which a machine shared with other
// work disturbs less) and the bytes of state per firm.
#pragma once

#include <benchmark/benchmark.h>

#include <cstdint>
#include <ctime>

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
  double cpu_seconds = 0.0;
  for (auto _ : state) {
    const std::clock_t cpu_before = std::clock();
    options.seed = seed++;
    const sim::Ensemble ensemble = sim::run_ensemble(model, options);
    cpu_seconds += static_cast<double>(std::clock() - cpu_before) / CLOCKS_PER_SEC;
    steps += firm_steps(ensemble);
  }
  state.counters["firm_steps_per_s"] = benchmark::Counter(steps, benchmark::Counter::kIsRate);
  state.counters["firm_steps_per_s_per_thread"] =
      benchmark::Counter(steps / threads, benchmark::Counter::kIsRate);
  state.counters["firm_steps_per_cpu_s"] = cpu_seconds > 0.0 ? steps / cpu_seconds : 0.0;
  state.counters["state_bytes_per_firm"] = static_cast<double>(state_bytes_per_firm);
}

}  // namespace innosim::bench
