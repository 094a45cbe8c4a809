#include "io/cli/calibrate_command.hpp"

#include <unistd.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <filesystem>

#include "io/cli/output_path.hpp"
#include "io/h5/calibration_file.hpp"
#include "io/scenario/toml_support.hpp"
#include "sim/calibration/abc_smc.hpp"
#include "sim/run/cluster.hpp"
#include "sim/run/study.hpp"

namespace innosim::io {

namespace {

/// A scenario of the calibration: the one named on the command line, then its `joint` ones.
struct Member {
  Scenario scenario;
  std::uint64_t seed = 0;             ///< decorrelated from the other members'
  std::vector<std::size_t> fitted;    ///< indices into the calibration's observations
  std::vector<std::size_t> observed;  ///< fitted and held out
};

/// One observation of one member.
struct Entry {
  std::size_t member = 0;
  const CalibrationObservation* observation = nullptr;
  bool held_out = false;
};

/// FNV-1a: a fingerprint of the inputs that is the same on every platform and build.
std::string fingerprint_of(const std::string& text) {
  std::uint64_t hash = 0xcbf29ce484222325ULL;
  for (const unsigned char c : text) {
    hash ^= c;
    hash *= 0x100000001b3ULL;
  }
  char out[17];
  std::snprintf(out, sizeof out, "%016llx", static_cast<unsigned long long>(hash));
  return out;
}

std::string minutes_text(double seconds) {
  char text[32];
  if (seconds < 120) {
    std::snprintf(text, sizeof text, "%.0f s", seconds);
  } else {
    std::snprintf(text, sizeof text, "%.1f min", seconds / 60.0);
  }
  return text;
}

std::string number_text(double value) {
  char text[32];
  const double magnitude = std::fabs(value);
  if (!std::isfinite(value)) return value > 0 ? "inf" : "-inf";
  if (magnitude != 0.0 && (magnitude < 1e-3 || magnitude >= 1e7)) {
    std::snprintf(text, sizeof text, "%.3g", value);
  } else if (magnitude >= 100) {
    std::snprintf(text, sizeof text, "%.1f", value);
  } else {
    std::snprintf(text, sizeof text, "%.4g", value);
  }
  return text;
}

class Calibration {
 public:
  explicit Calibration(const CalibrateRequest& request) : request_(request) {}

  int run() {
    if (!load()) return EXIT_BAD_SCENARIO;
    if (!prepare_output()) return EXIT_BAD_SCENARIO;
    try {
      abc_.emplace(priors(), fitted_observations(), options());
    } catch (const std::invalid_argument& error) {
      std::fprintf(stderr,
                   "%s: error: [calibration]: %s\nNothing was run and nothing was written.\n",
                   main().path.c_str(), error.what());
      return EXIT_BAD_SCENARIO;
    }
    if (request_.resume && !resume()) return EXIT_BAD_SCENARIO;
    describe();
    const auto started = std::chrono::steady_clock::now();
    while (!abc_->finished()) {
      const std::size_t next = abc_->generations().size();
      bool completed = false;
      try {
        completed = abc_->run_generation([&](std::uint64_t first, std::size_t count,
                                             std::span<const double> parameters,
                                             std::span<double> summaries) {
          return simulate(first, count, parameters, summaries);
        });
      } catch (const std::exception& error) {
        std::fprintf(stderr,
                     "\nerror: %s\nThe calibration failed in generation %zu; %s keeps the "
                     "generations completed before it.\n",
                     error.what(), next, output_.c_str());
        return EXIT_FAILURE_RUN;
      }
      if (!completed) {
        std::fprintf(stderr,
                     "\nInterrupted during generation %zu. %s holds the %zu completed "
                     "generation%s; continue with the same command and --resume.\n",
                     next, output_.c_str(), next, next == 1 ? "" : "s");
        return EXIT_INTERRUPTED;
      }
      report_generation();
      if (!save(false)) return EXIT_FAILURE_RUN;
    }
    std::fprintf(stderr, "Stopped: %s\nPosterior predictive: %zu draws...\n",
                 abc_->stop_reason().c_str(), main_calibration().particles);
    if (!predict()) {
      std::fprintf(stderr,
                   "\nInterrupted during the posterior predictive. %s holds every "
                   "generation; run the same command with --resume to finish.\n",
                   output_.c_str());
      return EXIT_INTERRUPTED;
    }
    if (!save(true)) return EXIT_FAILURE_RUN;
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    print_tables(seconds);
    return EXIT_OK;
  }

