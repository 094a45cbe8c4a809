// REF-1 throughput in firm-steps per second (a firm-step = one firm alive at the start of a
// step, advanced one step), for 100,000 and 1,000,000 firms x 120 monthly steps.
//   Ref1Replication/F/threads:T  one replication of F firms, steps split into chunks over T threads
//   Ref1Ensemble/F/T             2T replications of F firms as parallel tasks on T threads
// Results and the command are recorded in docs/performance.md.
#include <benchmark/benchmark.h>
#include <tbb/global_control.h>

#include "bench_support.hpp"
#include "models/ref1/ref1_model.hpp"
#include "sim/math/fastmath.hpp"
#include "sim/rng/distributions.hpp"
#include "sim/run/runner.hpp"

namespace innosim {
namespace {

using models::ref1::Ref1Model;
using models::ref1::Ref1Params;

constexpr int STEPS = 120;

sim::TimeAxis monthly() {
  sim::TimeAxis time;
  time.steps = STEPS;
  return time;
}

/// Firm-steps of a finished ensemble: firms alive at the start of each step, summed.
double firm_steps(const sim::Ensemble& ensemble) {
  double total = 0.0;
  for (std::size_t r = 0; r < ensemble.replications; ++r) {
    for (std::size_t point = 0; point < static_cast<std::size_t>(STEPS); ++point) {
      for (std::size_t tier = 0; tier < models::ref1::TIER_COUNT; ++tier)
        total += ensemble.at(tier, r, point);
    }
  }
  return total;
}

void run_and_count(benchmark::State& state, std::int64_t firms, std::uint32_t replications,
                   int threads) {
  Ref1Params params = Ref1Params::defaults();  // as scenarios/bench/ref1.toml
  params.initial_firms = firms;
  const Ref1Model model(params, monthly());
  bench::run_and_count(state, model, replications, threads, firm_steps,
                       models::ref1::Firms::BYTES_PER_ROW);
}

/// The sizes and thread counts the issue asks for: 100,000 and 1,000,000 firms, 1 and 2 threads.
void throughput_arguments(benchmark::internal::Benchmark* benchmark) {
  benchmark->ArgNames({"firms", "threads"});
  for (const std::int64_t firms : {100000, 1000000}) {
    for (const std::int64_t threads : {1, 2}) benchmark->Args({firms, threads});
  }
  benchmark->Unit(benchmark::kMillisecond)->UseRealTime();
}

void Ref1Replication(benchmark::State& state) {
  run_and_count(state, state.range(0), 1, static_cast<int>(state.range(1)));
}
BENCHMARK(Ref1Replication)->Apply(throughput_arguments);

void Ref1Ensemble(benchmark::State& state) {
  const int threads = static_cast<int>(state.range(1));
  run_and_count(state, state.range(0), static_cast<std::uint32_t>(4 * threads), threads);
}
BENCHMARK(Ref1Ensemble)->Apply(throughput_arguments);

// Building blocks, per firm.
void Philox(benchmark::State& state) {
  const sim::StreamKey stream(1, 2, 3, 4);
  std::vector<std::uint32_t> out(4096);
  for (auto _ : state) {
    for (std::uint32_t i = 0; i < out.size(); ++i) out[i] = stream.block(i)[0] ^ stream.block(i)[3];
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * out.size() * 2));
}
BENCHMARK(Philox);

void NormalBoxMuller(benchmark::State& state) {
  const sim::StreamKey stream(1, 2, 3, 4);
  std::vector<float> out(4096);
  for (auto _ : state) {
    for (std::uint32_t i = 0; i < out.size(); ++i) {
      const auto words = stream.block(i);
      out[i] = sim::normal(words[1], words[2]);
    }
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * out.size()));
}
BENCHMARK(NormalBoxMuller);

}  // namespace
}  // namespace innosim

BENCHMARK_MAIN();
