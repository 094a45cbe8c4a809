// `innosim compare`: a scenario's variants on common random numbers (docs/scenarios.md
// "Comparing variants"): each target's probability, the tier counts, the money spent per
// instrument, paired differences against the baseline and the cost per additional high-tech
// enterprise against no_policy, each with a 95% interval.
#pragma once

#include <atomic>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>
#include <vector>

#include "io/cli/commands.hpp"

namespace innosim::io {

struct CompareRequest {
  std::string scenario_path;
  std::vector<std::string> variants;       ///< besides the baseline (first) and no_policy (added)
  std::vector<std::string> settings;       ///< --set, applied to every variant
  std::optional<std::string> output_path;  ///< default: <file stem>_compare.h5
  std::optional<std::string> summary_json;
  std::optional<std::int64_t> replications;
  std::optional<std::int64_t> seed;
  int threads = 0;
  bool force = false;
  bool posterior_median = false;
  std::uint32_t bootstrap_resamples = 1000;
  RunRequest::Progress progress = RunRequest::Progress::AUTO;
  std::string command_line;
  const std::atomic<bool>* cancel = nullptr;
  std::FILE* report = stdout;
};

[[nodiscard]] int compare_command(const CompareRequest& request);

}  // namespace innosim::io
