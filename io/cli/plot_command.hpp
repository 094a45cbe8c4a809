// `innosim plot`: pictures from a results file, drawn by scripts/innosim_plot.py with Debian's
// python3 and matplotlib (docs/plots.md). Plotting is Python's strength and the files are
// self-describing, so the executable only finds the script and the interpreter and runs them.
#pragma once

#include <string>
#include <vector>

namespace innosim::io {

/// Runs the plotting script with `arguments` (the file, then its options); returns its exit code
/// (2 with a message when python3 or the script cannot be found).
[[nodiscard]] int plot_command(const std::vector<std::string>& arguments);

}  // namespace innosim::io
