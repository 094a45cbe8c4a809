// The results file of an experiment (layout 1.2, docs/hdf5-layout.md): root attributes as for a
// run, the design under /experiments, outcomes streamed in as design points complete, and the
// sensitivity indices under /sensitivity. The file is built under a ".partial.h5" name; an
// interrupted sweep leaves it there, --resume continues it, and only a finished experiment is
// renamed to the output path.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "io/h5/h5_handle.hpp"
#include "io/h5/results_file.hpp"
#include "sim/experiment/design.hpp"
#include "sim/experiment/sensitivity.hpp"

namespace innosim::io {

struct SweepLayout {
  std::vector<sim::Factor> factors;
  sim::Design design;
  std::vector<std::string> outcomes;
  std::uint32_t replications = 0;
  /// Identifies the experiment (scenario, design, seed, replications, program): --resume
  /// refuses a partial file made by another.
  std::string fingerprint;
};

class SweepFile {
 public:
  /// Creates a new partial file (fails if it exists) with the design written and no outcomes.
  static SweepFile create(const std::filesystem::path& path, const SweepLayout& layout,
                          const Provenance& provenance);
  /// Opens a partial file to continue; throws with an explanation if it belongs to another
  /// experiment or cannot be read.
  static SweepFile resume(const std::filesystem::path& path, const std::string& fingerprint);
  /// Opens a finished file to read (analyze).
  static SweepFile open_read_write(const std::filesystem::path& path);

  SweepFile(SweepFile&&) = default;
  SweepFile& operator=(SweepFile&&) = default;

  [[nodiscard]] std::vector<std::uint8_t> completed() const;
  [[nodiscard]] std::vector<std::string> outcome_names() const;
  [[nodiscard]] std::uint32_t replications() const;
  /// The design (options and unit matrix) as written.
  [[nodiscard]] sim::Design design() const;
  [[nodiscard]] std::vector<std::string> factor_names() const;
  [[nodiscard]] std::vector<std::string> factor_parameters() const;
  /// Outcome values of the listed points: values[(outcome * points + i) * replications + r].
  void write_points(const std::vector<std::size_t>& points, const std::vector<double>& values);
  /// Every point's outcome `name`, [point][replication].
  [[nodiscard]] std::vector<double> read_outcome(const std::string& name) const;
  /// Replaces /sensitivity/<outcome> with Sobol or Morris indices.
  /// `notes`: sim::sobol_notes, kept as the string attribute `notes` (one per line).
  void write_sobol(const std::string& outcome, const sim::SobolIndices& indices,
                   const sim::BootstrapOptions& bootstrap,
                   const std::vector<std::string>& notes = {});
  void write_morris(const std::string& outcome, const sim::MorrisIndices& indices,
                    const sim::BootstrapOptions& bootstrap);
  void set_complete();
  void close();

 private:
  explicit SweepFile(h5::Handle file) : file_(std::move(file)) {}
  static void dataset_flush_or_throw(hid_t file);
  static SweepFile create_at(const std::filesystem::path& path, const SweepLayout& layout,
                             const Provenance& provenance);
  h5::Handle sensitivity_group(const std::string& outcome, const char* method,
                               const sim::BootstrapOptions& bootstrap);
  h5::Handle file_;
};

/// True if another process has `path` open for writing (it holds HDF5's lock on it).
[[nodiscard]] bool held_by_another_process(const std::filesystem::path& path);

/// The partial file of an experiment whose output is `output`: <stem>.partial.h5 beside it.
[[nodiscard]] std::filesystem::path partial_path(const std::filesystem::path& output);

}  // namespace innosim::io
