// The file `innosim compare` writes (docs/hdf5-layout.md "Comparing variants"): per variant and
// replication every outcome, per variant each statistic with its 95% interval, and per variant
// and target the probability and its distribution.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "io/h5/results_file.hpp"
#include "sim/experiment/sensitivity.hpp"
#include "sim/stats/target_probability.hpp"

namespace innosim::io {

struct CompareResults {
  int year = 0;  ///< stocks at the end of this year (the run's last whole year)
  std::uint32_t replications = 0;
  std::string reference;  ///< the variant costs are measured against ("no_policy"), or ""
  std::vector<std::string> variants;  ///< "baseline" first
  std::vector<std::string> descriptions;
  std::vector<std::string> outcome_names;
  std::vector<std::string> outcome_units;
  /// values[variant][outcome][replication]
  std::vector<std::vector<std::vector<double>>> values;
  std::vector<std::string> target_names;
  std::vector<std::vector<sim::TargetStatistics>> targets;  ///< [variant][target]
  /// Statistics per variant: name, unit, meaning; estimates[variant][statistic].
  std::vector<std::string> statistic_names;
  std::vector<std::string> statistic_units;
  std::vector<std::string> statistic_meanings;
  std::vector<std::vector<sim::Interval>> statistics;
};

/// Writes the file atomically (a temporary beside `output`, renamed when complete); throws.
void write_compare(const std::filesystem::path& output, const CompareResults& results,
                   const Provenance& provenance);

}  // namespace innosim::io
