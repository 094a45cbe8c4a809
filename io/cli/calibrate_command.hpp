// `innosim calibrate`: fits a scenario's [calibration] parameters to its observations (and those
// of the scenarios it names in `joint`) by ABC-SMC, writing every generation, the posterior and
// its predictive bands to HDF5 (docs/calibration.md).
#pragma once

#include <atomic>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>

#include "io/cli/commands.hpp"

namespace innosim::io {

struct CalibrateRequest {
  std::string scenario_path;
  std::optional<std::string> output_path;  ///< default: <scenario name>_calibration.h5
  std::optional<std::int64_t> seed;
  /// Observations after this year are held out: predicted and reported, not fitted.
  std::optional<int> hold_out_after;
  /// Override [calibration] particles and max_generations (a quick trial, a benchmark).
  std::optional<std::int64_t> particles;
  std::optional<std::int64_t> max_generations;
  int threads = 0;
  bool resume = false;
  RunRequest::Progress progress = RunRequest::Progress::AUTO;
  std::string command_line;
  const std::atomic<bool>* cancel = nullptr;
  std::FILE* report = stdout;  ///< where the final tables go
};

[[nodiscard]] int calibrate_command(const CalibrateRequest& request);

}  // namespace innosim::io
