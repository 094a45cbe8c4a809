#include "io/h5/calibration_file.hpp"

#include <hdf5_hl.h>

#include <cmath>
#include <sstream>

#include "io/h5/h5_handle.hpp"
#include "io/h5/h5_objects.hpp"

namespace innosim::io {

using h5::attach;
using h5::check;
using h5::create_group;
using h5::H5Error;
using h5::Handle;
using h5::read_doubles;
using h5::write_dataset;
using h5::write_numeric_attribute;
using h5::write_string_attribute;

namespace {

/// Names joined by newlines: a scalar attribute that any reader splits (keys hold no newline).
std::string joined(const std::vector<std::string>& names) {
  std::string text;
  for (const auto& name : names) text += (text.empty() ? "" : "\n") + name;
  return text;
}

std::vector<std::string> split(const std::string& text) {
  std::vector<std::string> names;
  std::stringstream stream(text);
  for (std::string line; std::getline(stream, line);) names.push_back(line);
  return names;
}

Handle scale_of_names(hid_t group, const char* name, const std::vector<std::string>& names,
                      const std::string& meaning) {
  Handle scale = h5::write_string_dataset(group, name, names);
  check(H5DSset_scale(scale, name), std::string("making ") + name + " a dimension scale");
  write_string_attribute(scale, "long_name", meaning);
  return scale;
}

Handle scale_of_numbers(hid_t group, const char* name, const std::vector<double>& values,
                        const std::string& meaning) {
  Handle scale =
      write_dataset(group, name, {values.size()}, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, values.data());
  check(H5DSset_scale(scale, name), std::string("making ") + name + " a dimension scale");
  write_string_attribute(scale, "long_name", meaning);
  return scale;
}

Handle vector_over(hid_t group, const std::string& name, const std::vector<double>& values,
                   hid_t scale, const char* dimension, const std::string& meaning,
                   const std::string& units) {
  Handle dataset =
      write_dataset(group, name, {values.size()}, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, values.data());
  attach(dataset, scale, 0, dimension);
  write_string_attribute(dataset, "long_name", meaning);
  write_string_attribute(dataset, "units", units);
  return dataset;
}

void write_generation(hid_t generations, const sim::AbcGeneration& generation, hid_t parameter,
                      hid_t fitted) {
  Handle group = create_group(generations, std::to_string(generation.index));
  const hsize_t particles = generation.particles();
  std::vector<double> index(particles);
  for (std::size_t p = 0; p < particles; ++p) index[p] = static_cast<double>(p);
  Handle particle = scale_of_numbers(group, "particle", index, "particle index");
  Handle values = write_dataset(group, "values", {particles, generation.parameters}, H5T_IEEE_F64LE,
                                H5T_NATIVE_DOUBLE, generation.values.data());
  attach(values, particle, 0, "particle");
  attach(values, parameter, 1, "parameter");
  write_string_attribute(values, "long_name", "each particle's parameter values");
  vector_over(group, "weights", generation.weights, particle, "particle",
              "importance weights (normalised)", "1");
  vector_over(group, "distances", generation.distances, particle, "particle",
              "distance of the particle's simulated summaries to the observations", "1");
  Handle summaries = write_dataset(group, "summaries", {particles, generation.observations},
                                   H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, generation.summaries.data());
  attach(summaries, particle, 0, "particle");
  attach(summaries, fitted, 1, "fitted_observation");
  write_string_attribute(summaries, "long_name",
                         "each particle's simulated value of each fitted observation (mean over "
                         "its replications)");
  write_numeric_attribute<double>(group, "tolerance", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE,
                                  {generation.tolerance}, true);
  write_numeric_attribute<double>(group, "acceptance_rate", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE,
                                  {generation.acceptance_rate}, true);
  write_numeric_attribute<double>(group, "seconds", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE,
                                  {generation.seconds}, true);
  write_numeric_attribute<std::uint64_t>(group, "first_candidate", H5T_STD_U64LE, H5T_NATIVE_UINT64,
                                         {generation.first_candidate}, true);
  write_numeric_attribute<std::uint64_t>(group, "candidates", H5T_STD_U64LE, H5T_NATIVE_UINT64,
                                         {generation.candidates}, true);
}

void write_contents(hid_t file, const CalibrationResults& results, const Provenance& provenance) {
  h5::write_root_attributes(file, provenance, static_cast<std::int64_t>(results.options.particles));
  Handle group = create_group(file, "calibration");
  const auto& options = results.options;
  write_string_attribute(
      group, "method",
      "ABC-SMC, population Monte Carlo (Beaumont et al. 2009; docs/calibration.md)");
  write_string_attribute(group, "fingerprint", results.fingerprint);
  write_string_attribute(group, "stop_reason", results.stop_reason);
  write_string_attribute(group, "parameter_keys", joined(results.parameter_keys));
  auto integer_attribute = [&](const char* name, std::int64_t value) {
    write_numeric_attribute<std::int64_t>(group, name, H5T_STD_I64LE, H5T_NATIVE_INT64, {value},
                                          true);
  };
  auto real_attribute = [&](const char* name, double value) {
    write_numeric_attribute<double>(group, name, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, {value}, true);
  };
  integer_attribute("particles", static_cast<std::int64_t>(options.particles));
  integer_attribute("replications_per_particle", options.replications);
  integer_attribute("max_generations", static_cast<std::int64_t>(options.max_generations));
  integer_attribute("observations_until", results.observations_until);
  integer_attribute("predictive_draws", static_cast<std::int64_t>(results.predictive_draws));
  real_attribute("quantile", options.quantile);
  real_attribute("min_acceptance", options.min_acceptance);
  real_attribute("target_tolerance", options.target_tolerance);
  real_attribute("kernel_scale", options.kernel_scale);

  Handle parameter = scale_of_names(group, "parameter", results.parameter_keys,
                                    "the scenario key each parameter sets");
  write_string_attribute(h5::write_string_dataset(group, "parameter_name", results.parameter_names),
                         "long_name", "the name of its [calibration.parameters.<name>] table");
  write_string_attribute(h5::write_string_dataset(group, "prior", results.priors), "long_name",
                         "the prior distribution");
  write_string_attribute(h5::write_string_dataset(group, "prior_why", results.prior_why),
                         "long_name", "why this prior");

  // Observations: all of them, and the fitted ones as the summaries' columns.
  std::vector<std::string> names, fitted_names, scenarios, metrics, units, sources, whys;
  std::vector<double> years, values, uncertainties, published, lower, held;
  for (const auto& o : results.observations) {
    const std::string name = o.scenario + ": " + o.metric + "@" + std::to_string(o.year);
    names.push_back(name);
    if (!o.held_out) fitted_names.push_back(name);
    scenarios.push_back(o.scenario);
    metrics.push_back(o.metric);
    units.push_back(o.unit);
    sources.push_back(o.source);
    whys.push_back(o.why);
    years.push_back(o.year);
    values.push_back(o.value);
    uncertainties.push_back(o.uncertainty);
    published.push_back(o.published);
    lower.push_back(o.lower_bound ? 1.0 : 0.0);
    held.push_back(o.held_out ? 1.0 : 0.0);
  }
  Handle observation = scale_of_names(group, "observation", names,
                                      "scenario: metric@year (a stock at the year's end, a flow "
                                      "summed over the year)");
  Handle fitted = scale_of_names(group, "fitted_observation", fitted_names,
                                 "the observations in the distance (not held out)");
  for (const auto& [name, texts, meaning] :
       {std::tuple{"observation_scenario", &scenarios, "the scenario it belongs to"},
        std::tuple{"observation_metric", &metrics, "the model metric"},
        std::tuple{"observation_unit", &units, "the metric's unit"},
        std::tuple{"observation_source", &sources, "publisher, title and date of the figure"},
        std::tuple{"observation_why", &whys, "why this uncertainty"}}) {
    Handle dataset = h5::write_string_dataset(group, name, *texts);
    attach(dataset, observation, 0, "observation");
    write_string_attribute(dataset, "long_name", meaning);
  }
  vector_over(group, "observation_year", years, observation, "observation", "calendar year",
              "year");
  vector_over(group, "observed", values, observation, "observation",
              "the figure in metric units, divided by the scenario's scale when scaled",
              "metric units");
  vector_over(group, "uncertainty", uncertainties, observation, "observation",
              "its uncertainty (the distance's scale)", "metric units");
  vector_over(group, "published", published, observation, "observation", "the figure as published",
              "the source's units");
  vector_over(group, "lower_bound", lower, observation, "observation",
              "1: only a shortfall counts (a figure given as a lower bound)", "1");
  vector_over(group, "held_out", held, observation, "observation",
              "1: not fitted (after observations_until), predicted only", "1");

  std::vector<double> generation_index, tolerance, acceptance, candidates, ess, seconds;
  for (const auto& g : results.generations) {
    generation_index.push_back(static_cast<double>(g.index));
    tolerance.push_back(g.tolerance);
    acceptance.push_back(g.acceptance_rate);
    candidates.push_back(static_cast<double>(g.candidates));
    ess.push_back(g.effective_sample_size());
    seconds.push_back(g.seconds);
  }
  Handle generation = scale_of_numbers(group, "generation", generation_index, "generation");
  vector_over(group, "tolerance", tolerance, generation, "generation",
              "the generation's tolerance (inf: generation 0, the prior)", "1");
  vector_over(group, "acceptance_rate", acceptance, generation, "generation",
              "particles / candidates simulated to accept them", "1");
  vector_over(group, "candidates", candidates, generation, "generation",
              "candidates simulated (each x replications_per_particle simulations)", "candidates");
  vector_over(group, "effective_sample_size", ess, generation, "generation",
              "1 / sum of squared weights", "particles");
  vector_over(group, "seconds", seconds, generation, "generation", "wall time", "s");
  Handle generations = create_group(group, "generations");
  for (const auto& g : results.generations) write_generation(generations, g, parameter, fitted);

  if (!results.generations.empty()) {
    const sim::AbcGeneration& last = results.generations.back();
    Handle posterior = create_group(group, "posterior");
    write_numeric_attribute<std::int64_t>(posterior, "generation", H5T_STD_I64LE, H5T_NATIVE_INT64,
                                          {static_cast<std::int64_t>(last.index)}, true);
    const std::size_t keys = results.parameter_keys.size();
    std::vector<double> median(keys), low(keys), high(keys), column(last.particles());
    for (std::size_t k = 0; k < keys; ++k) {
      for (std::size_t p = 0; p < last.particles(); ++p) column[p] = last.values[p * keys + k];
      median[k] = sim::weighted_quantile(column, last.weights, 0.5);
      low[k] = sim::weighted_quantile(column, last.weights, 0.05);
      high[k] = sim::weighted_quantile(column, last.weights, 0.95);
    }
    vector_over(posterior, "median", median, parameter, "parameter", "weighted posterior median",
                "the parameter's unit");
    vector_over(posterior, "low", low, parameter, "parameter",
                "5% weighted quantile (lower end of the 90% credible interval)",
                "the parameter's unit");
    vector_over(posterior, "high", high, parameter, "parameter",
                "95% weighted quantile (upper end of the 90% credible interval)",
                "the parameter's unit");
  }

  if (!results.predictive.empty()) {
    Handle predictive = create_group(group, "predictive");
    const std::vector<double> q(std::begin(PREDICTIVE_QUANTILES), std::end(PREDICTIVE_QUANTILES));
    Handle quantile = scale_of_numbers(predictive, "quantile", q,
                                       "quantile of the posterior "
                                       "predictive distribution");
    std::vector<double> bands;
    for (const auto& o : results.observations) bands.insert(bands.end(), o.band, o.band + 5);
    Handle observed = write_dataset(predictive, "observations", {names.size(), 5}, H5T_IEEE_F64LE,
                                    H5T_NATIVE_DOUBLE, bands.data());
    attach(observed, observation, 0, "observation");
    attach(observed, quantile, 1, "quantile");
    write_string_attribute(observed, "long_name",
                           "posterior predictive quantiles of each observation (metric units)");
    for (const auto& series : results.predictive) {
      const std::string path = series.scenario;
      if (H5Lexists(predictive, path.c_str(), H5P_DEFAULT) <= 0) create_group(predictive, path);
      Handle scenario_group(H5Gopen2(predictive, path.c_str(), H5P_DEFAULT), H5Gclose,
                            "opening " + path);
      std::vector<double> series_years(series.years.begin(), series.years.end());
      const std::string year_name = series.metric + "_year";
      Handle year = scale_of_numbers(scenario_group, year_name.c_str(), series_years,
                                     "calendar year (a stock at its end, a flow over it)");
      Handle dataset = write_dataset(scenario_group, series.metric, {5, series_years.size()},
                                     H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, series.quantiles.data());
      attach(dataset, quantile, 0, "quantile");
      attach(dataset, year, 1, "year");
      write_string_attribute(dataset, "units", series.unit);
      write_string_attribute(dataset, "long_name",
                             "posterior predictive quantiles (5, 25, 50, 75, 95%) per year");
    }
  }
}

template <class T>
T read_scalar(hid_t object, const std::string& name, hid_t memory_type) {
  Handle attribute(H5Aopen(object, name.c_str(), H5P_DEFAULT), H5Aclose, "opening " + name);
  T value{};
  check(H5Aread(attribute, memory_type, &value), "reading " + name);
  return value;
}

/// Opens a calibration file's /calibration group (file handle kept in `file`).
Handle open_calibration(const std::filesystem::path& path, Handle& file) {
  h5::silence_library_errors();
  const hid_t id = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  if (id < 0) throw H5Error(path.string() + " cannot be opened as an HDF5 file (does it exist?)");
  file = Handle(id, H5Fclose, "opening " + path.string());
  if (H5Lexists(file, "calibration", H5P_DEFAULT) <= 0)
    throw H5Error(path.string() +
                  " is not a calibration's results (no /calibration group; "
                  "innosim calibrate writes them)");
  return Handle(H5Gopen2(file, "calibration", H5P_DEFAULT), H5Gclose, "opening /calibration");
}

}  // namespace

void write_calibration(const std::filesystem::path& output, const CalibrationResults& results,
                       const Provenance& provenance) {
  h5::create_atomically(output, [&](Handle& file) { write_contents(file, results, provenance); });
}

CalibrationResults read_calibration(const std::filesystem::path& path) {
  Handle file;
  Handle group = open_calibration(path, file);
  CalibrationResults results;
  results.fingerprint = h5::read_string_attribute(group, "fingerprint");
  results.stop_reason = h5::read_string_attribute(group, "stop_reason");
  results.parameter_keys = split(h5::read_string_attribute(group, "parameter_keys"));
  const std::vector<double> generations = read_doubles(group, "generation");
  for (std::size_t g = 0; g < generations.size(); ++g) {
    const std::string name = "generations/" + std::to_string(g);
    Handle one(H5Gopen2(group, name.c_str(), H5P_DEFAULT), H5Gclose, "opening " + name);
    sim::AbcGeneration generation;
    generation.index = g;
    std::vector<std::size_t> shape;
    generation.values = read_doubles(one, "values", &shape);
    generation.parameters = shape.size() == 2 ? shape[1] : 0;
    generation.weights = read_doubles(one, "weights");
    generation.distances = read_doubles(one, "distances");
    generation.summaries = read_doubles(one, "summaries", &shape);
    generation.observations = shape.size() == 2 ? shape[1] : 0;
    generation.tolerance = read_scalar<double>(one, "tolerance", H5T_NATIVE_DOUBLE);
    generation.acceptance_rate = read_scalar<double>(one, "acceptance_rate", H5T_NATIVE_DOUBLE);
    generation.seconds = read_scalar<double>(one, "seconds", H5T_NATIVE_DOUBLE);
    generation.first_candidate =
        read_scalar<std::uint64_t>(one, "first_candidate", H5T_NATIVE_UINT64);
    generation.candidates = read_scalar<std::uint64_t>(one, "candidates", H5T_NATIVE_UINT64);
    results.generations.push_back(std::move(generation));
  }
  return results;
}

sim::Posterior read_posterior(const std::filesystem::path& path) {
  Handle file;
  Handle group = open_calibration(path, file);
  if (read_scalar<std::int32_t>(file, "complete", H5T_NATIVE_INT32) != 1) {
    throw H5Error(path.string() +
                  " holds a calibration that did not finish (attribute complete "
                  "= 0); finish it with innosim calibrate --resume");
  }
  const CalibrationResults results = read_calibration(path);
  if (results.generations.empty())
    throw H5Error(path.string() + " holds no generation of particles");
  sim::Posterior posterior;
  posterior.source = path.string();
  posterior.keys = results.parameter_keys;
  posterior.values = results.generations.back().values;
  posterior.weights = results.generations.back().weights;
  return posterior;
}

}  // namespace innosim::io