 private:
  const Scenario& main() const { return members_.front().scenario; }
  const CalibrationSpec& main_calibration() const { return *main().calibration; }

  bool load() {
    std::optional<Scenario> scenario = load_for_command(request_.scenario_path, {}, request_.seed);
    if (!scenario) return false;
    auto refuse = [&](const std::string& path, const std::string& why) {
      std::fprintf(stderr, "%s: error: %s\nNothing was run and nothing was written.\n",
                   path.c_str(), why.c_str());
      return false;
    };
    if (!scenario->calibration || scenario->calibration->parameters.empty()) {
      return refuse(scenario->path,
                    "there is nothing to calibrate: the scenario has no "
                    "[calibration.parameters.<name>] tables (docs/calibration.md shows one)");
    }
    if (request_.particles)
      scenario->calibration->particles = static_cast<std::size_t>(*request_.particles);
    if (request_.max_generations)
      scenario->calibration->max_generations = static_cast<std::size_t>(*request_.max_generations);
    // The calibration sets the parameters itself: a [posterior] of the scenario is not used.
    scenario->posterior.reset();
    members_.push_back({std::move(*scenario), 0, {}, {}});
    for (const auto& path : main_calibration().joint) {
      std::optional<Scenario> joint = load_for_command(path, {}, {});
      if (!joint) return false;
      if (!joint->calibration) {
        return refuse(path,
                      "is named in calibration.joint but has no [calibration] table with "
                      "its observations");
      }
      if (!joint->calibration->parameters.empty() || !joint->calibration->joint.empty()) {
        return refuse(path,
                      "is a joint scenario: its [calibration] may hold only data, scale "
                      "and observations (the parameters and the method's options are " +
                          main().path + "'s)");
      }
      if (joint->model != main().model) {
        return refuse(path, "runs model " + joint->model + ", not " + main().model + " like " +
                                main().path + ": a joint calibration fits one model");
      }
      joint->posterior.reset();
      members_.push_back({std::move(*joint), 0, {}, {}});
    }
    for (std::size_t m = 0; m < members_.size(); ++m) {
      // Different members use different seeds: their noise must not be the same draws.
      members_[m].seed = main().seed + m * 0x9E3779B97F4A7C15ULL;
      const auto& observations = members_[m].scenario.calibration->observations;
      for (const auto& observation : observations) {
        const bool held_out =
            request_.hold_out_after && observation.year > *request_.hold_out_after;
        members_[m].observed.push_back(entries_.size());
        if (!held_out) members_[m].fitted.push_back(entries_.size());
        entries_.push_back({m, &observation, held_out});
      }
    }
    std::size_t fitted = 0;
    for (const auto& entry : entries_) fitted += entry.held_out ? 0 : 1;
    if (fitted == 0) {
      return refuse(
          main().path,
          "no observation is left to fit" +
              std::string(request_.hold_out_after
                              ? " (--hold-out-after " + std::to_string(*request_.hold_out_after) +
                                    " holds out every one)"
                              : ": add [[calibration.observations]]"));
    }
    return true;
  }

  bool prepare_output() {
    const auto chosen = output_of(main(), request_.output_path, "_calibration.h5");
    if (!chosen) return false;
    output_ = *chosen;
    if (const std::string why = output_problem(output_, main().path); !why.empty()) {
      std::fprintf(stderr, "%s: error: %s\nNothing was run and nothing was written.\n",
                   main().path.c_str(), why.c_str());
      return false;
    }
    remove_stale_temporaries(output_, ".tmp");
    std::string inputs = "seed=" + std::to_string(main().seed) + "\nhold_out_after=" +
                         (request_.hold_out_after ? std::to_string(*request_.hold_out_after) : "") +
                         // Not max_generations: --resume with more extends a calibration.
                         "\nparticles=" + std::to_string(main_calibration().particles);
    for (const auto& member : members_) inputs += "\n" + member.scenario.text;
    for (const auto& entry : entries_) {
      inputs += "\n" + entry.observation->metric + std::to_string(entry.observation->year) + "=" +
                number_text(entry.observation->value) + "+-" +
                number_text(entry.observation->uncertainty);
    }
    fingerprint_ = fingerprint_of(inputs);
    if (sim::is_coordinator() && !request_.resume && std::filesystem::exists(output_)) {
      try {
        const CalibrationResults old = read_calibration(output_);
        if (old.fingerprint == fingerprint_ && old.stop_reason.empty()) {
          std::fprintf(stderr,
                       "%s: error: %s holds an interrupted calibration of these inputs (%zu "
                       "generations); continue it with --resume, or remove it to start again.\n"
                       "Nothing was run and nothing was written.\n",
                       main().path.c_str(), output_.c_str(), old.generations.size());
          return false;
        }
      } catch (const std::exception&) {
        // Not a calibration file: it is replaced like any output, when the new one is complete.
      }
    }
    return true;
  }

