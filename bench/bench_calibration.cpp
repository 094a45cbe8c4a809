// The cost of the calibration machinery on the shipped province calibration
// (scenarios/calibration/henan.toml with its joint zhengzhou.toml): `innosim calibrate` with one
// generation of P particles (P prior draws, then P posterior predictive draws: 2P joint
// simulations, a model built for each, outcomes, distances, the file written twice) against the
// bare model: the same 2P joint simulations (a Henan and a 郑州 replication each) run as plain
// parallel tasks on models built beforehand. The priors are narrowed to a point (the scenarios'
// own values) so that both do the same simulations: what differs is the machinery alone.
// Results in docs/performance.md.
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "io/cli/calibrate_command.hpp"
#include "io/scenario/scenario.hpp"
#include "sim/run/parallel.hpp"

namespace innosim {
namespace {

namespace fs = std::filesystem;

constexpr int PARTICLES = 48;

std::string read_text(const fs::path& path) {
  std::ifstream file(path);
  std::stringstream text;
  text << file.rdbuf();
  return text.str();
}

/// A scenario of scenarios/calibration/ rewritten so that every prior is the point `low` (a
/// uniform of relative width 1e-6 at the prior's low end) and its data path points at the source
/// tree.
std::string with_point_priors(std::string text) {
  const std::string source = INNOSIM_SOURCE_DIR;
  for (std::size_t at = text.find("distribution = \"log_uniform\""); at != std::string::npos;
       at = text.find("distribution = \"log_uniform\"", at))
    text.replace(at, 28, "distribution = \"uniform\"");
  for (std::size_t at = text.find("\nhigh = "); at != std::string::npos;
       at = text.find("\nhigh = ", at + 1)) {
    const std::size_t low_at = text.rfind("\nlow = ", at);
    const std::size_t low_end = text.find('\n', low_at + 1);
    const double low = std::stod(text.substr(low_at + 7, low_end - low_at - 7));
    const std::size_t end = text.find('\n', at + 1);
    char high[64];
    std::snprintf(high, sizeof high, "\nhigh = %.17g", low * (1.0 + 1e-6));
    text.replace(at, end - at, high);
  }
  const std::string data = "data = \"../../data/observed/statistics.csv\"";
  if (const auto at = text.find(data); at != std::string::npos)
    text.replace(at, data.size(), "data = \"" + source + "/data/observed/statistics.csv\"");
  return text;
}

struct Files {
  fs::path directory;
  fs::path henan;
};

Files write_scenarios() {
  const fs::path source = fs::path(INNOSIM_SOURCE_DIR) / "scenarios" / "calibration";
  Files files;
  files.directory =
      fs::temp_directory_path() / ("innosim-bench-calibration-" + std::to_string(::getpid()));
  fs::create_directories(files.directory);
  files.henan = files.directory / "henan.toml";
  std::ofstream(files.henan) << with_point_priors(read_text(source / "henan.toml"));
  std::ofstream(files.directory / "zhengzhou.toml")
      << with_point_priors(read_text(source / "zhengzhou.toml"));
  return files;
}

void CalibrationGeneration(benchmark::State& state) {
  const Files files = write_scenarios();
  io::CalibrateRequest request;
  request.scenario_path = files.henan.string();
  request.output_path = (files.directory / "calibration.h5").string();
  request.particles = PARTICLES;
  request.max_generations = 1;
  request.threads = static_cast<int>(state.range(0));
  request.progress = io::RunRequest::Progress::NEVER;
  std::FILE* discard = std::fopen("/dev/null", "w");
  request.report = discard;
  for (auto _ : state) {
    fs::remove(*request.output_path);
    if (io::calibrate_command(request) != 0) state.SkipWithError("calibrate failed");
  }
  std::fclose(discard);
  fs::remove_all(files.directory);
  state.counters["joint_simulations_per_s"] = benchmark::Counter(
      static_cast<double>(state.iterations()) * 2 * PARTICLES, benchmark::Counter::kIsRate);
}
BENCHMARK(CalibrationGeneration)
    ->ArgName("threads")
    ->Arg(1)
    ->Arg(2)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->Iterations(3);

void CalibrationBareModel(benchmark::State& state) {
  const Files files = write_scenarios();
  const sim::ThreadLimit limit(static_cast<int>(state.range(0)));
  const io::Scenario henan = io::load_scenario(files.henan);
  const io::Scenario zhengzhou = io::load_scenario(files.directory / "zhengzhou.toml");
  // The calibration's parameter values: each prior's point.
  sim::ParameterSet point;
  for (const auto& prior : henan.calibration->parameters) point.set(prior.parameter, prior.low);
  const auto henan_model = io::create_model(henan, point);
  const auto zhengzhou_model = io::create_model(zhengzhou, point);
  for (auto _ : state) {
    sim::parallel_for_index(2 * PARTICLES, [&](std::size_t task) {
      for (const auto* model : {henan_model.get(), zhengzhou_model.get()}) {
        sim::ReplicationContext context;
        context.seed = 1;
        context.replication = static_cast<std::uint32_t>(task);
        sim::SeriesBuffer series(model->metrics().size(),
                                 static_cast<std::size_t>(model->time_axis().points()));
        model->run_replication(context, series);
        benchmark::DoNotOptimize(series.metric(0).data());
      }
    });
  }
  fs::remove_all(files.directory);
  state.counters["joint_simulations_per_s"] = benchmark::Counter(
      static_cast<double>(state.iterations()) * 2 * PARTICLES, benchmark::Counter::kIsRate);
}
BENCHMARK(CalibrationBareModel)
    ->ArgName("threads")
    ->Arg(1)
    ->Arg(2)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->Iterations(3);

}  // namespace
}  // namespace innosim
