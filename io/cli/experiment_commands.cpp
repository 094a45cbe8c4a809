#include "io/cli/experiment_commands.hpp"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <map>
#include <numeric>
#include <variant>

#include "io/cli/output_path.hpp"
#include "io/h5/sweep_file.hpp"
#include "io/scenario/scenario.hpp"
#include "io/version.hpp"
#include "models/registry.hpp"
#include "sim/experiment/sensitivity.hpp"
#include "sim/run/cluster.hpp"
#include "sim/run/study.hpp"

namespace innosim::io {

namespace {

/// Design points larger than this are refused: the design alone would not fit in memory.
constexpr std::uint64_t MAX_POINTS = 100'000'000;

std::string fingerprint_of(const Scenario& scenario, const sim::DesignOptions& options) {
  // FNV-1a over everything that determines the results.
  std::uint64_t hash = 1469598103934665603ull;
  auto mix = [&](const std::string& text) {
    for (const char c : text) {
      hash ^= static_cast<std::uint8_t>(c);
      hash *= 1099511628211ull;
    }
    hash ^= 0xff;
    hash *= 1099511628211ull;
  };
  mix(scenario.text);
  if (scenario.variant != "baseline") mix("variant " + scenario.variant);  // keeps old prints
  for (const std::string& setting : scenario.settings) mix("--set " + setting);
  mix(sim::design_name(options.kind));
  mix(std::to_string(options.n));
  mix(std::to_string(options.second_order));
  if (options.scramble) mix("scrambled");  // unscrambled sweeps keep their fingerprints
  mix(std::to_string(options.morris_levels));
  mix(std::to_string(scenario.seed));
  mix(std::to_string(scenario.replications));
  mix(program_version());
  mix(git_commit());
  char text[17];
  std::snprintf(text, sizeof text, "%016llx", static_cast<unsigned long long>(hash));
  return text;
}

/// The parameters of design point `point`: the scenario's values with every factor applied
/// (each factor's range was checked against its parameter's spec when the scenario was read).
sim::ParameterSet values_at(const Scenario& scenario, const sim::Design& design,
                            std::size_t point) {
  sim::ParameterSet values = scenario.values;
  for (std::size_t f = 0; f < design.factors; ++f) {
    const sim::Factor& factor = scenario.factors[f];
    values.set(factor.parameter, factor.value_at(design.row(point)[f]));
  }
  return values;
}

std::string describe_point(const Scenario& scenario, const sim::ParameterSet& values) {
  std::string text;
  for (const auto& factor : scenario.factors) {
    text += (text.empty() ? "" : ", ") + factor.parameter + " = " +
            sim::to_toml_text(values.values().at(factor.parameter));
  }
  return text;
}

/// Writes each design point's outcomes to the partial file once all its replications are in,
/// at the end of the batch that completed it (also a cancelled one).
class SweepSink final : public sim::StudySink {
 public:
  SweepSink(SweepFile& file, const std::vector<std::size_t>& design_points, std::size_t outcomes,
            std::uint32_t replications)
      : file_(file),
        design_points_(design_points),
        outcomes_(outcomes),
        replications_(replications) {}

  void accept(sim::TaskResult& result) override {
    OpenPoint& open = open_[result.point];
    if (open.values.empty()) open.values.assign(outcomes_ * replications_, 0.0);
    for (std::size_t o = 0; o < outcomes_; ++o)
      open.values[o * replications_ + result.replication] = result.outcomes[o];
    ++open.replications;
  }

  void end_batch(bool /*complete*/) override {
    std::vector<std::size_t> complete;  // study points, ascending
    for (const auto& [point, open] : open_) {
      if (open.replications == replications_) complete.push_back(point);
    }
    if (complete.empty()) return;
    // write_points takes values[(outcome * points + i) * replications + r].
    std::vector<std::size_t> points;
    std::vector<double> values(outcomes_ * complete.size() * replications_);
    for (std::size_t i = 0; i < complete.size(); ++i) {
      points.push_back(design_points_[complete[i]]);
      const std::vector<double>& point_values = open_.at(complete[i]).values;
      for (std::size_t o = 0; o < outcomes_; ++o) {
        std::copy_n(point_values.begin() + static_cast<std::ptrdiff_t>(o * replications_),
                    replications_,
                    values.begin() +
                        static_cast<std::ptrdiff_t>((o * complete.size() + i) * replications_));
      }
      open_.erase(complete[i]);
    }
    file_.write_points(points, values);
  }

