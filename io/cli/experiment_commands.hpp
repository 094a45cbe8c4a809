// `innosim sweep` and `innosim analyze`: experiments over a scenario's [uncertainties] and
// [levers], streamed to HDF5, with Sobol or Morris sensitivity indices (docs/experiments.md).
#pragma once

#include <atomic>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>
#include <vector>

#include "io/cli/commands.hpp"
#include "sim/experiment/design.hpp"

namespace innosim::io {

struct SweepRequest {
  std::string scenario_path;
  std::optional<std::string> output_path;  ///< default: <file stem>[_<variant>]_<design>.h5
  std::string variant;                     ///< a [variants.<name>] ("": the file as written)
  std::vector<std::string> settings;       ///< --set KEY=VALUE
  sim::DesignKind design = sim::DesignKind::LHS;
  std::uint64_t n = 0;
  bool second_order = false;
  bool scramble = false;  ///< sobol: scrambled points
  int morris_levels = 4;
  std::optional<std::int64_t> replications;
  std::optional<std::int64_t> seed;
  int threads = 0;
  bool resume = false;
  bool posterior_median = false;  ///< with a [posterior]: its median, not a draw per replication
  std::uint32_t bootstrap_resamples = 1000;
  RunRequest::Progress progress = RunRequest::Progress::AUTO;
  std::string command_line;
  const std::atomic<bool>* cancel = nullptr;
  std::FILE* report = stdout;  ///< where the ranked indices and the last line go
};

struct AnalyzeRequest {
  std::string path;
  std::uint32_t bootstrap_resamples = 1000;
};

[[nodiscard]] int sweep_command(const SweepRequest& request);
[[nodiscard]] int analyze_command(const AnalyzeRequest& request);

}  // namespace innosim::io
