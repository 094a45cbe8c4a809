#include "io/cli/commands.hpp"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>

#include "io/cli/output_path.hpp"
#include "io/h5/results_file.hpp"
#include "io/h5/targets_file.hpp"
#include "io/report/summary_table.hpp"
#include "io/report/targets_report.hpp"
#include "io/scenario/scenario.hpp"
#include "models/registry.hpp"
#include "sim/run/cluster.hpp"
#include "sim/run/progress.hpp"
#include "sim/run/runner.hpp"
#include "sim/run/study.hpp"

namespace innosim::io {

namespace {

std::filesystem::path interrupted_path(const std::filesystem::path& output) {
  std::filesystem::path path = output;
  path.replace_filename(output.stem().string() + ".interrupted" + output.extension().string());
  return path;
}

std::string describe(const Scenario& scenario) {
  char text[256];
  const sim::TimeAxis& time = scenario.time;
  std::snprintf(text, sizeof text,
                "%s: model %s, %d steps of %d month%s from %d to %.2f, %u replications, seed %llu",
                scenario.name.c_str(), scenario.model.c_str(), time.steps, time.step_months,
                time.step_months == 1 ? "" : "s", time.start_year, time.decimal_year(time.steps),
                scenario.replications, static_cast<unsigned long long>(scenario.seed));
  std::string described = text;
  if (scenario.variant != "baseline") described += ", variant " + scenario.variant;
  for (const std::string& setting : scenario.settings) described += ", --set " + setting;
  return described;
}

/// A run as a study: one design point, every series kept.
sim::Study run_study_of(const Scenario& scenario, const std::shared_ptr<const sim::Model>& model) {
  sim::Study study;
  study.model_at = [model](std::size_t) { return model; };
  study.replications = scenario.replications;
  study.seed = scenario.seed;
  study.keep_series = true;
  study.snapshot_years = scenario.snapshot_years;
  study.snapshot_replications = scenario.snapshot_replications;
  return study;
}

}  // namespace

std::optional<std::filesystem::path> output_of(const Scenario& scenario,
                                               const std::optional<std::string>& given,
                                               const std::string& suffix) {
  if (given) return std::filesystem::path(*given);
  std::string stem = std::filesystem::path(scenario.path).stem().string();
  if (scenario.variant != "baseline") stem += "_" + scenario.variant;
  if (const auto name = default_output_name(stem, suffix)) return *name;
  std::fprintf(stderr,
               "%s: error: the file name \"%s\" cannot name the output file: without -o the "
               "output is <scenario file stem>[_<variant>]%s in the working directory, and a "
               "name may hold only letters, digits, '_', '.', '-' and non-ASCII letters and not "
               "start with a dot. Give -o, or rename the file.\nNothing was run and nothing was "
               "written.\n",
               scenario.path.c_str(), stem.c_str(), suffix.c_str());
  return std::nullopt;
}

int validate_command(const std::string& scenario_path, const ScenarioOptions& options) {
  try {
    const Scenario scenario = load_scenario(scenario_path, options);
    std::printf("%s is valid.\n%s\n", scenario_path.c_str(), describe(scenario).c_str());
    if (!scenario.factors.empty() || !scenario.outcomes.empty()) {
      std::string factors, outcomes;
      for (const auto& factor : scenario.factors)
        factors += (factors.empty() ? "" : ", ") + factor.name + " " + factor.describe();
      for (const auto& outcome : scenario.outcomes)
        outcomes += (outcomes.empty() ? "" : ", ") + outcome.name;
      std::printf("Experiment: %zu factors (%s); outcomes: %s. Run it with innosim sweep.\n",
                  scenario.factors.size(), factors.c_str(), outcomes.c_str());
    }
    for (const Target& target : scenario.targets) {
      std::printf("Target %s: %s at the end of %d %s %s (%s)\n", target.name.c_str(),
                  target.metric.c_str(), target.year, target.comparison_symbol(),
                  sim::to_toml_text(target.threshold).c_str(), target.document.c_str());
    }
    if (!scenario.variants.empty()) {
      std::printf(
          "Variants (each checked; run one with --variant NAME, compare them with "
          "innosim compare):\n");
      for (const VariantInfo& variant : scenario.variants)
        std::printf("  %s: %s\n", variant.name.c_str(), variant.description.c_str());
    }
    return EXIT_OK;
  } catch (const ScenarioError& error) {
    std::fprintf(stderr, "%s", error.what());
    std::fprintf(stderr, "%s was refused (%zu problem%s).\n", scenario_path.c_str(),
                 error.problem_count(), error.problem_count() == 1 ? "" : "s");
    return EXIT_BAD_SCENARIO;
  }
}

std::optional<Scenario> load_for_command(const std::string& path,
                                         std::optional<std::int64_t> replications,
                                         std::optional<std::int64_t> seed,
                                         const ScenarioOptions& options) {
  try {
    Scenario scenario = load_scenario(path, options);
    if (replications)
      override_parameter(scenario, "run.replications", *replications, "--replications");
    if (seed) override_parameter(scenario, "run.seed", *seed, "--seed");
    return scenario;
  } catch (const ScenarioError& error) {
    std::fprintf(stderr, "%sNothing was run and nothing was written.\n", error.what());
    return std::nullopt;
  }
}

Provenance provenance_of(const Scenario& scenario, const std::string& command_line) {
  Provenance provenance;
  provenance.scenario_path = scenario.path;
  provenance.scenario_text = scenario.text;
  provenance.scenario_name = scenario.name;
  provenance.model = scenario.model;
  provenance.resolved_parameters = resolved_parameters_toml(scenario);
  provenance.command_line = command_line;
  provenance.seed = scenario.seed;
  provenance.variant = scenario.variant;
  provenance.settings = scenario.settings;
  return provenance;
}

void start_progress(std::optional<sim::ProgressMeter>& meter, RunRequest::Progress progress,
                    const std::atomic<std::uint64_t>& steps_done, std::uint64_t total_steps,
                    const std::atomic<std::uint64_t>& tasks_done, std::uint64_t total_tasks) {
  const bool terminal = ::isatty(STDERR_FILENO) != 0;
  if (progress == RunRequest::Progress::ALWAYS ||
      (progress == RunRequest::Progress::AUTO && terminal))
    meter.emplace(steps_done, total_steps, tasks_done, total_tasks, stderr, terminal);
}

namespace {

/// The run's output path, checked before anything runs (a bad path must not cost the
/// simulation); nullopt after printing why not.
std::optional<std::filesystem::path> checked_output(const Scenario& scenario,
                                                    const RunRequest& request) {
  const std::optional<std::filesystem::path> chosen =
      output_of(scenario, request.output_path, ".h5");
  if (!chosen) return std::nullopt;
  const std::filesystem::path& output = *chosen;
  if (const std::string why = output_problem(output, scenario.path); !why.empty()) {
    std::fprintf(stderr, "%s: error: %s\nNothing was run and nothing was written.\n",
                 scenario.path.c_str(), why.c_str());
    return std::nullopt;
  }
  if (!request.force) {
    if (const std::string why = foreign_results_problem(output, scenario.path, scenario.variant);
        !why.empty()) {
      std::fprintf(stderr, "%s: error: %s.\nNothing was run and nothing was written.\n",
                   scenario.path.c_str(), why.c_str());
      return std::nullopt;
    }
  }
  remove_stale_temporaries(output, ".tmp");
  remove_stale_temporaries(interrupted_path(output), ".tmp");
  return output;
}

/// Keeps each replication's target and backtest outcomes on their way to the results file.
class TargetCapture final : public sim::StudySink {
 public:
  TargetCapture(sim::StudySink& inner, std::size_t outcomes, std::uint32_t replications)
      : inner_(inner), values_(outcomes, std::vector<double>(replications, 0.0)) {}
  void accept(sim::TaskResult& result) override {
    for (std::size_t o = 0; o < result.outcomes.size(); ++o)
      values_[o][result.replication] = result.outcomes[o];
    inner_.accept(result);
  }
  void end_batch(bool complete) override { inner_.end_batch(complete); }
  [[nodiscard]] const std::vector<std::vector<double>>& values() const { return values_; }