 private:
  struct OpenPoint {
    std::vector<double> values;  ///< [outcome][replication]
    std::uint32_t replications = 0;
  };
  SweepFile& file_;
  const std::vector<std::size_t>& design_points_;  ///< study point -> design point
  std::size_t outcomes_;
  std::uint32_t replications_;
  std::map<std::size_t, OpenPoint> open_;
};

std::string fixed(double value, int decimals = 3) {
  char text[64];
  std::snprintf(text, sizeof text, "%.*f", decimals, value);
  return text;
}

/// Computes, writes and describes the indices of every outcome; "" for designs without any.
std::string analyze_file(SweepFile& file, std::uint32_t resamples) {
  const sim::Design design = file.design();
  if (design.options.kind != sim::DesignKind::SOBOL &&
      design.options.kind != sim::DesignKind::MORRIS) {
    return std::string("A ") + sim::design_name(design.options.kind) +
           " design has no sensitivity indices; the outcomes are in /experiments/outcomes.\n";
  }
  const std::vector<std::string> names = file.factor_names();
  const std::vector<std::string> parameters = file.factor_parameters();
  const std::uint32_t replications = file.replications();
  sim::BootstrapOptions bootstrap;
  bootstrap.resamples = resamples;
  std::size_t width = 6;
  for (const auto& name : names) width = std::max(width, name.size());
  std::string text;
  for (const std::string& outcome : file.outcome_names()) {
    const std::vector<double> values = file.read_outcome(outcome);
    std::vector<double> y(design.points());
    for (std::size_t point = 0; point < y.size(); ++point) {
      double sum = 0.0;
      for (std::uint32_t r = 0; r < replications; ++r) sum += values[point * replications + r];
      y[point] = sum / replications;
    }
    std::vector<std::size_t> order(names.size());
    std::iota(order.begin(), order.end(), 0);
    char line[512];
    if (design.options.kind == sim::DesignKind::SOBOL) {
      const sim::SobolIndices indices = sim::sobol_indices(design, y, bootstrap);
      const std::vector<std::string> notes = sim::sobol_notes(indices, names, design.options.n);
      file.write_sobol(outcome, indices, bootstrap, notes);
      std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
        return indices.total[a].estimate > indices.total[b].estimate;
      });
      text += "\nSobol indices of " + outcome + " (mean of " + std::to_string(replications) +
              " replications per point; " + std::to_string(design.options.n) +
              " base rows; 95% bootstrap intervals), by total index:\n";
      std::snprintf(line, sizeof line, "  %-*s %-26s %-22s %s\n", static_cast<int>(width), "factor",
                    "total ST [interval]", "first S1 [interval]", "parameter");
      text += line;
      for (const std::size_t f : order) {
        const auto& st = indices.total[f];
        const auto& s1 = indices.first[f];
        std::snprintf(line, sizeof line, "  %-*s %6s [%6s, %6s]     %6s [%6s, %6s]  %s\n",
                      static_cast<int>(width), names[f].c_str(), fixed(st.estimate).c_str(),
                      fixed(st.low).c_str(), fixed(st.high).c_str(), fixed(s1.estimate).c_str(),
                      fixed(s1.low).c_str(), fixed(s1.high).c_str(), parameters[f].c_str());
        text += line;
      }
      for (const std::string& note : notes) text += "  Note: " + note + "\n";
    } else {
      const sim::MorrisIndices indices = sim::morris_indices(design, y, bootstrap);
      file.write_morris(outcome, indices, bootstrap);
      std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
        return indices.mu_star[a].estimate > indices.mu_star[b].estimate;
      });
      text += "\nMorris elementary effects of " + outcome + " (" +
              std::to_string(design.options.n) +
              " trajectories, effects per unit of each "
              "factor's range), by mu*:\n";
      std::snprintf(line, sizeof line, "  %-*s %-32s %10s %10s  %s\n", static_cast<int>(width),
                    "factor", "mu* [95% interval]", "mu", "sigma", "parameter");
      text += line;
      for (const std::size_t f : order) {
        const auto& star = indices.mu_star[f];
        std::snprintf(line, sizeof line, "  %-*s %10.4g [%8.4g, %8.4g] %10.4g %10.4g  %s\n",
                      static_cast<int>(width), names[f].c_str(), star.estimate, star.low, star.high,
                      indices.mu[f], indices.sigma[f], parameters[f].c_str());
        text += line;
      }
    }
  }
  return text;
}

