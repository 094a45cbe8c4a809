// The short table `innosim run` ends with: each metric's median and 90% band at the final time.
#pragma once

#include <string>

#include "sim/run/runner.hpp"

namespace innosim::io {

[[nodiscard]] std::string summary_table(const sim::Ensemble& ensemble);

}  // namespace innosim::io