  bool resume() {
    CalibrationResults old;
    try {
      old = read_calibration(output_);
    } catch (const std::exception& error) {
      std::fprintf(stderr, "%s: error: --resume: %s\nNothing was run and nothing was written.\n",
                   main().path.c_str(), error.what());
      return false;
    }
    if (old.fingerprint != fingerprint_) {
      std::fprintf(stderr,
                   "%s: error: --resume: %s is the calibration of other inputs (the scenarios, "
                   "their observations, the seed or --hold-out-after differ); resume with the "
                   "same ones, or give another -o.\nNothing was run and nothing was written.\n",
                   main().path.c_str(), output_.c_str());
      return false;
    }
    try {
      abc_->resume(std::move(old.generations));
    } catch (const std::exception& error) {
      std::fprintf(stderr, "%s: error: --resume: %s\n", main().path.c_str(), error.what());
      return false;
    }
    std::fprintf(stderr, "Resuming after %zu completed generation%s in %s.\n",
                 abc_->generations().size(), abc_->generations().size() == 1 ? "" : "s",
                 output_.c_str());
    if (abc_->finished()) {
      std::fprintf(stderr,
                   "Nothing to simulate: %s (all %zu generations are kept; give a larger "
                   "--max-generations to continue). The posterior predictive is recomputed.\n",
                   abc_->stop_reason().c_str(), abc_->generations().size());
    }
    return true;
  }

  std::vector<sim::Factor> priors() const { return main_calibration().parameters; }

  std::vector<sim::AbcObservation> fitted_observations() const {
    std::vector<sim::AbcObservation> observations;
    for (const auto& entry : entries_) {
      if (entry.held_out) continue;
      const auto& o = *entry.observation;
      observations.push_back({name_of(entry), o.value, o.uncertainty, o.lower_bound});
    }
    return observations;
  }

  std::string name_of(const Entry& entry) const {
    return members_[entry.member].scenario.name + ": " + entry.observation->metric + "@" +
           std::to_string(entry.observation->year);
  }

  sim::AbcOptions options() const {
    const CalibrationSpec& spec = main_calibration();
    sim::AbcOptions options;
    options.particles = spec.particles;
    options.replications = spec.replications;
    options.quantile = spec.quantile;
    options.max_generations = spec.max_generations;
    options.min_acceptance = spec.min_acceptance;
    options.target_tolerance = spec.target_tolerance;
    options.seed = main().seed;
    return options;
  }

  void describe() const {
    std::string scenarios;
    for (const auto& member : members_)
      scenarios += (scenarios.empty() ? "" : " + ") + member.scenario.name;
    const auto& spec = main_calibration();
    std::size_t fitted = 0;
    for (const auto& entry : entries_) fitted += entry.held_out ? 0 : 1;
    std::fprintf(stderr,
                 "Calibrating %s: %zu parameters, %zu observations fitted (%zu held out), %zu "
                 "particles x %u replication%s, at most %zu generations, seed %llu\n",
                 scenarios.c_str(), spec.parameters.size(), fitted, entries_.size() - fitted,
                 spec.particles, spec.replications, spec.replications == 1 ? "" : "s",
                 spec.max_generations, static_cast<unsigned long long>(main().seed));
  }

  sim::ParameterSet overrides_of(std::span<const double> values) const {
    sim::ParameterSet overrides;
    const auto& parameters = main_calibration().parameters;
    for (std::size_t k = 0; k < parameters.size(); ++k)
      overrides.set(parameters[k].parameter, values[k]);
    return overrides;
  }