/// Why the scenario cannot be swept, or "".
std::string experiment_problem(const Scenario& scenario, const SweepRequest& request) {
  if (scenario.factors.empty())
    return "the scenario declares no [uncertainties.<name>] or [levers.<name>] tables, so there "
           "is nothing to vary (docs/experiments.md)";
  if (scenario.outcomes.empty())
    return "the scenario's [experiment] table lists no outcomes, e.g. "
           "outcomes = [\"register_high_tech@2025\"]";
  if (request.n == 0) return "-n must be at least 1";
  return "";
}

/// The design the request asks for, or why there is none.
std::variant<sim::Design, std::string> design_for(const Scenario& scenario,
                                                  const sim::DesignOptions& options) {
  const std::uint64_t total_points = sim::design_points(scenario.factors, options);
  if (total_points > MAX_POINTS) {
    return "the design would have " + std::to_string(total_points) + " points, more than " +
           std::to_string(MAX_POINTS) + "; lower -n";
  }
  try {
    return sim::make_design(scenario.factors, options);
  } catch (const std::invalid_argument& error) {
    return std::string(error.what());
  }
}

/// Every point must be a valid scenario before anything runs: the first that is not, or "".
std::string invalid_point(const Scenario& scenario, const sim::Design& design) {
  const models::ModelEntry& entry = *models::find_model(scenario.model);
  for (std::size_t point = 0; point < design.points(); ++point) {
    const sim::ParameterSet values = values_at(scenario, design, point);
    const auto problems = entry.check(values, scenario.time);
    if (!problems.empty()) {
      return "design point " + std::to_string(point) + " (" + describe_point(scenario, values) +
             ") is not a valid scenario: " + problems.front().key + " " + problems.front().message +
             ". Narrow the factors' ranges.";
    }
  }
  return "";
}

/// The partial file, new or resumed; nullopt after printing why not (`exit_code` set).
std::optional<SweepFile> open_partial(const SweepRequest& request, const SweepLayout& layout,
                                      const Provenance& provenance,
                                      const std::filesystem::path& partial, int& exit_code) {
  try {
    if (request.resume) return SweepFile::resume(partial, layout.fingerprint);
    if (std::filesystem::exists(partial) && held_by_another_process(partial)) {
      std::fprintf(stderr,
                   "%s: error: %s is open in another process: a sweep of this output is still "
                   "running. Wait for it, or stop it (Ctrl-C keeps its points) and continue with "
                   "--resume; do not delete the file while it runs\nNothing was run and nothing "
                   "was written.\n",
                   request.scenario_path.c_str(), partial.c_str());
      exit_code = EXIT_BAD_SCENARIO;
      return std::nullopt;
    }
    if (std::filesystem::exists(partial)) {
      std::fprintf(stderr,
                   "%s: error: %s exists: an earlier sweep was interrupted. Continue it with "
                   "--resume, or delete it to start again\nNothing was run and nothing was "
                   "written.\n",
                   request.scenario_path.c_str(), partial.c_str());
      exit_code = EXIT_BAD_SCENARIO;
      return std::nullopt;
    }
    return SweepFile::create(partial, layout, provenance);
  } catch (const std::exception& error) {
    std::fprintf(stderr, "error: %s\n", error.what());
    exit_code = request.resume ? EXIT_BAD_SCENARIO : EXIT_FAILURE_RUN;
    return std::nullopt;
  }
}