 private:
  sim::StudySink& inner_;
  std::vector<std::vector<double>> values_;  ///< [outcome][replication]
};

/// Cancellation, progress counters and batches: replications stream to the file batch by
/// batch, a batch holding at most ~16 MB of series.
sim::StudyControl run_control(const RunRequest& request, const sim::Model& model,
                              const Scenario& scenario, std::atomic<std::uint64_t>& steps_done,
                              std::atomic<std::uint64_t>& replications_done) {
  sim::StudyControl control;
  control.cancel = request.cancel;
  control.steps_done = &steps_done;
  control.tasks_done = &replications_done;
  const std::uint64_t replication_bytes =
      std::max<std::uint64_t>(1, model.metrics().size() * scenario.time.points() * 8);
  control.batches.max_tasks = std::clamp<std::uint64_t>((16u << 20) / replication_bytes, 16, 4096);
  control.batches.first_tasks = std::min<std::uint64_t>(64, control.batches.max_tasks);
  return control;
}

/// An interrupted run: the completed replications go to <output stem>.interrupted.h5.
int keep_interrupted(ResultsStream& stream, const std::filesystem::path& output,
                     Provenance provenance, std::uint32_t completed, std::uint32_t replications,
                     double seconds) {
  const std::filesystem::path kept = interrupted_path(output);
  std::fprintf(stderr, "\nInterrupted after %u of %u replications (%.1f s). %s was not written.\n",
               completed, replications, seconds, output.c_str());
  if (completed == 0) {
    std::fprintf(stderr, "No replication had completed; nothing was kept.\n");
    return EXIT_INTERRUPTED;
  }
  provenance.complete = false;
  try {
    stream.finish(kept, provenance);
    std::fprintf(stderr, "Kept the %u completed replications in %s (attribute complete = 0).\n",
                 completed, kept.c_str());
  } catch (const std::exception& error) {
    std::fprintf(stderr, "Could not keep them either: %s\n", error.what());
  }
  return EXIT_INTERRUPTED;
}

}  // namespace

int run_command(const RunRequest& request) {
  const std::optional<Scenario> loaded =
      load_for_command(request.scenario_path, request.replications, request.seed,
                       {request.variant, request.settings});
  if (!loaded) return EXIT_BAD_SCENARIO;
  Scenario scenario = *loaded;
  if (request.posterior_median && scenario.posterior) scenario.posterior->median = true;
  const std::optional<std::filesystem::path> checked = checked_output(scenario, request);
  if (!checked) return EXIT_BAD_SCENARIO;
  const std::filesystem::path& output = *checked;
  const std::shared_ptr<const sim::Model> model = create_model(scenario);

  std::fprintf(stderr, "Running %s\n", describe(scenario).c_str());
  sim::Study study = run_study_of(scenario, model);
  study.outcomes = target_outcomes(scenario);
  std::atomic<std::uint64_t> steps_done{0};
  std::atomic<std::uint64_t> replications_done{0};
  const sim::StudyControl control =
      run_control(request, *model, scenario, steps_done, replications_done);

  if (!sim::is_coordinator()) {  // an MPI worker rank computes its share; rank 0 writes
    sim::DiscardSink discard;
    sim::ThreadExecutor executor(request.threads);
    return sim::run_study(study, discard, executor, control) ? EXIT_OK : EXIT_INTERRUPTED;
  }
  const auto started = std::chrono::steady_clock::now();
  std::optional<ResultsStream> stream;
  try {
    stream.emplace(output, *model, study, scenario.output);
  } catch (const std::exception& error) {
    std::fprintf(stderr, "%s: error: %s\nNothing was run and nothing was written.\n",
                 scenario.path.c_str(), error.what());
    return EXIT_FAILURE_RUN;
  }
  bool finished = false;
  TargetCapture capture(*stream, study.outcomes.size(), scenario.replications);
  try {
    std::optional<sim::ProgressMeter> meter;
    start_progress(meter, request.progress, steps_done,
                   static_cast<std::uint64_t>(scenario.replications) * scenario.time.steps,
                   replications_done, scenario.replications);
    sim::ThreadExecutor executor(request.threads);
    finished = sim::run_study(study, capture, executor, control);
  } catch (const std::invalid_argument& error) {  // output.snapshot_columns, at the first snapshot
    std::fprintf(stderr, "\n%s: error: output.snapshot_columns: %s\nNothing was written.\n",
                 scenario.path.c_str(), error.what());
    return EXIT_BAD_SCENARIO;
  } catch (const std::exception& error) {  // writing a batch (e.g. the disk is full)
    std::fprintf(stderr, "\nerror: %s\nThe run failed; %s was not written.\n", error.what(),
                 output.c_str());
    return EXIT_FAILURE_RUN;
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  const Provenance provenance = provenance_of(scenario, request.command_line);
  const auto completed = static_cast<std::uint32_t>(stream->completed());
  if (!finished || completed < scenario.replications)
    return keep_interrupted(*stream, output, provenance, completed, scenario.replications, seconds);

  const std::vector<TargetResult> targets = evaluate_targets(scenario, capture.values());
  const std::vector<BacktestResult> backtests = evaluate_backtests(scenario, capture.values());
  try {
    stream->finish(output, provenance,
                   [&](std::int64_t file) { write_targets(file, scenario, targets, backtests); });
  } catch (const std::exception& error) {
    std::fprintf(stderr, "error: %s\nThe simulation finished but its results were not written.\n",
                 error.what());
    return EXIT_FAILURE_RUN;
  }
  std::printf("%s", summary_table(stream->metrics(), scenario.time, stream->take_finals()).c_str());
  std::printf("%s", targets_table(scenario, targets, backtests).c_str());
  std::printf("Wrote %s (%u replications, %.2f s, %.1f replications/s).\n", output.c_str(),
              completed, seconds, seconds > 0 ? completed / seconds : 0.0);
  if (request.summary_json) {
    try {
      write_text_atomically(*request.summary_json, targets_json(scenario, targets, backtests));
      std::printf("Wrote %s.\n", request.summary_json->c_str());
    } catch (const std::exception& error) {
      std::fprintf(stderr, "error: --summary-json: %s\n", error.what());
      return EXIT_FAILURE_RUN;
    }
  }
  return EXIT_OK;
}

std::string parameters_markdown() {
  std::string text =
      "# Scenario parameters\n\n"
      "Generated by `innosim params` from the parameter dictionary in the code; a test checks "
      "that\n"
      "this file matches it. Every key can be set in a scenario file under its table.\n";
  auto table = [&](const std::string& title, const std::vector<sim::ParameterSpec>& specs) {
    text +=
        "\n## " + title +
        "\n\n| key | meaning | unit | default | accepted | source |\n|---|---|---|---|---|---|\n";
    for (const auto& spec : specs) {
      const std::string default_text =
          spec.default_value ? sim::to_toml_text(*spec.default_value) : "(required)";
      text += "| `" + spec.key + "` | " + spec.meaning + " | " + spec.unit + " | `" + default_text +
              "` | " + spec.accepted() + " | " + spec.source + " |\n";
    }
  };
  table("Every scenario: [scenario], [run] and [output]", common_parameter_specs());
  for (const auto& entry : models::model_registry()) {
    table("Model `" + entry.name + "`: [" + entry.name + "] — " + entry.description,
          entry.parameter_specs());
    if (entry.named_table_specs != nullptr) {
      table("Model `" + entry.name + "`: one [" + entry.named_table + ".<name>] table each",
            entry.named_table_specs());
    }
  }
  return text;
}

}  // namespace innosim::io
