// The file `innosim attribute` writes (docs/hdf5-layout.md, /attribution): the root attributes
// of every results file, the statistics per instrument and every replication's outcomes at
// every point, so that any other estimator can be computed from the file.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "io/h5/results_file.hpp"
#include "sim/experiment/attribution.hpp"

namespace innosim::io {

struct AttributionResults {
  int year = 0;  ///< evaluation year: stocks at its end, flows summed up to its end
  std::uint32_t replications = 0;
  std::uint32_t bootstrap_resamples = 0;
  double confidence = 0.95;
  /// One row per instrument (then "all" when there are several): the statistics of each.
  std::vector<std::string> rows;
  std::vector<sim::Attribution> statistics;  ///< per row; empty in an interrupted run's file
  /// What each study point ran: "scenario", "without <name>", "without all".
  std::vector<std::string> point_names;
  std::vector<std::string> outcome_names;
  std::vector<std::int64_t> replication_ids;
  /// outcomes[(outcome * points + point) * replications + r]; NaN for tasks that did not run.
  std::vector<double> outcomes;
};

/// Writes the file atomically (a temporary beside `output`, renamed when complete); throws.
void write_attribution(const std::filesystem::path& output, const AttributionResults& results,
                       const Provenance& provenance);

}  // namespace innosim::io
