#include "io/cli/attribution_command.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <limits>
#include <memory>
#include <vector>

#include "io/cli/output_path.hpp"
#include "io/h5/attribution_file.hpp"
#include "io/report/summary_table.hpp"
#include "io/scenario/scenario.hpp"
#include "sim/experiment/attribution.hpp"
#include "sim/run/study.hpp"

namespace innosim::io {

namespace {

constexpr const char* PREFIX = "instruments.";
constexpr const char* BUDGET = ".budget_per_year";

/// The <name> of every instruments.<name>.budget_per_year key, sorted (the values are a map).
std::vector<std::string> instrument_names(const Scenario& scenario) {
  std::vector<std::string> names;
  for (const auto& [key, value] : scenario.values.values()) {
    const std::string prefix = PREFIX, budget = BUDGET;
    if (key.rfind(prefix, 0) == 0 && key.size() > prefix.size() + budget.size() &&
        key.ends_with(budget))
      names.push_back(key.substr(prefix.size(), key.size() - prefix.size() - budget.size()));
  }
  return names;
}

/// The years the run has whole: [start_year, last full year]; empty when a year is not a whole
/// number of steps.
std::pair<std::int64_t, std::int64_t> whole_years(const sim::TimeAxis& time) {
  if (time.step_months <= 0 || 12 % time.step_months != 0) return {1, 0};
  const std::int64_t steps_per_year = 12 / time.step_months;
  return {time.start_year, time.start_year + time.steps / steps_per_year - 1};
}

std::filesystem::path interrupted_path(const std::filesystem::path& output) {
  std::filesystem::path path = output;
  path.replace_filename(output.stem().string() + ".interrupted" + output.extension().string());
  return path;
}

/// Keeps every task's outcomes; tasks that did not run stay NaN (an interrupted study).
class OutcomeSink final : public sim::StudySink {
 public:
  OutcomeSink(std::size_t outcomes, std::size_t points, std::uint32_t replications)
      : points_(points),
        replications_(replications),
        values_(outcomes * points * replications, std::numeric_limits<double>::quiet_NaN()) {}
  void accept(sim::TaskResult& result) override {
    for (std::size_t o = 0; o < result.outcomes.size(); ++o)
      values_[(o * points_ + result.point) * replications_ + result.replication] =
          result.outcomes[o];
    ++completed_;
  }
  [[nodiscard]] std::vector<double> values_of(std::size_t outcome, std::size_t point) const {
    const auto first =
        values_.begin() + static_cast<std::ptrdiff_t>((outcome * points_ + point) * replications_);
    return {first, first + replications_};
  }
  [[nodiscard]] const std::vector<double>& values() const { return values_; }
  [[nodiscard]] std::uint64_t completed() const { return completed_; }