/// Runs the points the file does not have yet, streaming them into it; `tasks` is set to the
/// number of point x replication tasks. False if interrupted.
bool run_pending(const Scenario& scenario, const sim::Design& design, SweepFile* file,
                 const SweepRequest& request, sim::TaskExecutor& executor, std::uint64_t& tasks) {
  std::vector<std::size_t> pending;
  // Under MPI only rank 0 has the file open; the other ranks learn from it what is left.
  std::vector<std::uint8_t> completed;
  if (file != nullptr) completed = file->completed();
  sim::share_from_coordinator(completed);
  for (std::size_t point = 0; point < completed.size(); ++point) {
    if (completed[point] == 0) pending.push_back(point);
  }
  std::fprintf(stderr,
               "Sweeping %s: %s design, %zu points x %u replications (%zu points to run%s), "
               "%zu factors, %zu outcomes, seed %llu\n",
               scenario.name.c_str(), sim::design_name(design.options.kind), design.points(),
               scenario.replications, pending.size(), request.resume ? ", resumed" : "",
               scenario.factors.size(), scenario.outcomes.size(),
               static_cast<unsigned long long>(scenario.seed));
  sim::Study study;
  study.points = pending.size();
  // Every point passed the model's checks before the sweep began: build without repeating them.
  const models::ModelEntry& entry = *models::find_model(scenario.model);
  study.model_at = [&](std::size_t i) -> std::shared_ptr<const sim::Model> {
    return entry.create(values_at(scenario, design, pending[i]), scenario.time);
  };
  study.replications = scenario.replications;
  study.seed = scenario.seed;
  study.outcomes = scenario.outcomes;
  std::atomic<std::uint64_t> tasks_done{0};
  sim::StudyControl control;
  control.cancel = request.cancel;
  control.tasks_done = &tasks_done;
  tasks = study.tasks();
  if (file == nullptr) {  // an MPI worker rank
    sim::DiscardSink discard;
    return sim::run_study(study, discard, executor, control);
  }
  SweepSink sink(*file, pending, scenario.outcomes.size(), scenario.replications);
  std::optional<sim::ProgressMeter> meter;
  start_progress(meter, request.progress, tasks_done, study.tasks(), tasks_done, study.tasks());
  return sim::run_study(study, sink, executor, control);
}

/// Computes the indices in a copy of the partial file, marks it complete and renames it to the
/// output; the partial file is removed only then. A sweep killed during the analysis leaves the
/// partial file as the last batch left it (every point done), so --resume only analyses again.
/// False (after saying so) if that failed.
bool analyze_and_publish(SweepFile& file, const std::filesystem::path& partial,
                         const std::filesystem::path& output, const SweepRequest& request) {
  const std::filesystem::path directory =
      output.has_parent_path() ? output.parent_path() : std::filesystem::path(".");
  std::string name = ".";
  name.append(output.filename().string()).append(".tmp-").append(std::to_string(::getpid()));
  const std::filesystem::path copy = directory / name.append("-0");
  std::error_code ignored;
  try {
    file.close();
    std::filesystem::copy_file(partial, copy, std::filesystem::copy_options::overwrite_existing);
    SweepFile analysed = SweepFile::open_read_write(copy);
    const std::string table = analyze_file(analysed, request.bootstrap_resamples);
    analysed.set_complete();
    analysed.close();
    std::filesystem::rename(copy, output);
    std::filesystem::remove(partial, ignored);
    std::fputs(table.c_str(), request.report);
    return true;
  } catch (const std::exception& error) {
    std::filesystem::remove(copy, ignored);
    std::fprintf(stderr, "error: %s\nThe simulated points are kept in %s.\n", error.what(),
                 partial.c_str());
    return false;
  }
}

}  // namespace

