// The file `innosim calibrate` writes (docs/hdf5-layout.md, /calibration): the priors, the
// observations, every completed generation of ABC-SMC, the posterior and its predictive bands.
// It is rewritten (atomically) after each generation, so an interrupted calibration keeps its
// completed generations and `--resume` continues from them.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "io/h5/results_file.hpp"
#include "sim/calibration/abc_smc.hpp"
#include "sim/calibration/posterior_model.hpp"

namespace innosim::io {

/// Quantiles of the predictive bands: the 90% and 50% bands and the median.
inline constexpr double PREDICTIVE_QUANTILES[5] = {0.05, 0.25, 0.5, 0.75, 0.95};

struct CalibrationResults {
  std::vector<std::string> parameter_keys;   ///< scenario keys
  std::vector<std::string> parameter_names;  ///< the names of [calibration.parameters.<name>]
  std::vector<std::string> priors;           ///< described, e.g. "uniform(0.05, 0.12)"
  std::vector<std::string> prior_why;
  /// Every observation, fitted or held out.
  struct Observation {
    std::string scenario;  ///< the scenario's name
    std::string metric;
    std::string unit;
    int year = 0;
    double value = 0.0;  ///< in metric units (scaled)
    double uncertainty = 0.0;
    double published = 0.0;
    bool lower_bound = false;
    bool held_out = false;
    std::string source;
    std::string why;
    double band[5] = {0, 0, 0, 0, 0};  ///< posterior predictive quantiles (when complete)
  };
  std::vector<Observation> observations;
  sim::AbcOptions options;
  int observations_until = 0;  ///< later observations are held out (0: none)
  std::string fingerprint;     ///< of the inputs: --resume refuses another calibration's file
  std::vector<sim::AbcGeneration> generations;
  std::string stop_reason;  ///< "" while running
  /// Posterior predictive of each observed metric, per year of its scenario's run.
  struct Predictive {
    std::string scenario;
    std::string metric;
    std::string unit;
    std::vector<int> years;
    std::vector<double> quantiles;  ///< [quantile][year]
  };
  std::vector<Predictive> predictive;
  std::uint64_t predictive_draws = 0;
};

/// Writes the file atomically (a temporary beside `output`, renamed when complete); throws.
/// provenance.complete says whether the calibration finished.
void write_calibration(const std::filesystem::path& output, const CalibrationResults& results,
                       const Provenance& provenance);

/// The completed generations and the fingerprint of a calibration file (for --resume); throws
/// H5Error naming the problem.
[[nodiscard]] CalibrationResults read_calibration(const std::filesystem::path& path);

/// The posterior (the last generation) of a finished calibration's file; throws H5Error naming
/// the problem (not a calibration, not finished).
[[nodiscard]] sim::Posterior read_posterior(const std::filesystem::path& path);

}  // namespace innosim::io