 private:
  std::size_t points_;
  std::uint32_t replications_;
  std::vector<double> values_;
  std::uint64_t completed_ = 0;
};

/// Where each outcome is in the study's outcome list.
struct OutcomeIndex {
  std::size_t high_tech = 0, tech_sme = 0, rd_real = 0;
  std::size_t spending = 0, claims = 0, payments = 0;  ///< first of each per-instrument block
};

std::vector<double> summed(const OutcomeSink& sink, std::size_t first, std::size_t count,
                           std::size_t point, std::uint32_t replications) {
  std::vector<double> total(replications, 0.0);
  for (std::size_t i = 0; i < count; ++i) {
    const std::vector<double> values = sink.values_of(first + i, point);
    for (std::uint32_t r = 0; r < replications; ++r) total[r] += values[r];
  }
  return total;
}

/// The statistics of the instruments [first, first + count) together, from the point with
/// them (0) and the point without them.
sim::Attribution attribution_of(const OutcomeSink& sink, const OutcomeIndex& at, std::size_t first,
                                std::size_t count, std::size_t without, std::uint32_t replications,
                                const sim::BootstrapOptions& bootstrap) {
  sim::AttributionInput input;
  input.spending = summed(sink, at.spending + first, count, 0, replications);
  input.payments = summed(sink, at.payments + first, count, 0, replications);
  input.claims = {summed(sink, at.claims + first, count, 0, replications),
                  summed(sink, at.claims + first, count, without, replications)};
  input.high_tech = {sink.values_of(at.high_tech, 0), sink.values_of(at.high_tech, without)};
  input.tech_sme = {sink.values_of(at.tech_sme, 0), sink.values_of(at.tech_sme, without)};
  input.rd_real = {sink.values_of(at.rd_real, 0), sink.values_of(at.rd_real, without)};
  return sim::attribute(input, bootstrap);
}

}  // namespace

int attribute_command(const AttributeRequest& request) {
  const std::optional<Scenario> loaded =
      load_for_command(request.scenario_path, request.replications, request.seed,
                       {request.variant, request.settings});
  if (!loaded) return EXIT_BAD_SCENARIO;
  const Scenario& scenario = *loaded;
  auto refuse = [&](const std::string& why) {
    std::fprintf(stderr, "%s: error: %s\nNothing was run and nothing was written.\n",
                 request.scenario_path.c_str(), why.c_str());
    return EXIT_BAD_SCENARIO;
  };
  const std::vector<std::string> instruments = instrument_names(scenario);
  if (instruments.empty())
    return refuse("the scenario has no [instruments.<name>] tables: there is nothing to attribute");
  const auto [first_year, last_year] = whole_years(scenario.time);
  if (first_year > last_year)
    return refuse("the run holds no whole calendar year: the evaluation year must be one");
  const std::int64_t year = request.year.value_or(last_year);
  if (year < first_year || year > last_year) {
    return refuse("--year " + std::to_string(year) + " is not accepted; accepted: a whole year " +
                  "of the run, " + std::to_string(first_year) + " to " + std::to_string(last_year));
  }
  const std::optional<std::filesystem::path> chosen =
      output_of(scenario, request.output_path, "_attribution.h5");
  if (!chosen) return EXIT_BAD_SCENARIO;
  const std::filesystem::path& output = *chosen;
  if (const std::string why = output_problem(output, scenario.path); !why.empty())
    return refuse(why);
  remove_stale_temporaries(output, ".tmp");
  remove_stale_temporaries(interrupted_path(output), ".tmp");

  // Points: the scenario, then each instrument's budget at zero (a zero budget is bit-identical
  // to no instrument, and the instrument still counts its claims), then every budget at zero.
  std::vector<std::string> rows = instruments;
  std::vector<std::string> point_names{"scenario"};
  std::vector<sim::ParameterSet> overrides(1);
  for (const std::string& name : instruments) {
    point_names.push_back("without " + name);
    overrides.emplace_back().set(PREFIX + name + BUDGET, 0.0);
  }
  if (instruments.size() > 1) {
    rows.emplace_back("all");
    point_names.emplace_back("without all");
    sim::ParameterSet& none = overrides.emplace_back();
    for (const std::string& name : instruments) none.set(PREFIX + name + BUDGET, 0.0);
  }
  std::vector<std::shared_ptr<const sim::Model>> models;
  try {
    for (const sim::ParameterSet& changed : overrides)
      models.push_back(create_model(scenario, changed));
  } catch (const std::exception& error) {
    return refuse(error.what());
  }

  // Outcomes: the registers at the end of the year; flows summed from the start to its end.
  const sim::TimeAxis& time = scenario.time;
  const auto end_point =
      static_cast<std::size_t>((year + 1 - time.start_year) * 12 / time.step_months);
  const std::vector<sim::MetricInfo>& metrics = models.front()->metrics();
  std::vector<sim::Outcome> outcomes;
  std::string missing;
  auto add = [&](const std::string& metric, bool stock) {
    const auto found =
        std::find_if(metrics.begin(), metrics.end(),
                     [&](const sim::MetricInfo& info) { return info.name == metric; });
    if (found == metrics.end()) missing += (missing.empty() ? "" : ", ") + metric;
    sim::Outcome outcome;
    outcome.name = stock ? metric + "@" + std::to_string(year) : metric;
    outcome.metric = static_cast<std::size_t>(found - metrics.begin());
    outcome.first_point = stock ? end_point : 1;
    outcome.last_point = end_point;
    outcomes.push_back(outcome);
    return outcomes.size() - 1;
  };
  OutcomeIndex at;
  at.high_tech = add("register_high_tech", true);
  at.tech_sme = add("register_tech_sme", true);
  at.rd_real = add("rd_real", false);
  at.spending = outcomes.size();
  for (const std::string& name : instruments) add("spending_" + name, false);
  at.claims = outcomes.size();
  for (const std::string& name : instruments) add("claims_" + name, false);
  at.payments = outcomes.size();
  for (const std::string& name : instruments) add("payments_" + name, false);
  if (!missing.empty())
    return refuse("model " + scenario.model + " does not record " + missing +
                  ", which the attribution needs");

  sim::Study study;
  study.points = models.size();
  study.model_at = [&models](std::size_t point) { return models[point]; };
  study.replications = scenario.replications;
  study.seed = scenario.seed;
  study.outcomes = outcomes;
  std::atomic<std::uint64_t> steps_done{0}, tasks_done{0};
  sim::StudyControl control;
  control.cancel = request.cancel;
  control.steps_done = &steps_done;
  control.tasks_done = &tasks_done;
  OutcomeSink sink(outcomes.size(), study.points, study.replications);

  std::fprintf(stderr,
               "Attributing %s: %zu instruments, %zu runs of %u replications (seed %llu), "
               "evaluated at the end of %lld\n",
               scenario.name.c_str(), instruments.size(), study.points, scenario.replications,
               static_cast<unsigned long long>(scenario.seed), static_cast<long long>(year));
  const auto started = std::chrono::steady_clock::now();
  bool finished = false;
  try {
    std::optional<sim::ProgressMeter> meter;
    start_progress(meter, request.progress, steps_done,
                   study.tasks() * static_cast<std::uint64_t>(time.steps), tasks_done,
                   study.tasks());
    sim::ThreadExecutor executor(request.threads);
    finished = sim::run_study(study, sink, executor, control);
  } catch (const std::exception& error) {
    std::fprintf(stderr, "\nerror: %s\nThe run failed; %s was not written.\n", error.what(),
                 output.c_str());
    return EXIT_FAILURE_RUN;
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();

  AttributionResults results;
  results.year = static_cast<int>(year);
  results.replications = scenario.replications;
  results.bootstrap_resamples = request.bootstrap_resamples;
  results.rows = rows;
  results.point_names = point_names;
  for (const sim::Outcome& outcome : outcomes) results.outcome_names.push_back(outcome.name);
  for (std::uint32_t r = 0; r < scenario.replications; ++r) results.replication_ids.push_back(r);
  results.outcomes = sink.values();
  Provenance provenance = provenance_of(scenario, request.command_line);

  if (!finished) {
    const std::filesystem::path kept = interrupted_path(output);
    std::fprintf(stderr, "\nInterrupted after %llu of %llu runs (%.1f s). %s was not written.\n",
                 static_cast<unsigned long long>(sink.completed()),
                 static_cast<unsigned long long>(study.tasks()), seconds, output.c_str());
    if (sink.completed() == 0) {
      std::fprintf(stderr, "No run had completed; nothing was kept.\n");
      return EXIT_INTERRUPTED;
    }
    provenance.complete = false;
    try {
      write_attribution(kept, results, provenance);
      std::fprintf(stderr,
                   "Kept the outcomes of the completed runs in %s (NaN for the others; no "
                   "statistics; attribute complete = 0).\n",
                   kept.c_str());
    } catch (const std::exception& error) {
      std::fprintf(stderr, "Could not keep them either: %s\n", error.what());
    }
    return EXIT_INTERRUPTED;
  }

  sim::BootstrapOptions bootstrap;
  bootstrap.resamples = request.bootstrap_resamples;
  bootstrap.seed = scenario.seed;
  for (std::size_t i = 0; i < instruments.size(); ++i)
    results.statistics.push_back(
        attribution_of(sink, at, i, 1, i + 1, scenario.replications, bootstrap));
  if (instruments.size() > 1)
    results.statistics.push_back(attribution_of(
        sink, at, 0, instruments.size(), instruments.size() + 1, scenario.replications, bootstrap));
  try {
    write_attribution(output, results, provenance);
  } catch (const std::exception& error) {
    std::fprintf(stderr, "error: %s\nThe runs finished but their results were not written.\n",
                 error.what());
    return EXIT_FAILURE_RUN;
  }
  std::fputs(
      attribution_table(rows, results.statistics, static_cast<int>(year), scenario.replications)
          .c_str(),
      request.report);
  std::fprintf(request.report, "Wrote %s (%zu runs x %u replications, %.2f s).\n", output.c_str(),
               study.points, scenario.replications, seconds);
  return EXIT_OK;
}

}  // namespace innosim::io