  /// Runs `count` parameter rows on member `member` (replications independent per row, from
  /// replication id first_replication on); outcome values into `table`.
  bool run_member(const Member& member, std::uint32_t first_replication, std::size_t count,
                  std::span<const double> parameters, std::uint32_t replications,
                  std::vector<sim::Outcome> outcomes, std::optional<sim::OutcomeTable>& table) {
    const std::size_t dimensions = main_calibration().parameters.size();
    sim::Study study;
    study.points = count;
    study.model_at = [&](std::size_t point) {
      return create_model(member.scenario,
                          overrides_of(parameters.subspan(point * dimensions, dimensions)));
    };
    study.replications = replications;
    study.first_replication = first_replication;
    study.independent_points = true;
    study.seed = member.seed;
    study.outcomes = std::move(outcomes);
    // Under MPI every rank runs the same calibration: each needs the outcomes to choose the
    // next generation's candidates as rank 0 does.
    study.outcomes_on_every_rank = true;
    table.emplace(study);
    sim::StudyControl control;
    control.cancel = request_.cancel;
    sim::ThreadExecutor executor(request_.threads);
    return sim::run_study(study, *table, executor, control);
  }

  bool simulate(std::uint64_t first, std::size_t count, std::span<const double> parameters,
                std::span<double> summaries) {
    const std::uint32_t k = main_calibration().replications;
    const std::uint64_t first_replication = first * k;
    if (first_replication + std::uint64_t{count} * k > 0xFFFFFFFFULL)
      throw std::runtime_error("the calibration has used every replication number (2^32)");
    const std::size_t fitted = abc_->observations().size();
    std::size_t column = 0;  // the member's first fitted observation among all fitted ones
    for (const auto& member : members_) {
      if (member.fitted.empty()) continue;
      std::vector<sim::Outcome> outcomes;
      for (const std::size_t e : member.fitted)
        outcomes.push_back(entries_[e].observation->outcome);
      std::optional<sim::OutcomeTable> table;
      if (!run_member(member, static_cast<std::uint32_t>(first_replication), count, parameters, k,
                      outcomes, table))
        return false;
      for (std::size_t c = 0; c < count; ++c)
        for (std::uint32_t r = 0; r < k; ++r)
          for (std::size_t o = 0; o < outcomes.size(); ++o)
            summaries[(c * k + r) * fitted + column + o] = table->value(o, c, r);
      column += outcomes.size();
    }
    print_batch_progress(count);
    return true;
  }

  void print_batch_progress(std::size_t count) {
    batch_candidates_ += count;
    const bool terminal = ::isatty(STDERR_FILENO) != 0;
    const bool show = request_.progress == RunRequest::Progress::ALWAYS ||
                      (request_.progress == RunRequest::Progress::AUTO && terminal);
    if (!show) return;
    std::fprintf(stderr, "%s  generation %zu: %llu candidates simulated so far%s",
                 terminal ? "\r" : "", abc_->generations().size(),
                 static_cast<unsigned long long>(batch_candidates_), terminal ? "" : "\n");
    std::fflush(stderr);
  }

  void report_generation() {
    batch_candidates_ = 0;
    if (request_.progress == RunRequest::Progress::NEVER) return;
    const sim::AbcGeneration& g = abc_->generations().back();
    const bool terminal = ::isatty(STDERR_FILENO) != 0;
    std::string eta;
    if (!abc_->finished()) {
      // The next generation accepts about half as often (the tolerance is the median distance):
      // it needs about twice as many candidates per particle.
      eta = "; next generation ~" + minutes_text(2.0 * g.seconds);
    }
    std::fprintf(stderr,
                 "%sgeneration %zu: tolerance %s, acceptance %.1f%% (%llu candidates), ESS %.0f, "
                 "%s%s\n",
                 terminal ? "\r\033[K" : "", g.index, number_text(g.tolerance).c_str(),
                 100.0 * g.acceptance_rate, static_cast<unsigned long long>(g.candidates),
                 g.effective_sample_size(), minutes_text(g.seconds).c_str(), eta.c_str());
  }

