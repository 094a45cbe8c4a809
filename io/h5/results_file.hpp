// The results file (layout version 1.4, specified in docs/hdf5-layout.md).
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "sim/run/runner.hpp"

namespace innosim::io {

inline constexpr const char* RESULTS_FILETYPE = "innosim-results";
inline constexpr int FORMAT_VERSION_MAJOR = 1;
/// 1.1: /firms; 1.2: /experiments, /sensitivity; 1.3: snapshots of several replications;
/// 1.4: /attribution; 1.5: /flows; 1.6: /calibration, /series/posterior_particle; 1.7: /targets,
/// /backtests, /assumptions, /targets_not_modelled, /compare, /variants, root variant and settings
inline constexpr int FORMAT_VERSION_MINOR = 7;

struct Provenance {
  std::string scenario_path;
  std::string scenario_text;
  std::string scenario_name;
  std::string model;
  std::string resolved_parameters;  ///< TOML text of every resolved parameter
  std::string command_line;
  std::uint64_t seed = 0;
  bool complete = true;               ///< false for the replications kept from an interrupted run
  std::string variant = "baseline";   ///< the scenario's [variants.<name>] that ran
  std::vector<std::string> settings;  ///< the command line's --set KEY=VALUE
};

/// Writes the completed replications of `ensemble` atomically: the file is written under a
/// temporary name in the same directory and renamed onto `output` only once it is complete
/// and closed, so `output` is never a partial file. Throws on failure (and removes the
/// temporary file).
void write_results(const std::filesystem::path& output, const sim::Ensemble& ensemble,
                   const Provenance& provenance);

/// `innosim run`'s sink: streams each batch's replications into the results file, so memory
/// stays flat whatever the replication count. The file is built under a temporary name beside
/// the output (layout as write_results'); finish() adds /summary (read back in blocks of time
/// points), the snapshots and the root attributes and renames it onto its destination.
class ResultsStream final : public sim::StudySink {
 public:
  /// Creates the temporary file beside `output` (throws on failure).
  ResultsStream(const std::filesystem::path& output, const sim::Model& model,
                const sim::Study& study, const sim::OutputSelection& selection);
  ~ResultsStream() override;
  ResultsStream(const ResultsStream&) = delete;
  ResultsStream& operator=(const ResultsStream&) = delete;

  void accept(sim::TaskResult& result) override;
  void end_batch(bool complete) override;

  /// Replications written so far.
  [[nodiscard]] std::uint64_t completed() const { return rows_; }
  /// Completes the file and renames it to `destination` (throws; the temporary is removed).
  /// `also` writes further groups (e.g. /targets) into the file before it is closed.
  void finish(const std::filesystem::path& destination, const Provenance& provenance,
              const std::function<void(std::int64_t file)>& also = {});
  /// Per kept metric and replication, the value the end-of-run table shows (set by finish()).
  [[nodiscard]] std::vector<std::vector<double>> take_finals();
  [[nodiscard]] const std::vector<sim::MetricInfo>& metrics() const;
  /// Closes and removes the temporary file.
  void abandon() noexcept;

  /// Memory bound of reading back a metric for the summaries (bytes): tests lower it.
  std::size_t summary_block_bytes = std::size_t{32} << 20;

 private:
  struct Impl;
  Impl* impl_;
  std::uint64_t rows_ = 0;
};

/// A new temporary name beside `output`, `.<name>.tmp-<pid>-<n>`: files are built under it and
/// renamed onto `output` once complete (stale ones are removed by remove_stale_temporaries).
[[nodiscard]] std::filesystem::path temporary_path_for(const std::filesystem::path& output);

/// ISO 8601 UTC time, e.g. 2026-11-22T08:15:00Z.
[[nodiscard]] std::string iso8601_now();

/// Reading results back (tests, analysis). Refuses files that are not innosim results or whose
/// major format version differs.
class ResultsReader {
 public:
  explicit ResultsReader(const std::filesystem::path& path);
  ~ResultsReader();
  ResultsReader(const ResultsReader&) = delete;
  ResultsReader& operator=(const ResultsReader&) = delete;

  [[nodiscard]] std::string string_attribute(const std::string& name) const;
  [[nodiscard]] std::vector<std::int64_t> integer_attribute(const std::string& name) const;
  [[nodiscard]] bool has_attribute(const std::string& name) const;
  /// A dataset's values and its shape.
  [[nodiscard]] std::vector<double> dataset(const std::string& path,
                                            std::vector<std::size_t>* shape = nullptr) const;

 private:
  std::int64_t file_;
};

}  // namespace innosim::io
