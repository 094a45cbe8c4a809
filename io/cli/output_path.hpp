// Where results may be written: the checks every command makes on its output path before it
// simulates anything (docs/reliability.md), and the clean-up of temporary files left by
// processes that no longer exist.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

namespace innosim::io {

/// The default output file name `<name><suffix>` (e.g. "city.h5"), or nullopt if the name (the
/// scenario file's stem) is not a plain file name: only letters, digits, '_', '.', '-' and
/// non-ASCII (UTF-8) letters, not starting with a dot.
[[nodiscard]] std::optional<std::string> default_output_name(const std::string& name,
                                                             const std::string& suffix);

// Under MPI only rank 0 checks and writes outputs: on the other ranks these three do nothing
// (sim/run/cluster.hpp).

/// Why `output` should not be replaced by results of `scenario_path` (variant `variant`), or
/// "": an existing file that is not innosim results, or holds another scenario file's or
/// another variant's results, is kept unless the user says --force.
[[nodiscard]] std::string foreign_results_problem(const std::filesystem::path& output,
                                                  const std::string& scenario_path,
                                                  const std::string& variant);

/// Why `output` cannot take results, or "": it must not be the scenario file, must be a regular
/// file if it exists (no directory, device, FIFO, socket or symbolic link: they are never
/// replaced), and its directory must exist and accept a new file whose name is as long as the
/// longest temporary name innosim derives from `output` (checked by creating and removing one).
[[nodiscard]] std::string output_problem(const std::filesystem::path& output,
                                         const std::filesystem::path& scenario);

/// Removes `.<file name of output><tag>-<pid>...` files beside `output` whose process no longer
/// exists (kill(pid, 0) fails with ESRCH): temporaries left by kill -9. `tag` is e.g. ".tmp".
void remove_stale_temporaries(const std::filesystem::path& output, const std::string& tag);

}  // namespace innosim::io