  /// The posterior predictive: draws from the last generation, each run once; yearly
  /// quantiles of every observed metric, and each observation's band.
  bool predict() {
    const sim::AbcGeneration& last = abc_->generations().back();
    const std::size_t draws = main_calibration().particles;
    const std::size_t dimensions = main_calibration().parameters.size();
    const auto chosen = sim::resample_indices(last.weights, draws, main().seed, 0x70726564u);
    std::vector<double> parameters;
    for (const auto index : chosen) {
      const auto row = std::span<const double>(last.values).subspan(index * dimensions, dimensions);
      parameters.insert(parameters.end(), row.begin(), row.end());
    }
    results_.predictive.clear();
    band_.assign(entries_.size(), {});
    for (const auto& member : members_) {
      if (member.observed.empty()) continue;
      // Every year of the run of each observed metric.
      std::vector<std::string> metrics;
      for (const std::size_t e : member.observed) {
        const std::string& metric = entries_[e].observation->metric;
        if (std::find(metrics.begin(), metrics.end(), metric) == metrics.end())
          metrics.push_back(metric);
      }
      const auto model = create_model(member.scenario);
      const auto& infos = model->metrics();
      std::vector<sim::Outcome> outcomes;
      std::vector<std::pair<std::size_t, int>> what;  // (metric position, year)
      const sim::TimeAxis& time = member.scenario.time;
      for (std::size_t m = 0; m < metrics.size(); ++m) {
        std::size_t index = 0;
        (void)detail::find_metric(metrics[m], infos, index);
        for (int year = time.start_year - 1; year <= time.start_year + time.steps / 12; ++year) {
          sim::Outcome outcome;
          if (!detail::place_year(std::to_string(year), infos[index], time, outcome).empty())
            continue;
          outcome.metric = index;
          outcome.name = metrics[m] + "@" + std::to_string(year);
          outcomes.push_back(outcome);
          what.emplace_back(m, year);
        }
      }
      std::optional<sim::OutcomeTable> table;
      // Replication numbers after every candidate's, so no draw repeats a calibration's.
      const std::uint64_t first = last.first_candidate + last.candidates;
      const std::uint64_t first_replication = first * main_calibration().replications;
      if (first_replication + draws > 0xFFFFFFFFULL)
        throw std::runtime_error("the calibration has used every replication number (2^32)");
      if (!run_member(member, static_cast<std::uint32_t>(first_replication), draws, parameters, 1,
                      outcomes, table))
        return false;
      std::vector<CalibrationResults::Predictive> series(metrics.size());
      for (std::size_t m = 0; m < metrics.size(); ++m) {
        series[m].scenario = member.scenario.name;
        series[m].metric = metrics[m];
      }
      std::vector<double> column(draws);
      const std::vector<double> equal(draws, 1.0);
      std::vector<std::vector<std::array<double, 5>>> by_metric(metrics.size());
      for (std::size_t o = 0; o < outcomes.size(); ++o) {
        for (std::size_t d = 0; d < draws; ++d) column[d] = table->value(o, d, 0);
        std::array<double, 5> q{};
        for (int i = 0; i < 5; ++i)
          q[i] = sim::weighted_quantile(column, equal, PREDICTIVE_QUANTILES[i]);
        auto& s = series[what[o].first];
        s.years.push_back(what[o].second);
        s.unit = infos[outcomes[o].metric].unit;
        by_metric[what[o].first].push_back(q);
        for (const std::size_t e : member.observed) {
          if (entries_[e].observation->metric == metrics[what[o].first] &&
              entries_[e].observation->year == what[o].second)
            band_[e] = q;
        }
      }
      for (std::size_t m = 0; m < metrics.size(); ++m) {
        auto& s = series[m];
        s.quantiles.assign(5 * s.years.size(), 0.0);
        for (std::size_t y = 0; y < s.years.size(); ++y)
          for (int i = 0; i < 5; ++i) s.quantiles[i * s.years.size() + y] = by_metric[m][y][i];
        results_.predictive.push_back(std::move(s));
      }
    }
    results_.predictive_draws = draws;
    return true;
  }

  bool save(bool complete) {
    if (!sim::is_coordinator()) return true;  // under MPI only rank 0 writes
    CalibrationResults& r = results_;
    r.parameter_keys.clear();
    r.parameter_names.clear();
    r.priors.clear();
    r.prior_why = main_calibration().parameter_why;
    for (const auto& factor : main_calibration().parameters) {
      r.parameter_keys.push_back(factor.parameter);
      r.parameter_names.push_back(factor.name);
      r.priors.push_back(factor.describe());
    }
    r.prior_why.resize(r.parameter_keys.size());
    r.observations.clear();
    for (std::size_t e = 0; e < entries_.size(); ++e) {
      const auto& entry = entries_[e];
      const auto& o = *entry.observation;
      const Scenario& scenario = members_[entry.member].scenario;
      CalibrationResults::Observation record;
      record.scenario = scenario.name;
      record.metric = o.metric;
      record.year = o.year;
      record.value = o.value;
      record.uncertainty = o.uncertainty;
      record.published = o.published;
      record.lower_bound = o.lower_bound;
      record.held_out = entry.held_out;
      record.source = o.source;
      record.why = o.why;
      if (complete) std::copy(band_[e].begin(), band_[e].end(), record.band);
      r.observations.push_back(std::move(record));
    }
    r.options = abc_->options();
    r.observations_until = request_.hold_out_after.value_or(0);
    r.fingerprint = fingerprint_;
    r.generations = abc_->generations();
    r.stop_reason = complete ? abc_->stop_reason() : "";
    Provenance provenance = provenance_of(main(), request_.command_line);
    provenance.complete = complete;
    try {
      write_calibration(output_, r, provenance);
    } catch (const std::exception& error) {
      std::fprintf(stderr, "\nerror: %s\n%s was not updated (it keeps what it held).\n",
                   error.what(), output_.c_str());
      return false;
    }
    return true;
  }

