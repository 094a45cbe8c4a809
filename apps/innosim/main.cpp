// innosim command-line program: parses arguments and calls the library (io/cli/commands.hpp).
#include <CLI/CLI.hpp>
#include <algorithm>
#include <atomic>
#include <charconv>
#include <csignal>
#include <cstdio>
#include <iostream>
#include <optional>
#include <sstream>

#include "io/cli/attribution_command.hpp"
#include "io/cli/calibrate_command.hpp"
#include "io/cli/commands.hpp"
#include "io/cli/compare_command.hpp"
#include "io/cli/experiment_commands.hpp"
#include "io/cli/plot_command.hpp"
#include "io/version.hpp"
#include "sim/run/cluster.hpp"

namespace {

std::atomic<bool> interrupted{false};
static_assert(std::atomic<bool>::is_always_lock_free, "the signal handler needs a lock-free flag");

extern "C" void on_interrupt(int signal_number) {
  if (interrupted.exchange(true)) {  // second Ctrl-C: stop at once
    std::signal(signal_number, SIG_DFL);
    std::raise(signal_number);
  }
}

constexpr const char* OVERVIEW =
    R"(innosim: Monte Carlo simulation of innovation ecosystems (firms climbing the
tech SME -> high-tech -> gazelle / leader ladder under a city's funding package).

Examples:
  innosim run scenarios/examples/city.toml            a city and its instruments -> city.h5
  innosim run scenarios/examples/city.toml -o out.h5 --replications 1000 --threads 2
  innosim run scenarios/bench/ref1.toml               REF-1, the reference model -> ref1.h5
  innosim validate my_city.toml                       check a scenario, run nothing
  innosim params                                      every scenario key, with units and ranges
  innosim sweep scenarios/examples/city_sweep.toml --design sobol -n 256
                                                      an experiment with sensitivity indices
  innosim attribute scenarios/examples/city.toml -r 40
                                                      what each instrument's money buys
  innosim run scenarios/cities/xinyang.toml           a seed city: how likely its targets are
  innosim compare scenarios/cities/xinyang.toml --variants double_certification_rewards
                                                      packages side by side, common random numbers
  innosim calibrate scenarios/calibration/henan.toml  fit parameters to observed history
  innosim plot xinyang.h5                             fan charts of the targets (PNG, SVG)
  mpirun -np 4 innosim sweep ... -t 8                 the same on a cluster, the same bits
                                                      (an MPI build; docs/cluster.md)

The model is described in docs/model.md; scenario files in docs/scenarios.md.
Results are one HDF5 file (layout: docs/hdf5-layout.md); open it with
  python3 -c 'import xarray as xr; print(xr.open_dataset("city.h5", group="series", engine="h5netcdf"))'
)";

/// An integer option read as text, so that a refusal quotes the value as given (CLI11 would
/// saturate 18446744073709551615 to 2^63 - 1 first). nullopt after printing why it is refused.
std::optional<std::int64_t> integer_option(const std::string& text, const std::string& option,
                                           const std::string& key) {
  std::string accepted;
  double maximum = 0.0;
  for (const auto& spec : innosim::io::common_parameter_specs()) {
    if (spec.key == key) {
      accepted = spec.accepted();
      maximum = spec.maximum;
    }
  }
  std::int64_t value = 0;
  const auto [end, status] = std::from_chars(text.data(), text.data() + text.size(), value);
  // Above the key's range (2^53 for the seed) is refused here exactly, not as a double.
  if (status != std::errc() || end != text.data() + text.size() || value < 0 ||
      static_cast<double>(value) > maximum ||
      value > static_cast<std::int64_t>(std::min(maximum, 9.0e18))) {
    std::fprintf(stderr, "innosim: error: %s %s is not accepted; accepted: %s (%s)\n",
                 option.c_str(), text.c_str(), accepted.c_str(), key.c_str());
    return std::nullopt;
  }
  return value;
}

