// What the innosim subcommands do, as library functions: the executable only parses arguments.
#pragma once

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "io/h5/results_file.hpp"
#include "io/scenario/scenario.hpp"
#include "sim/run/progress.hpp"

namespace innosim::io {

enum ExitCode : int {
  EXIT_OK = 0,
  EXIT_FAILURE_RUN = 1,    ///< the run failed (e.g. the output could not be written)
  EXIT_BAD_SCENARIO = 2,   ///< the scenario or an option was refused; nothing ran
  EXIT_INTERRUPTED = 130,  ///< stopped by Ctrl-C (128 + SIGINT, the shell convention)
};

struct RunRequest {
  std::string scenario_path;
  /// default: <scenario file stem>[_<variant>].h5 in the working directory
  std::optional<std::string> output_path;
  std::string variant;                ///< a [variants.<name>] of the scenario ("": the baseline)
  std::vector<std::string> settings;  ///< --set KEY=VALUE, applied after the variant
  bool force = false;                 ///< replace another scenario's (or variant's) results
  std::optional<std::string> summary_json;  ///< the targets table as JSON, to this file
  std::optional<std::int64_t> replications;
  std::optional<std::int64_t> seed;
  int threads = 0;                ///< 0: all cores
  bool posterior_median = false;  ///< with a [posterior]: its median, not a draw per replication
  enum class Progress { AUTO, ALWAYS, NEVER } progress = Progress::AUTO;
  std::string command_line;
  /// Set (e.g. by a SIGINT handler) to stop the run; completed replications are then kept in
  /// <output stem>.interrupted.h5 and the output path is left untouched.
  const std::atomic<bool>* cancel = nullptr;
};

/// Loads a scenario with the command line's --replications and --seed applied; on refusal
/// prints the problems and returns nothing (the command then exits EXIT_BAD_SCENARIO).
[[nodiscard]] std::optional<Scenario> load_for_command(const std::string& path,
                                                       std::optional<std::int64_t> replications,
                                                       std::optional<std::int64_t> seed,
                                                       const ScenarioOptions& options = {});

/// The output path: the one given with -o, or the default `<scenario file stem>[_<variant>]
/// <suffix>` in the working directory (the file's name, not [scenario] name: a copied scenario
/// writes its own results); nothing, after printing why, when the stem is not a plain name.
[[nodiscard]] std::optional<std::filesystem::path> output_of(
    const Scenario& scenario, const std::optional<std::string>& given, const std::string& suffix);

/// What the results file records about the scenario and the command.
[[nodiscard]] Provenance provenance_of(const Scenario& scenario, const std::string& command_line);

/// Starts `meter` on stderr when `progress` asks for it (AUTO: when stderr is a terminal).
void start_progress(std::optional<sim::ProgressMeter>& meter, RunRequest::Progress progress,
                    const std::atomic<std::uint64_t>& steps_done, std::uint64_t total_steps,
                    const std::atomic<std::uint64_t>& tasks_done, std::uint64_t total_tasks);

/// `innosim run`: validate, simulate, write the results atomically, print the summary.
[[nodiscard]] int run_command(const RunRequest& request);
/// `innosim validate`: check a scenario and say what it would run. Writes nothing.
[[nodiscard]] int validate_command(const std::string& scenario_path,
                                   const ScenarioOptions& options = {});
/// `innosim params`: the parameter dictionary as Markdown (docs/parameters.md is this output).
[[nodiscard]] std::string parameters_markdown();

}  // namespace innosim::io