  void print_tables(double seconds) const {
    std::FILE* out = request_.report;
    const auto& generations = abc_->generations();
    std::uint64_t candidates = 0;
    for (const auto& g : generations) candidates += g.candidates;
    std::fprintf(out,
                 "Calibration: %zu generations, %llu candidates x %u replication%s, %s this "
                 "session; stopped: %s\n\n",
                 generations.size(), static_cast<unsigned long long>(candidates),
                 main_calibration().replications, main_calibration().replications == 1 ? "" : "s",
                 minutes_text(seconds).c_str(), abc_->stop_reason().c_str());
    const sim::AbcGeneration& last = generations.back();
    const auto& parameters = main_calibration().parameters;
    std::fprintf(out, "  %-38s %-28s %12s  %-25s %s\n", "parameter", "prior", "median",
                 "90% credible interval", "width / prior's");
    std::vector<double> column(last.particles());
    for (std::size_t k = 0; k < parameters.size(); ++k) {
      for (std::size_t p = 0; p < last.particles(); ++p)
        column[p] = last.values[p * parameters.size() + k];
      const double low = sim::weighted_quantile(column, last.weights, 0.05);
      const double high = sim::weighted_quantile(column, last.weights, 0.95);
      const double median = sim::weighted_quantile(column, last.weights, 0.5);
      const double prior_low = std::get<double>(parameters[k].value_at(0.05));
      const double prior_high = std::get<double>(parameters[k].value_at(0.95));
      std::fprintf(out, "  %-38s %-28s %12s  %-25s %.2f\n", parameters[k].parameter.c_str(),
                   parameters[k].describe().c_str(), number_text(median).c_str(),
                   (number_text(low) + " - " + number_text(high)).c_str(),
                   (high - low) / (prior_high - prior_low));
    }
    std::fprintf(out, "\n  %-46s %12s %12s  %-25s %s\n", "observation (scaled, metric units)",
                 "observed", "median", "90% predictive band", "in band");
    std::size_t inside = 0, fitted = 0;
    for (std::size_t e = 0; e < entries_.size(); ++e) {
      const auto& o = *entries_[e].observation;
      const auto& q = band_[e];
      const bool in = o.lower_bound ? q[4] >= o.value : (o.value >= q[0] && o.value <= q[4]);
      if (!entries_[e].held_out) {
        ++fitted;
        inside += in ? 1 : 0;
      }
      const std::string name = name_of(entries_[e]) + (entries_[e].held_out ? " (held out)" : "");
      std::fprintf(out, "  %-46s %12s %12s  %-25s %s\n", name.c_str(),
                   ((o.lower_bound ? ">=" : "") + number_text(o.value)).c_str(),
                   number_text(q[2]).c_str(),
                   (number_text(q[0]) + " - " + number_text(q[4])).c_str(), in ? "yes" : "NO");
    }
    std::fprintf(out, "\n%zu of %zu fitted observations lie in their 90%% band. Wrote %s.\n",
                 inside, fitted, output_.c_str());
  }

  const CalibrateRequest& request_;
  std::vector<Member> members_;
  std::vector<Entry> entries_;
  std::filesystem::path output_;
  std::string fingerprint_;
  std::optional<sim::AbcSmc> abc_;
  CalibrationResults results_;
  std::vector<std::array<double, 5>> band_;
  std::uint64_t batch_candidates_ = 0;
};

}  // namespace

int calibrate_command(const CalibrateRequest& request) { return Calibration(request).run(); }

}  // namespace innosim::io
