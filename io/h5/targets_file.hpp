// /targets, /backtests, /assumptions and /targets_not_modelled of a results file
// (docs/hdf5-layout.md "Targets").
#pragma once

#include <hdf5.h>

#include <vector>

#include "io/report/targets_report.hpp"

namespace innosim::io {

/// Writes what the scenario declares and what the run made of it into `file` (a results file
/// being built; nothing for a scenario without targets, backtests or assumptions).
void write_targets(hid_t file, const Scenario& scenario, const std::vector<TargetResult>& targets,
                   const std::vector<BacktestResult>& backtests);

}  // namespace innosim::io
