// The cost of the sweep machinery: a 10,000-point Latin hypercube over REF-1 (2,000 firms, 24
// monthly steps, one replication per point) through `innosim sweep` — scenario reading, design,
// checks, a model per point, outcomes, streaming to HDF5 — against the bare model time, the
// same number of replications run as plain parallel tasks. Results in docs/performance.md.
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "io/cli/experiment_commands.hpp"
#include "models/ref1/ref1_model.hpp"
#include "sim/run/parallel.hpp"

namespace innosim {
namespace {

constexpr int POINTS = 10000;
constexpr int STEPS = 24;
constexpr std::int64_t FIRMS = 2000;

const char* SCENARIO = R"([scenario]
model = "ref1"
steps = 24
[run]
replications = 1
[ref1]
initial_firms = 2000
[uncertainties.growth_sd]
parameter = "ref1.growth_sd"
distribution = "uniform"
low = 0.03
high = 0.09
[levers.support]
parameter = "ref1.high_tech_support"
low = 0.0
high = 1.0
[experiment]
outcomes = ["firms_high_tech@2023", "exits@2023"]
)";

void BareModel(benchmark::State& state) {
  const sim::ThreadLimit limit(static_cast<int>(state.range(0)));
  auto params = models::ref1::Ref1Params::defaults();
  params.initial_firms = FIRMS;
  sim::TimeAxis time;
  time.steps = STEPS;
  const models::ref1::Ref1Model model(params, time);
  for (auto _ : state) {
    sim::parallel_for_index(POINTS, [&](std::size_t task) {
      sim::ReplicationContext context;
      context.seed = 1;
      context.replication = static_cast<std::uint32_t>(task);
      sim::SeriesBuffer series(model.metrics().size(), static_cast<std::size_t>(time.points()));
      model.run_replication(context, series);
      benchmark::DoNotOptimize(series.metric(0).data());
    });
  }
  state.counters["runs_per_s"] = benchmark::Counter(
      static_cast<double>(state.iterations()) * POINTS, benchmark::Counter::kIsRate);
}
BENCHMARK(BareModel)
    ->ArgName("threads")
    ->Arg(1)
    ->Arg(2)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

/// The machinery alone: the same sweep of a model that costs nothing (Ishigami's function).
const char* MACHINERY_SCENARIO = R"([scenario]
model = "ishigami"
steps = 1
step_months = 12
[run]
replications = 1
[uncertainties.x1]
parameter = "ishigami.x1"
distribution = "uniform"
low = -3.0
high = 3.0
[levers.x2]
parameter = "ishigami.x2"
low = -3.0
high = 3.0
[experiment]
outcomes = ["y@2022"]
)";

void run_sweep(benchmark::State& state, const char* text) {
  // Per process: two benchmark runs at once must not share (and delete) each other's files.
  const std::filesystem::path directory = std::filesystem::temp_directory_path() /
                                          ("innosim-bench-sweep-" + std::to_string(::getpid()));
  std::filesystem::create_directories(directory);
  const std::filesystem::path scenario = directory / "sweep.toml";
  std::ofstream(scenario) << text;
  io::SweepRequest request;
  request.scenario_path = scenario.string();
  request.design = sim::DesignKind::LHS;
  request.n = POINTS;
  request.threads = static_cast<int>(state.range(0));
  request.progress = io::RunRequest::Progress::NEVER;
  request.output_path = (directory / "sweep.h5").string();
  std::FILE* discard = std::fopen("/dev/null", "w");
  request.report = discard;
  for (auto _ : state) {
    std::filesystem::remove(*request.output_path);
    if (io::sweep_command(request) != 0) state.SkipWithError("sweep failed");
  }
  std::fclose(discard);
  std::filesystem::remove_all(directory);
  state.counters["runs_per_s"] = benchmark::Counter(
      static_cast<double>(state.iterations()) * POINTS, benchmark::Counter::kIsRate);
}

void Sweep(benchmark::State& state) { run_sweep(state, SCENARIO); }
void SweepMachinery(benchmark::State& state) { run_sweep(state, MACHINERY_SCENARIO); }
BENCHMARK(SweepMachinery)
    ->ArgName("threads")
    ->Arg(1)
    ->Arg(2)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();
BENCHMARK(Sweep)->ArgName("threads")->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
}  // namespace innosim