std::string joined_command_line(int argc, char** argv) {
  std::string text;
  for (int i = 0; i < argc; ++i) text += (i ? " " : "") + std::string(argv[i]);
  return text;
}

}  // namespace

int run_program(int argc, char** argv) {
  CLI::App app{OVERVIEW, "innosim"};
  app.set_version_flag("--version", std::string("innosim ") + innosim::io::program_version() +
                                        " (" + innosim::io::git_commit() + ")");
  app.require_subcommand(1);
  app.footer("Run `innosim COMMAND --help` for a command's options.");

  innosim::io::RunRequest run;
  run.command_line = joined_command_line(argc, argv);
  std::string replications, seed;
  bool progress = false, quiet = false;
  auto* run_command =
      app.add_subcommand("run", "Simulate a scenario and write its results to HDF5");
  run_command->add_option("scenario", run.scenario_path, "Scenario file (TOML)")
      ->required()
      ->check(CLI::ExistingFile);
  run_command->add_option(
      "-o,--output", run.output_path,
      "Results file (default: <scenario file name>[_<variant>].h5 in the working directory). "
      "Written atomically: it appears only when complete. An existing file holding another "
      "scenario's or variant's results is kept unless --force");
  run_command->add_option("--variant", run.variant,
                          "Run the scenario's [variants.<name>] instead of the file as written "
                          "(innosim validate lists them)");
  run_command
      ->add_option("--set", run.settings,
                   "KEY=VALUE: change any scenario key (dotted as in innosim params, the "
                   "value as in the file); repeatable; checked like the file")
      ->allow_extra_args(false);
  run_command->add_flag("--force", run.force,
                        "Replace the output even if it holds another scenario's or variant's "
                        "results");
  run_command->add_option("--summary-json", run.summary_json,
                          "Also write the targets table (probabilities, projections, backtests) "
                          "as JSON to this file");
  auto* replications_option = run_command->add_option(
      "-r,--replications", replications, "Monte Carlo replications (overrides run.replications)");
  auto* seed_option = run_command->add_option(
      "-s,--seed", seed, "Master seed (overrides run.seed); same seed => same bits");
  run_command
      ->add_option("-t,--threads", run.threads,
                   "Worker threads (default: all cores). Results do not depend on it")
      ->check(CLI::Range(0, 4096));
  run_command->add_flag("--posterior-median", run.posterior_median,
                        "With a [posterior]: every replication uses the posterior median "
                        "instead of drawing a particle");
  run_command->add_flag("--progress", progress, "Show progress even when stderr is not a terminal");
  run_command->add_flag("-q,--quiet", quiet, "Never show progress");
  run_command->footer(R"(Examples:
  innosim run scenarios/examples/city.toml
  innosim run scenarios/examples/city.toml -o results/city.h5 -r 1000 -s 42 -t 2
  innosim run scenarios/cities/xinyang.toml                     -> xinyang.h5
  innosim run scenarios/cities/xinyang.toml --variant no_policy -> xinyang_no_policy.h5
  innosim run scenarios/cities/xinyang.toml --set instruments.high_tech_reward.fixed=20 -o x.h5
  innosim run scenarios/cities/xinyang.toml --summary-json xinyang.json

The run ends with each metric's median and 90% band at the final time (flows summed over the
last year) and, for a scenario with [targets], each target's probability with its 95% interval
and the projection at its year (docs/scenarios.md "Targets"); they are also in /targets. Ctrl-C stops it: completed replications are kept in <output>.interrupted.h5
and the output path is untouched.
Exit codes: 0 done, 1 run failed, 2 scenario or option refused, 130 interrupted.)");

  std::string validate_path;
  auto* validate_command =
      app.add_subcommand("validate", "Check a scenario file; run and write nothing");
  validate_command->add_option("scenario", validate_path, "Scenario file (TOML)")->required();
  innosim::io::ScenarioOptions validate_options;
  validate_command->add_option("--variant", validate_options.variant,
                               "Check the scenario with this [variants.<name>] applied");
  validate_command->add_option("--set", validate_options.settings,
                               "KEY=VALUE: check the scenario with this key changed; repeatable");

  auto* params_command = app.add_subcommand(
      "params", "Print every scenario key (Markdown): meaning, unit, default, range, source");

  innosim::io::SweepRequest sweep;
  sweep.command_line = run.command_line;
  std::string sweep_replications, sweep_seed;
  bool sweep_progress = false, sweep_quiet = false;
  std::string design_name = "lhs";
  auto* sweep_command = app.add_subcommand(
      "sweep", "Run an experiment over the scenario's [uncertainties] and [levers]");
  sweep_command->add_option("scenario", sweep.scenario_path, "Scenario file (TOML)")
      ->required()
      ->check(CLI::ExistingFile);
  sweep_command
      ->add_option("--design", design_name,
                   "grid (full factorial), lhs (Latin hypercube), sobol (Saltelli: Sobol "
                   "indices), morris (elementary effects)")
      ->check(CLI::IsMember({"grid", "lhs", "sobol", "morris"}))
      ->capture_default_str();
  sweep_command
      ->add_option("-n", sweep.n,
                   "grid: levels per factor; lhs: points; sobol: base rows, N (N(D+2) points, "
                   "N(2D+2) with --second-order); morris: trajectories (N(D+1) points)")
      ->required()
      ->check(CLI::Range(std::uint64_t{1}, std::uint64_t{100000000}));
  sweep_command->add_flag("--second-order", sweep.second_order, "sobol: also second-order indices");
  sweep_command->add_option("--variant", sweep.variant,
                            "Sweep a [variants.<name>] of the scenario instead of the file");
  sweep_command->add_option("--set", sweep.settings,
                            "KEY=VALUE: change a scenario key (as in run); repeatable");
  sweep_command->add_flag("--scramble", sweep.scramble,
                          "sobol: scrambled Sobol points (randomised QMC, seeded by the run seed: "
                          "another --seed gives an independent design)");
  sweep_command->add_option("--levels", sweep.morris_levels, "morris: grid levels p (even)")
      ->check(CLI::Range(2, 1000))
      ->capture_default_str();
  sweep_command->add_option("-o,--output", sweep.output_path,
                            "Results file (default: <scenario file name>_<design>.h5). It appears "
                            "only when the experiment is complete; until then the work is in "
                            "<output stem>.partial.h5");
  auto* sweep_replications_option = sweep_command->add_option(
      "-r,--replications", sweep_replications,
      "Replications per design point (overrides run.replications); replication r of every "
      "point sees the same random numbers");
  auto* sweep_seed_option =
      sweep_command->add_option("-s,--seed", sweep_seed, "Master seed (overrides run.seed)");
  sweep_command
      ->add_option("-t,--threads", sweep.threads,
                   "Worker threads (default: all cores). Results do not depend on it")
      ->check(CLI::Range(0, 4096));
  sweep_command->add_flag("--posterior-median", sweep.posterior_median,
                          "With a [posterior]: every replication uses the posterior median "
                          "instead of drawing a particle");
  sweep_command->add_flag("--resume", sweep.resume,
                          "Continue an interrupted sweep from <output stem>.partial.h5");
  sweep_command
      ->add_option("--bootstrap", sweep.bootstrap_resamples,
                   "Bootstrap resamples for the indices' 95% intervals")
      ->check(CLI::Range(1, 1000000))
      ->capture_default_str();
  sweep_command->add_flag("--progress", sweep_progress,
                          "Show progress even when stderr is not a terminal");
  sweep_command->add_flag("-q,--quiet", sweep_quiet, "Never show progress");
  sweep_command->footer(R"(Examples:
  innosim sweep scenarios/examples/city_sweep.toml --design lhs -n 200 -r 20
  innosim sweep scenarios/tests/ishigami.toml --design sobol -n 4096
  innosim sweep scenarios/examples/city_sweep.toml --design morris -n 20 --resume

The scenario declares what varies ([uncertainties.<name>], [levers.<name>]) and what is measured
([experiment] outcomes = ["metric@year", "metric@year>=target"]); see docs/experiments.md.
Every design point x replication is a task; results stream to the file as points complete, so
memory stays flat. Ctrl-C stops it: the finished points stay in <output stem>.partial.h5 and
--resume continues. A sobol or morris sweep ends with the indices, ranked, also written to
/sensitivity. Exit codes: 0 done, 1 failed, 2 refused, 130 interrupted.)");

  innosim::io::AttributeRequest attribute;
  attribute.command_line = run.command_line;
  std::string attribute_replications, attribute_seed, attribute_year;
  bool attribute_progress = false, attribute_quiet = false;
  auto* attribute_command = app.add_subcommand(
      "attribute", "What each instrument buys: the scenario with and without each instrument");
  attribute_command->add_option("scenario", attribute.scenario_path, "Scenario file (TOML)")
      ->required()
      ->check(CLI::ExistingFile);
  attribute_command->add_option("-o,--output", attribute.output_path,
                                "Results file (default: <scenario file name>_attribution.h5). "
                                "Written atomically: it appears only when complete");
  attribute_command->add_option("--variant", attribute.variant,
                                "Attribute a [variants.<name>] of the scenario instead of the "
                                "file as written");
  attribute_command->add_option("--set", attribute.settings,
                                "KEY=VALUE: change a scenario key (as in run); repeatable");
  auto* attribute_replications_option = attribute_command->add_option(
      "-r,--replications", attribute_replications,
      "Replications of each run (overrides run.replications); replication r of every run sees "
      "the same random numbers");
  auto* attribute_seed_option = attribute_command->add_option("-s,--seed", attribute_seed,
                                                              "Master seed (overrides run.seed)");
  auto* attribute_year_option = attribute_command->add_option(
      "--year", attribute_year,
      "Evaluation year: registers at its end, spending, claims and R&D summed from the start to "
      "its end (default: the run's last full year)");
  attribute_command
      ->add_option("-t,--threads", attribute.threads,
                   "Worker threads (default: all cores). Results do not depend on it")
      ->check(CLI::Range(0, 4096));
  attribute_command
      ->add_option("--bootstrap", attribute.bootstrap_resamples,
                   "Bootstrap resamples for the intervals of the ratios")
      ->check(CLI::Range(1, 1000000))
      ->capture_default_str();
  attribute_command->add_flag("--progress", attribute_progress,
                              "Show progress even when stderr is not a terminal");
  attribute_command->add_flag("-q,--quiet", attribute_quiet, "Never show progress");
  attribute_command->footer(R"(Examples:
  innosim attribute scenarios/examples/city.toml -r 40
  innosim attribute scenarios/examples/city.toml -r 200 --year 2025 -o results/what_buys.h5

Runs the scenario as it is and, for each [instruments.<name>], the same scenario with that
instrument's budget_per_year = 0 (with several instruments, also one run with every budget at
0), all on the same random numbers. Per instrument, from the paired differences per
replication: its spending, the additional high-tech enterprises and tech SMEs at the end of the
year, the cost of each additional one (inf when the additional count may be nil), additional
real R&D per yuan, and the deadweight share (its claims that happen without it / its claims
with it). Mean and 95% intervals: paired t for differences, bootstrap for ratios. Results go to
/attribution of the output (docs/attribution.md). Ctrl-C stops it: the completed runs'
outcomes are kept in <output stem>.interrupted.h5.
Exit codes: 0 done, 1 failed, 2 scenario or option refused, 130 interrupted.)");

  innosim::io::CompareRequest compare;
  compare.command_line = run.command_line;
  std::string compare_replications, compare_seed, compare_variants;
  bool compare_progress = false, compare_quiet = false;
  auto* compare_command = app.add_subcommand(
      "compare", "A scenario's variants on common random numbers: targets, tiers, money, cost");
  compare_command->add_option("scenario", compare.scenario_path, "Scenario file (TOML)")
      ->required()
      ->check(CLI::ExistingFile);
  compare_command
      ->add_option("--variants", compare_variants,
                   "Comma-separated [variants.<name>] to compare with the baseline (the file as "
                   "written); no_policy is added when the file has it")
      ->required();
  compare_command->add_option("--set", compare.settings,
                              "KEY=VALUE: change a scenario key in every variant; repeatable");
  compare_command->add_option("-o,--output", compare.output_path,
                              "Results file (default: <scenario file name>_compare.h5). Written "
                              "atomically");
  compare_command->add_flag("--force", compare.force,
                            "Replace the output even if it holds another scenario's results");
  compare_command->add_option("--summary-json", compare.summary_json,
                              "Also write the tables as JSON to this file");
  auto* compare_replications_option = compare_command->add_option(
      "-r,--replications", compare_replications,
      "Replications of each variant (overrides run.replications); replication r of every "
      "variant sees the same random numbers and posterior draw");
  auto* compare_seed_option =
      compare_command->add_option("-s,--seed", compare_seed, "Master seed (overrides run.seed)");
  compare_command
      ->add_option("-t,--threads", compare.threads,
                   "Worker threads (default: all cores). Results do not depend on it")
      ->check(CLI::Range(0, 4096));
  compare_command->add_flag("--posterior-median", compare.posterior_median,
                            "With a [posterior]: the posterior median instead of a draw per "
                            "replication");
  compare_command
      ->add_option("--bootstrap", compare.bootstrap_resamples,
                   "Bootstrap resamples for the interval of the cost ratio")
      ->check(CLI::Range(1, 1000000))
      ->capture_default_str();
  compare_command->add_flag("--progress", compare_progress,
                            "Show progress even when stderr is not a terminal");
  compare_command->add_flag("-q,--quiet", compare_quiet, "Never show progress");
  compare_command->footer(R"(Examples:
  innosim compare scenarios/cities/xinyang.toml --variants double_certification_rewards,more_incubation
  innosim compare scenarios/cities/xuchang.toml --variants loans_instead_of_grants -r 400 --summary-json x.json

Runs the baseline and each variant with the same seed and replications: replication r of every
variant draws the same random numbers and the same posterior particle, so differences are
paired and their intervals narrower than independent runs would give. For each variant: each
target's probability (95% Wilson interval) and its paired difference against the baseline (t
interval); the registers at the end of the run's last year and their differences; the city's
instrument spending over the run, per instrument too; and the cost per additional high-tech
enterprise against no_policy (additional spending / additional firms, bootstrap interval; inf when
the additional count may be nil). Results go to /compare and /variants of the output
(docs/hdf5-layout.md); `innosim plot` draws them.
Exit codes: 0 done, 1 failed, 2 scenario or option refused, 130 interrupted.)");

  std::string plot_file, plot_output, plot_format = "png,svg", plot_metrics;
  auto* plot_command = app.add_subcommand(
      "plot", "Pictures from a results file: fan charts, target probabilities, tornado (PNG, SVG)");
  plot_command->add_option("file", plot_file, "Results file of run, compare or sweep")
      ->required()
      ->check(CLI::ExistingFile);
  plot_command->add_option("-o,--output", plot_output,
                           "Directory for the pictures (default: <file stem>_plots beside it)");
  plot_command->add_option("--format", plot_format, "Comma-separated: png, svg, pdf")
      ->capture_default_str();
  plot_command->add_option("--metrics", plot_metrics,
                           "Run files without [targets]: the metrics to draw (default "
                           "register_high_tech,register_tech_sme)");
  plot_command->footer(R"(Examples:
  innosim plot xinyang.h5                 fan chart of each target: median, 50% and 90% bands
  innosim plot xinyang_compare.h5         probability of each target per variant (95% intervals)
  innosim plot city_sweep_sobol.h5        tornado of the Sobol indices of each outcome

Runs scripts/innosim_plot.py with Debian's python3 and matplotlib (python3-matplotlib); reads
only the file. docs/plots.md shows and explains each picture.)");

  innosim::io::CalibrateRequest calibrate;
  calibrate.command_line = run.command_line;
  std::string calibrate_seed;
  bool calibrate_progress = false, calibrate_quiet = false;
  auto* calibrate_command = app.add_subcommand(
      "calibrate", "Fit a scenario's [calibration] parameters to observed figures (ABC-SMC)");
  calibrate_command->add_option("scenario", calibrate.scenario_path, "Scenario file (TOML)")
      ->required()
      ->check(CLI::ExistingFile);
  calibrate_command->add_option("-o,--output", calibrate.output_path,
                                "Results file (default: <scenario file name>_calibration.h5). "
                                "Rewritten atomically after each "
                                "generation: it always holds the completed ones");
  auto* calibrate_seed_option = calibrate_command->add_option(
      "-s,--seed", calibrate_seed, "Master seed (overrides run.seed); same seed => same bits");
  calibrate_command->add_option(
      "--hold-out-after", calibrate.hold_out_after,
      "Fit only the observations up to this year; later ones are held out: predicted and "
      "reported against their band");
  calibrate_command
      ->add_option("--particles", calibrate.particles,
                   "Particles per generation (overrides calibration.particles)")
      ->check(CLI::Range(std::int64_t{10}, std::int64_t{1000000}));
  calibrate_command
      ->add_option("--max-generations", calibrate.max_generations,
                   "The most generations (overrides calibration.max_generations)")
      ->check(CLI::Range(std::int64_t{1}, std::int64_t{1000}));
  calibrate_command
      ->add_option("-t,--threads", calibrate.threads,
                   "Worker threads (default: all cores). Results do not depend on it")
      ->check(CLI::Range(0, 4096));
  calibrate_command->add_flag("--resume", calibrate.resume,
                              "Continue an interrupted calibration from its output file");
  calibrate_command->add_flag("--progress", calibrate_progress,
                              "Show progress even when stderr is not a terminal");
  calibrate_command->add_flag("-q,--quiet", calibrate_quiet, "Never show progress");
  calibrate_command->footer(R"(Examples:
  innosim calibrate scenarios/calibration/henan.toml
  innosim calibrate scenarios/calibration/henan.toml --hold-out-after 2021 -o henan_to2021.h5
  innosim calibrate scenarios/calibration/henan.toml --resume

The scenario's [calibration] table names the parameters to fit, each with a prior, and the
observations (metric, year, value or a row of the data file, uncertainty, source); `joint`
scenarios are simulated with the same parameter values and their observations join the fit
(format: docs/scenarios.md, "Calibration"; method and the shipped fit: docs/calibration.md). Approximate Bayesian computation by sequential Monte Carlo: each
generation lowers the tolerance to a quantile of the last distances, until few candidates are
accepted. Each generation is printed (tolerance, acceptance rate, time, the next one's ETA) and
saved; Ctrl-C keeps the completed ones and --resume continues exactly where it stopped (the
scenarios, --seed, --particles and --hold-out-after must be those of the interrupted run, or it
is refused; --threads and --max-generations may differ: a larger one extends a finished run). The end
is a table: each parameter's prior, posterior median and 90% credible interval, and each
observation against its 90% posterior predictive band. A scenario uses the result with
[posterior] file = "<output>" (docs/scenarios.md): each replication then draws its parameters
from the posterior. Exit codes: 0 done, 1 failed, 2 refused, 130 interrupted.)");

  innosim::io::AnalyzeRequest analyze;
  auto* analyze_command = app.add_subcommand(
      "analyze", "(Re)compute the sensitivity indices of a sweep's results file");
  analyze_command->add_option("file", analyze.path, "Results file of innosim sweep")
      ->required()
      ->check(CLI::ExistingFile);
  analyze_command
      ->add_option("--bootstrap", analyze.bootstrap_resamples,
                   "Bootstrap resamples for the 95% intervals")
      ->check(CLI::Range(1, 1000000))
      ->capture_default_str();

  // An unknown command is refused even with --help (which CLI11 would answer with the general
  // help and exit 0, as if the command existed).
  if (argc > 1 && argv[1][0] != '-') {
    const std::string command = argv[1];
    std::string commands;
    bool known = false;
    for (const auto* sub : app.get_subcommands([](const CLI::App*) { return true; })) {
      commands += (commands.empty() ? "" : ", ") + sub->get_name();
      known = known || sub->get_name() == command;
    }
    if (!known) {
      std::fprintf(stderr,
                   "innosim: error: unknown command \"%s\"; accepted: %s. Run `innosim --help` "
                   "for an overview.\n",
                   command.c_str(), commands.c_str());
      return innosim::io::EXIT_BAD_SCENARIO;
    }
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    return app.exit(error) == 0 ? 0 : innosim::io::EXIT_BAD_SCENARIO;
  }

  if (*run_command) {
    if (*replications_option) {
      run.replications = integer_option(replications, "--replications", "run.replications");
      if (!run.replications) return innosim::io::EXIT_BAD_SCENARIO;
    }
    if (*seed_option) {
      run.seed = integer_option(seed, "--seed", "run.seed");
      if (!run.seed) return innosim::io::EXIT_BAD_SCENARIO;
    }
    run.progress = quiet      ? innosim::io::RunRequest::Progress::NEVER
                   : progress ? innosim::io::RunRequest::Progress::ALWAYS
                              : innosim::io::RunRequest::Progress::AUTO;
    run.cancel = &interrupted;
    std::signal(SIGINT, on_interrupt);
    std::signal(SIGTERM, on_interrupt);
    return innosim::io::run_command(run);
  }
  if (*sweep_command) {
    if (*sweep_replications_option) {
      sweep.replications = integer_option(sweep_replications, "--replications", "run.replications");
      if (!sweep.replications) return innosim::io::EXIT_BAD_SCENARIO;
    }
    if (*sweep_seed_option) {
      sweep.seed = integer_option(sweep_seed, "--seed", "run.seed");
      if (!sweep.seed) return innosim::io::EXIT_BAD_SCENARIO;
    }
    sweep.design = design_name == "grid"     ? innosim::sim::DesignKind::GRID
                   : design_name == "sobol"  ? innosim::sim::DesignKind::SOBOL
                   : design_name == "morris" ? innosim::sim::DesignKind::MORRIS
                                             : innosim::sim::DesignKind::LHS;
    sweep.progress = sweep_quiet      ? innosim::io::RunRequest::Progress::NEVER
                     : sweep_progress ? innosim::io::RunRequest::Progress::ALWAYS
                                      : innosim::io::RunRequest::Progress::AUTO;
    sweep.cancel = &interrupted;
    std::signal(SIGINT, on_interrupt);
    std::signal(SIGTERM, on_interrupt);
    return innosim::io::sweep_command(sweep);
  }
  if (*attribute_command) {
    if (*attribute_replications_option) {
      attribute.replications =
          integer_option(attribute_replications, "--replications", "run.replications");
      if (!attribute.replications) return innosim::io::EXIT_BAD_SCENARIO;
    }
    if (*attribute_seed_option) {
      attribute.seed = integer_option(attribute_seed, "--seed", "run.seed");
      if (!attribute.seed) return innosim::io::EXIT_BAD_SCENARIO;
    }
    if (*attribute_year_option) {
      // Any integer reaches the command, which says which years the run has.
      std::int64_t year = 0;
      const auto [end, status] = std::from_chars(
          attribute_year.data(), attribute_year.data() + attribute_year.size(), year);
      if (status != std::errc() || end != attribute_year.data() + attribute_year.size()) {
        std::fprintf(stderr,
                     "innosim: error: --year %s is not accepted; accepted: a calendar "
                     "year of the run, e.g. 2025\n",
                     attribute_year.c_str());
        return innosim::io::EXIT_BAD_SCENARIO;
      }
      attribute.year = year;
    }
    attribute.progress = attribute_quiet      ? innosim::io::RunRequest::Progress::NEVER
                         : attribute_progress ? innosim::io::RunRequest::Progress::ALWAYS
                                              : innosim::io::RunRequest::Progress::AUTO;
    attribute.cancel = &interrupted;
    std::signal(SIGINT, on_interrupt);
    std::signal(SIGTERM, on_interrupt);
    return innosim::io::attribute_command(attribute);
  }
  if (*compare_command) {
    if (*compare_replications_option) {
      compare.replications =
          integer_option(compare_replications, "--replications", "run.replications");
      if (!compare.replications) return innosim::io::EXIT_BAD_SCENARIO;
    }
    if (*compare_seed_option) {
      compare.seed = integer_option(compare_seed, "--seed", "run.seed");
      if (!compare.seed) return innosim::io::EXIT_BAD_SCENARIO;
    }
    std::stringstream names(compare_variants);
    for (std::string name; std::getline(names, name, ',');)
      if (!name.empty()) compare.variants.push_back(name);
    compare.progress = compare_quiet      ? innosim::io::RunRequest::Progress::NEVER
                       : compare_progress ? innosim::io::RunRequest::Progress::ALWAYS
                                          : innosim::io::RunRequest::Progress::AUTO;
    compare.cancel = &interrupted;
    std::signal(SIGINT, on_interrupt);
    std::signal(SIGTERM, on_interrupt);
    return innosim::io::compare_command(compare);
  }
  if (*calibrate_command) {
    if (*calibrate_seed_option) {
      calibrate.seed = integer_option(calibrate_seed, "--seed", "run.seed");
      if (!calibrate.seed) return innosim::io::EXIT_BAD_SCENARIO;
    }
    calibrate.progress = calibrate_quiet      ? innosim::io::RunRequest::Progress::NEVER
                         : calibrate_progress ? innosim::io::RunRequest::Progress::ALWAYS
                                              : innosim::io::RunRequest::Progress::AUTO;
    calibrate.cancel = &interrupted;
    std::signal(SIGINT, on_interrupt);
    std::signal(SIGTERM, on_interrupt);
    return innosim::io::calibrate_command(calibrate);
  }
  // Under MPI every rank runs the same command, but only the studies are shared: a command
  // without one (analyze, plot, validate, params) runs on rank 0 alone.
  if (!innosim::sim::is_coordinator()) return 0;
  if (*analyze_command) return innosim::io::analyze_command(analyze);
  if (*plot_command) {
    std::vector<std::string> arguments{plot_file, "--format", plot_format};
    if (!plot_output.empty()) arguments.insert(arguments.end(), {"-o", plot_output});
    if (!plot_metrics.empty()) arguments.insert(arguments.end(), {"--metrics", plot_metrics});
    return innosim::io::plot_command(arguments);
  }
  if (*validate_command) return innosim::io::validate_command(validate_path, validate_options);
  if (*params_command) {
    std::fputs(innosim::io::parameters_markdown().c_str(), stdout);
    return 0;
  }
  return 0;
}

int main(int argc, char** argv) {
  innosim::sim::ClusterSession cluster(argc, argv);
  int exit_code = innosim::io::EXIT_FAILURE_RUN;
  try {
    exit_code = run_program(argc, argv);
  } catch (const innosim::sim::ClusterFinished& finished) {
    // A worker rank: rank 0's command ended; this rank's stops where it is.
    exit_code = finished.exit_code;
  } catch (const std::bad_alloc&) {
    std::fputs(
        "innosim: error: out of memory (is the population or the number of replications "
        "larger than intended?). Nothing was written.\n",
        stderr);
  } catch (const std::exception& error) {
    std::fprintf(stderr, "innosim: error: %s\nNothing was written.\n", error.what());
  }
  return cluster.finish(exit_code);
}
