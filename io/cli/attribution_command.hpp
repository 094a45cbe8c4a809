// `innosim attribute`: what each yuan of each instrument buys (docs/attribution.md). The
// scenario runs as is and once per instrument with that instrument's budget at zero (and, with
// several instruments, once with every budget at zero), all on the same random numbers; paired
// differences per replication give each instrument's effect, cost per additional firm and
// deadweight, written to /attribution of the output file.
#pragma once

#include <atomic>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>
#include <vector>

#include "io/cli/commands.hpp"

namespace innosim::io {

struct AttributeRequest {
  std::string scenario_path;
  std::optional<std::string> output_path;  ///< default: <file stem>[_<variant>]_attribution.h5
  std::string variant;                     ///< a [variants.<name>] ("": the file as written)
  std::vector<std::string> settings;       ///< --set KEY=VALUE
  std::optional<std::int64_t> replications;
  std::optional<std::int64_t> seed;
  std::optional<std::int64_t> year;  ///< default: the run's last full calendar year
  int threads = 0;
  std::uint32_t bootstrap_resamples = 1000;
  RunRequest::Progress progress = RunRequest::Progress::AUTO;
  std::string command_line;
  const std::atomic<bool>* cancel = nullptr;
  std::FILE* report = stdout;  ///< where the table and the last line go
};

[[nodiscard]] int attribute_command(const AttributeRequest& request);

}  // namespace innosim::io