int sweep_command(const SweepRequest& request) {
  const std::optional<Scenario> loaded =
      load_for_command(request.scenario_path, request.replications, request.seed,
                       {request.variant, request.settings});
  if (!loaded) return EXIT_BAD_SCENARIO;
  Scenario scenario = *loaded;
  if (request.posterior_median && scenario.posterior) scenario.posterior->median = true;
  auto refuse = [&](const std::string& why) {
    std::fprintf(stderr, "%s: error: %s\nNothing was run and nothing was written.\n",
                 request.scenario_path.c_str(), why.c_str());
    return EXIT_BAD_SCENARIO;
  };
  if (const std::string why = experiment_problem(scenario, request); !why.empty())
    return refuse(why);
  sim::DesignOptions options;
  options.kind = request.design;
  options.n = request.n;
  options.second_order = request.second_order;
  options.scramble = request.scramble;
  options.morris_levels = request.morris_levels;
  options.seed = scenario.seed;
  auto designed = design_for(scenario, options);
  if (const auto* why = std::get_if<std::string>(&designed)) return refuse(*why);
  const sim::Design& design = std::get<sim::Design>(designed);
  if (const std::string why = invalid_point(scenario, design); !why.empty()) return refuse(why);

  std::string suffix = "_";
  suffix.append(sim::design_name(options.kind)).append(".h5");
  const std::optional<std::filesystem::path> chosen =
      output_of(scenario, request.output_path, suffix);
  if (!chosen) return EXIT_BAD_SCENARIO;
  const std::filesystem::path& output = *chosen;
  const std::filesystem::path partial = partial_path(output);
  for (const auto& path : {output, partial}) {
    if (const std::string why = output_problem(path, scenario.path); !why.empty())
      return refuse(why);
  }
  remove_stale_temporaries(partial, ".tmp");
  remove_stale_temporaries(output, ".tmp");
  SweepLayout layout;
  layout.factors = scenario.factors;
  layout.design = design;
  for (const auto& outcome : scenario.outcomes) layout.outcomes.push_back(outcome.name);
  layout.replications = scenario.replications;
  layout.fingerprint = fingerprint_of(scenario, options);
  int exit_code = EXIT_OK;
  std::optional<SweepFile> file;
  if (sim::is_coordinator()) {  // under MPI only rank 0 opens and writes the file
    file = open_partial(request, layout, provenance_of(scenario, request.command_line), partial,
                        exit_code);
    if (!file) return exit_code;
  }

  sim::ThreadExecutor executor(request.threads);  // also limits the analysis' threads
  const auto started = std::chrono::steady_clock::now();
  bool finished = false;
  std::uint64_t tasks = 0;
  try {
    finished = run_pending(scenario, design, file ? &*file : nullptr, request, executor, tasks);
  } catch (const std::exception& error) {
    std::fprintf(stderr,
                 "\nerror: %s\nThe completed points are kept in %s; fix the problem and "
                 "continue with --resume.\n",
                 error.what(), partial.c_str());
    return EXIT_FAILURE_RUN;
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  if (!finished) {
    const std::vector<std::uint8_t> completed = file->completed();
    const auto done = std::count(completed.begin(), completed.end(), 1);
    file->close();
    std::fprintf(stderr,
                 "\nInterrupted after %.1f s: %ld of %zu points are done and kept in %s.\n"
                 "Run the same command with --resume to continue; %s was not written.\n",
                 seconds, static_cast<long>(done), completed.size(), partial.c_str(),
                 output.c_str());
    return EXIT_INTERRUPTED;
  }
  if (!analyze_and_publish(*file, partial, output, request)) return EXIT_FAILURE_RUN;
  std::fprintf(request.report, "Wrote %s (%zu points x %u replications, %.2f s, %.1f runs/s).\n",
               output.c_str(), design.points(), scenario.replications, seconds,
               seconds > 0 ? static_cast<double>(tasks) / seconds : 0.0);
  return EXIT_OK;
}

int analyze_command(const AnalyzeRequest& request) {
  // The file is analysed in a copy, renamed over it only when complete: an interrupted or
  // failed analysis leaves the original as it was.
  const std::filesystem::path path = request.path;
  std::filesystem::path copy = path;
  copy.replace_filename("." + path.filename().string() + ".analyze-" + std::to_string(::getpid()));
  remove_stale_temporaries(path, ".analyze");  // copies left by analyses killed with -9
  // Messages name the user's file, never the hidden copy.
  auto named = [&](std::string text) {
    for (std::size_t at = text.find(copy.string()); at != std::string::npos;
         at = text.find(copy.string(), at + path.string().size()))
      text.replace(at, copy.string().size(), path.string());
    return text;
  };
  try {
    if (held_by_another_process(path)) {
      std::fprintf(stderr, "%s: error: the file is open in another process; try again later\n",
                   path.c_str());
      return EXIT_FAILURE_RUN;
    }
    try {
      std::filesystem::copy_file(path, copy, std::filesystem::copy_options::overwrite_existing);
    } catch (const std::filesystem::filesystem_error& error) {
      throw h5::H5Error("cannot make the working copy beside it: " + error.code().message());
    }
    SweepFile file = SweepFile::open_read_write(copy);
    const auto completed = file.completed();
    if (std::count(completed.begin(), completed.end(), 0) > 0) {
      file.close();
      std::filesystem::remove(copy);
      std::fprintf(stderr,
                   "%s: error: not every design point has run; finish the sweep with --resume "
                   "first\n",
                   path.c_str());
      return EXIT_BAD_SCENARIO;
    }
    const std::string table = analyze_file(file, request.bootstrap_resamples);
    file.close();
    std::filesystem::rename(copy, path);
    std::printf("%sWrote the indices to %s (/sensitivity).\n", table.c_str(), path.c_str());
    return EXIT_OK;
  } catch (const std::exception& error) {
    std::error_code ignored;
    std::filesystem::remove(copy, ignored);
    std::fprintf(stderr, "%s: error: %s\n%s is unchanged.\n", path.c_str(),
                 named(error.what()).c_str(), path.c_str());
    return EXIT_FAILURE_RUN;
  }
}

}  // namespace innosim::io
