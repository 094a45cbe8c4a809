// The short table `innosim run` ends with: each metric's median and 90% band at the final time.
#pragma once

#include <string>
#include <vector>

#include "sim/experiment/attribution.hpp"
#include "sim/run/runner.hpp"

namespace innosim::io {

[[nodiscard]] std::string summary_table(const sim::Ensemble& ensemble);
/// The same from each metric's final value per replication (`finals[metric][replication]`): the
/// value at the last point, or for a flow the sum over the last summary_flow_steps() points.
[[nodiscard]] std::string summary_table(const std::vector<sim::MetricInfo>& metrics,
                                        const sim::TimeAxis& time,
                                        std::vector<std::vector<double>> finals);
/// The table `innosim attribute` ends with: per instrument (row), spending, the additional
/// high-tech enterprises and tech SMEs, the cost of each, the extra R&D per yuan and the
/// deadweight share, with 95% intervals; "n/a" for undefined values, "inf" for unbounded ones.
[[nodiscard]] std::string attribution_table(const std::vector<std::string>& rows,
                                            const std::vector<sim::Attribution>& statistics,
                                            int year, std::uint32_t replications);
/// Rows of cells as text: the first column left-aligned, the others right-aligned, widths in
/// terminal columns (CJK characters count two).
[[nodiscard]] std::string aligned_columns(const std::vector<std::vector<std::string>>& cells);
/// How many final steps a flow is summed over in the table: one year's, at most the run's.
[[nodiscard]] std::size_t summary_flow_steps(const sim::TimeAxis& time);

}  // namespace innosim::io
