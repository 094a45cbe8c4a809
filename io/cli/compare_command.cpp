#include "io/cli/compare_command.hpp"

#include <toml++/toml.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <limits>
#include <map>
#include <memory>
#include <sstream>

#include "io/cli/output_path.hpp"
#include "io/h5/compare_file.hpp"
#include "io/report/summary_table.hpp"
#include "io/report/targets_report.hpp"
#include "io/scenario/scenario.hpp"
#include "io/scenario/toml_support.hpp"
#include "sim/experiment/attribution.hpp"
#include "sim/run/study.hpp"
#include "sim/stats/summary.hpp"

namespace innosim::io {

namespace {

constexpr const char* REFERENCE = "no_policy";
/// The tiers whose counts are compared, at the end of the run's last whole year.
const std::vector<std::string> TIERS = {"register_tech_sme", "register_high_tech", "label_gazelle",
                                        "label_leader"};

/// Keeps every replication's outcomes: values[outcome][replication].
class OutcomeCapture final : public sim::StudySink {
 public:
  OutcomeCapture(std::size_t outcomes, std::uint32_t replications)
      : values_(outcomes, std::vector<double>(replications, std::nan(""))) {}
  void accept(sim::TaskResult& result) override {
    for (std::size_t o = 0; o < result.outcomes.size(); ++o)
      values_[o][result.replication] = result.outcomes[o];
    ++completed_;
  }
  std::vector<std::vector<double>> values_;
  std::uint64_t completed_ = 0;
};

/// What every variant records, by name (resolved in each variant's own model: a variant without
/// an instrument has no spending metric for it, and records 0).
struct OutcomePlan {
  std::vector<std::string> names;
  std::vector<std::string> units;
  std::size_t targets = 0;  ///< the first `targets` outcomes are the targets' values
  std::size_t tiers = 0;    ///< then the tiers, then total spending, then each instrument's
  std::vector<std::string> instruments;
};

/// The instruments of a scenario: the <name> of its instruments.<name>.trigger keys.
std::vector<std::string> instruments_of(const Scenario& scenario) {
  std::vector<std::string> names;
  for (const auto& [key, value] : scenario.values.values()) {
    if (key.rfind("instruments.", 0) == 0 && key.ends_with(".trigger"))
      names.push_back(key.substr(12, key.size() - 12 - 8));
  }
  return names;
}

/// The study outcomes of `plan` in `scenario`'s model; a metric it lacks (an instrument the
/// variant removed) gets index SIZE_MAX and is recorded as 0.
std::vector<sim::Outcome> resolve(const Scenario& scenario, const sim::Model& model,
                                  const Scenario& baseline, const OutcomePlan& plan, int year,
                                  std::vector<bool>& missing) {
  const auto& metrics = model.metrics();
  std::vector<sim::Outcome> outcomes;
  missing.assign(plan.names.size(), false);
  auto stock_or_flow = [&](const std::string& metric, const std::string& when, std::size_t slot) {
    sim::Outcome outcome;
    outcome.name = plan.names[slot];
    std::size_t index = 0;
    if (!detail::find_metric(metric, metrics, index).empty()) {
      missing[slot] = true;
      outcome.metric = 0;
      outcomes.push_back(outcome);
      return;
    }
    outcome.metric = index;
    if (when.empty()) {  // a flow over the whole run
      outcome.first_point = 1;
      outcome.last_point = static_cast<std::size_t>(scenario.time.steps);
    } else {
      (void)detail::place_year(when, metrics[index], scenario.time, outcome);
    }
    outcomes.push_back(outcome);
  };
  std::size_t slot = 0;
  for (const Target& target : baseline.targets) {
    const auto own = std::find_if(scenario.targets.begin(), scenario.targets.end(),
                                  [&](const Target& t) { return t.name == target.name; });
    sim::Outcome outcome = own != scenario.targets.end() ? own->outcome : target.outcome;
    outcome.name = plan.names[slot++];
    outcomes.push_back(outcome);
  }
  for (const std::string& tier : TIERS) stock_or_flow(tier, std::to_string(year), slot++);
  stock_or_flow("spending_instruments", "", slot++);
  for (const std::string& instrument : plan.instruments)
    stock_or_flow("spending_" + instrument, "", slot++);
  return outcomes;
}

std::string number(double value, bool percent = false) {
  if (std::isnan(value)) return "n/a";
  if (std::isinf(value)) return value > 0 ? "inf" : "-inf";
  char buffer[32];
  if (percent) {
    std::snprintf(buffer, sizeof buffer, "%.0f%%", 100.0 * value);
  } else if (std::abs(value) >= 100.0 || value == std::round(value)) {
    std::snprintf(buffer, sizeof buffer, "%.0f", value);
  } else {
    std::snprintf(buffer, sizeof buffer, "%.3g", value);
  }
  return buffer;
}

std::string cell(const sim::Interval& interval, bool percent = false) {
  if (std::isnan(interval.estimate)) return "n/a";
  return number(interval.estimate, percent) + " [" + number(interval.low, percent) + ", " +
         number(interval.high, percent) + "]";
}

sim::Interval proportion(const sim::Proportion& p) { return {p.estimate, p.low, p.high}; }

}  // namespace

int compare_command(const CompareRequest& request) {
  auto refuse = [&](const std::string& why) {
    std::fprintf(stderr, "%s: error: %s\nNothing was run and nothing was written.\n",
                 request.scenario_path.c_str(), why.c_str());
    return EXIT_BAD_SCENARIO;
  };
  // The baseline first; each variant once; no_policy added when the file has it (the cost of a
  // package is measured against it).
  std::vector<std::string> names{"baseline"};
  for (const std::string& name : request.variants)
    if (std::find(names.begin(), names.end(), name) == names.end()) names.push_back(name);
  std::vector<Scenario> scenarios;
  for (std::size_t v = 0; v < names.size(); ++v) {
    const std::string& name = names[v];
    std::optional<Scenario> loaded =
        load_for_command(request.scenario_path, request.replications, request.seed,
                         {name == "baseline" ? "" : name, request.settings, v == 0});
    if (!loaded) return EXIT_BAD_SCENARIO;
    if (request.posterior_median && loaded->posterior) loaded->posterior->median = true;
    if (v == 0 && std::find(names.begin(), names.end(), REFERENCE) == names.end() &&
        std::any_of(loaded->variants.begin(), loaded->variants.end(),
                    [](const VariantInfo& info) { return info.name == REFERENCE; }))
      names.emplace_back(REFERENCE);
    scenarios.push_back(std::move(*loaded));
  }
  const Scenario& baseline = scenarios.front();
  const bool has_reference = std::find(names.begin(), names.end(), REFERENCE) != names.end();
  if (names.size() < 2) {
    return refuse(
        "give the variants to compare with the baseline: --variants a,b,... (innosim validate "
        "lists the scenario's [variants.<name>])");
  }
  for (const Scenario& scenario : scenarios) {
    if (scenario.time.start_year != baseline.time.start_year ||
        scenario.time.steps != baseline.time.steps ||
        scenario.time.step_months != baseline.time.step_months ||
        scenario.replications != baseline.replications || scenario.seed != baseline.seed) {
      return refuse("variant " + scenario.variant +
                    " changes the time axis, the replications or the seed; compared variants "
                    "share them (common random numbers need the same replications)");
    }
  }
  const sim::TimeAxis& time = baseline.time;
  if (time.step_months <= 0 || 12 % time.step_months != 0 || time.steps * time.step_months < 12)
    return refuse("the run holds no whole calendar year to compare at");
  const int year = time.start_year + time.steps * time.step_months / 12 - 1;

  const std::optional<std::filesystem::path> chosen =
      output_of(baseline, request.output_path, "_compare.h5");
  if (!chosen) return EXIT_BAD_SCENARIO;
  const std::filesystem::path& output = *chosen;
  if (const std::string why = output_problem(output, baseline.path); !why.empty())
    return refuse(why);
  if (!request.force) {
    if (const std::string why = foreign_results_problem(output, baseline.path, "baseline");
        !why.empty())
      return refuse(why);
  }
  remove_stale_temporaries(output, ".tmp");

  OutcomePlan plan;
  for (const Target& target : baseline.targets) {
    plan.names.push_back(target.name);
    plan.units.push_back("metric units of " + target.metric);
  }
  plan.targets = plan.names.size();
  for (const std::string& tier : TIERS) {
    plan.names.push_back(tier + "@" + std::to_string(year));
    plan.units.emplace_back("firms");
  }
  plan.tiers = TIERS.size();
  plan.names.emplace_back("spending_instruments");
  plan.units.emplace_back("万元 over the run");
  for (const Scenario& scenario : scenarios)
    for (const std::string& instrument : instruments_of(scenario))
      if (std::find(plan.instruments.begin(), plan.instruments.end(), instrument) ==
          plan.instruments.end())
        plan.instruments.push_back(instrument);
  for (const std::string& instrument : plan.instruments) {
    plan.names.push_back("spending_" + instrument);
    plan.units.emplace_back("万元 over the run");
  }

  std::fprintf(stderr,
               "Comparing %zu variants of %s on common random numbers: %u replications each "
               "(seed %llu), %d steps from %d\n",
               names.size(), baseline.name.c_str(), baseline.replications,
               static_cast<unsigned long long>(baseline.seed), time.steps, time.start_year);
  const auto started = std::chrono::steady_clock::now();
  CompareResults results;
  results.year = year;
  results.replications = baseline.replications;
  results.reference = has_reference ? REFERENCE : "";
  results.outcome_names = plan.names;
  results.outcome_units = plan.units;
  for (const Target& target : baseline.targets) results.target_names.push_back(target.name);
  std::atomic<std::uint64_t> steps_done{0}, tasks_done{0};
  std::optional<sim::ProgressMeter> meter;
  const std::uint64_t tasks = static_cast<std::uint64_t>(names.size()) * baseline.replications;
  start_progress(meter, request.progress, steps_done, tasks * time.steps, tasks_done, tasks);
  for (std::size_t v = 0; v < scenarios.size(); ++v) {
    const Scenario& scenario = scenarios[v];
    std::shared_ptr<const sim::Model> model;
    try {
      model = create_model(scenario);
    } catch (const std::exception& error) {
      return refuse("variant " + names[v] + ": " + error.what());
    }
    std::vector<bool> missing;
    sim::Study study;
    study.model_at = [model](std::size_t) { return model; };
    study.replications = scenario.replications;
    study.seed = scenario.seed;
    study.outcomes = resolve(scenario, *model, baseline, plan, year, missing);
    sim::StudyControl control;
    control.cancel = request.cancel;
    control.steps_done = &steps_done;
    control.tasks_done = &tasks_done;
    OutcomeCapture capture(study.outcomes.size(), study.replications);
    bool finished = false;
    try {
      sim::ThreadExecutor executor(request.threads);
      finished = sim::run_study(study, capture, executor, control);
    } catch (const std::exception& error) {
      std::fprintf(stderr, "\nerror: %s\nThe run failed; %s was not written.\n", error.what(),
                   output.c_str());
      return EXIT_FAILURE_RUN;
    }
    if (!finished) {
      std::fprintf(stderr, "\nInterrupted in variant %s. %s was not written.\n", names[v].c_str(),
                   output.c_str());
      return EXIT_INTERRUPTED;
    }
    for (std::size_t o = 0; o < missing.size(); ++o)
      if (missing[o]) std::fill(capture.values_[o].begin(), capture.values_[o].end(), 0.0);
    results.variants.push_back(names[v]);
    std::string description = "the file as written";
    for (const VariantInfo& info : baseline.variants)
      if (info.name == names[v]) description = info.description;
    results.descriptions.push_back(description);
    results.values.push_back(std::move(capture.values_));
  }
  meter.reset();
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();

  // Statistics per variant.
  sim::BootstrapOptions bootstrap;
  bootstrap.resamples = request.bootstrap_resamples;
  bootstrap.seed = baseline.seed;
  const std::size_t reference =
      has_reference ? static_cast<std::size_t>(std::find(names.begin(), names.end(), REFERENCE) -
                                               names.begin())
                    : 0;
  const std::size_t high_tech = plan.targets + 1, spending = plan.targets + plan.tiers;
  auto differences = [&](std::size_t v, std::size_t base, std::size_t outcome) {
    std::vector<double> d(results.replications);
    for (std::uint32_t r = 0; r < results.replications; ++r)
      d[r] = results.values[v][outcome][r] - results.values[base][outcome][r];
    return d;
  };
  auto add_statistic = [&](const std::string& name, const std::string& unit,
                           const std::string& meaning) {
    results.statistic_names.push_back(name);
    results.statistic_units.push_back(unit);
    results.statistic_meanings.push_back(meaning);
  };
  for (const Target& target : baseline.targets) {
    add_statistic("probability_" + target.name, "1",
                  "probability of reaching " + target.name + " (Wilson interval)");
    add_statistic(
        "delta_probability_" + target.name, "1",
        "paired difference of reaching " + target.name + " against the baseline (t interval)");
  }
  for (const std::string& tier : TIERS) {
    add_statistic(tier, "firms", tier + " at the end of " + std::to_string(year) + " (mean)");
    add_statistic("delta_" + tier, "firms",
                  "paired difference of " + tier + " against the baseline");
  }
  add_statistic("spending", "万元", "city instruments' spending over the run (mean)");
  add_statistic("delta_spending", "万元", "paired difference of spending against the baseline");
  add_statistic("marginal_cost_per_high_tech", "万元/firm",
                "additional spending / additional high-tech enterprises against the baseline "
                "(bootstrap; what the variant's change buys at the margin)");
  add_statistic("cost_per_additional_high_tech", "万元/firm",
                "additional spending / additional high-tech enterprises against no_policy "
                "(bootstrap; inf: money spent, none bought)");
  for (std::size_t v = 0; v < results.variants.size(); ++v) {
    std::vector<sim::TargetStatistics> targets;
    std::vector<sim::Interval> row;
    for (std::size_t t = 0; t < baseline.targets.size(); ++t) {
      const Target& target = baseline.targets[t];
      targets.push_back(
          sim::target_statistics(results.values[v][t], target.comparison, target.threshold));
      row.push_back(proportion(targets.back().probability));
      std::vector<double> d(results.replications);
      const auto& base =
          sim::target_statistics(results.values[0][t], target.comparison, target.threshold);
      for (std::uint32_t r = 0; r < results.replications; ++r)
        d[r] = static_cast<double>(targets.back().achieved[r]) - base.achieved[r];
      row.push_back(sim::mean_with_t_interval(d));
    }
    for (std::size_t k = 0; k < TIERS.size(); ++k) {
      row.push_back(sim::mean_with_t_interval(results.values[v][plan.targets + k]));
      row.push_back(sim::mean_with_t_interval(differences(v, 0, plan.targets + k)));
    }
    row.push_back(sim::mean_with_t_interval(results.values[v][spending]));
    row.push_back(sim::mean_with_t_interval(differences(v, 0, spending)));
    const double nan = std::numeric_limits<double>::quiet_NaN();
    row.push_back(v == 0 ? sim::Interval{nan, nan, nan}
                         : sim::ratio_of_means(differences(v, 0, spending),
                                               differences(v, 0, high_tech), sim::RatioKind::COST,
                                               bootstrap));
    if (has_reference && v != reference) {
      row.push_back(sim::ratio_of_means(differences(v, reference, spending),
                                        differences(v, reference, high_tech), sim::RatioKind::COST,
                                        bootstrap));
    } else {
      row.push_back({nan, nan, nan});
    }
    results.targets.push_back(std::move(targets));
    results.statistics.push_back(std::move(row));
  }

  Provenance provenance = provenance_of(baseline, request.command_line);
  try {
    write_compare(output, results, provenance);
  } catch (const std::exception& error) {
    std::fprintf(stderr, "error: %s\nThe runs finished but their results were not written.\n",
                 error.what());
    return EXIT_FAILURE_RUN;
  }

  // The tables: targets, then tiers and money, then each instrument's spending.
  auto statistic = [&](std::size_t v, const std::string& name) {
    const auto at = std::find(results.statistic_names.begin(), results.statistic_names.end(), name);
    return results.statistics[v][static_cast<std::size_t>(at - results.statistic_names.begin())];
  };
  std::string text = "\nVariants of " + baseline.name + " on common random numbers (" +
                     std::to_string(results.replications) +
                     " replications each); Δ: paired difference against the baseline; [95% "
                     "interval]:\n";
  if (!baseline.targets.empty()) {
    std::vector<std::vector<std::string>> cells{{"variant"}};
    for (const Target& target : baseline.targets) {
      cells[0].push_back("P(" + target.name + ")");
      cells[0].push_back("Δ");
    }
    for (std::size_t v = 0; v < results.variants.size(); ++v) {
      std::vector<std::string> row{results.variants[v]};
      for (const Target& target : baseline.targets) {
        row.push_back(cell(statistic(v, "probability_" + target.name), true));
        row.push_back(v == 0 ? "" : cell(statistic(v, "delta_probability_" + target.name), true));
      }
      cells.push_back(std::move(row));
    }
    text += aligned_columns(cells);
  }
  {
    std::vector<std::vector<std::string>> cells{
        {"variant", "high-tech " + std::to_string(year), "Δ high-tech", "tech SME", "Δ tech SME",
         "spending 万元",
         std::string("万元 per additional high-tech vs ") +
             (has_reference ? REFERENCE : "(no no_policy variant)")}};
    for (std::size_t v = 0; v < results.variants.size(); ++v) {
      cells.push_back({results.variants[v], cell(statistic(v, "register_high_tech")),
                       v == 0 ? "" : cell(statistic(v, "delta_register_high_tech")),
                       cell(statistic(v, "register_tech_sme")),
                       v == 0 ? "" : cell(statistic(v, "delta_register_tech_sme")),
                       cell(statistic(v, "spending")),
                       v == 0 ? "" : cell(statistic(v, "marginal_cost_per_high_tech")),
                       cell(statistic(v, "cost_per_additional_high_tech"))});
    }
    text += "\n" + aligned_columns(cells);
  }
  if (!plan.instruments.empty()) {
    std::vector<std::vector<std::string>> cells{{"spending over the run, 万元 (mean)"}};
    for (const std::string& name : results.variants) cells[0].push_back(name);
    for (std::size_t i = 0; i < plan.instruments.size(); ++i) {
      std::vector<std::string> row{plan.instruments[i]};
      for (std::size_t v = 0; v < results.variants.size(); ++v)
        row.push_back(number(sim::mean(results.values[v][spending + 1 + i])));
      cells.push_back(std::move(row));
    }
    text += "\n" + aligned_columns(cells);
  }
  std::fputs(text.c_str(), request.report);
  std::fprintf(request.report, "Wrote %s (%zu variants x %u replications, %.1f s).\n",
               output.c_str(), results.variants.size(), results.replications, seconds);

  if (request.summary_json) {
    toml::table root;
    root.insert("scenario", baseline.name);
    root.insert("scenario_file", baseline.path);
    root.insert("replications", static_cast<std::int64_t>(results.replications));
    root.insert("seed", static_cast<std::int64_t>(baseline.seed));
    root.insert("year", static_cast<std::int64_t>(year));
    root.insert("reference", results.reference);
    toml::array variants;
    for (std::size_t v = 0; v < results.variants.size(); ++v) {
      toml::table entry;
      entry.insert("name", results.variants[v]);
      entry.insert("description", results.descriptions[v]);
      for (std::size_t s = 0; s < results.statistic_names.size(); ++s) {
        const sim::Interval& value = results.statistics[v][s];
        toml::table interval;
        for (const auto& [key, number] :
             {std::pair{"estimate", value.estimate}, std::pair{"low", value.low},
              std::pair{"high", value.high}})
          if (std::isfinite(number)) interval.insert(key, number);
        entry.insert(results.statistic_names[s], std::move(interval));
      }
      toml::table spent;
      for (std::size_t i = 0; i < plan.instruments.size(); ++i)
        spent.insert(plan.instruments[i], sim::mean(results.values[v][spending + 1 + i]));
      entry.insert("spending_by_instrument", std::move(spent));
      variants.push_back(std::move(entry));
    }
    root.insert("variants", std::move(variants));
    std::ostringstream json;
    json << toml::json_formatter{root} << "\n";
    try {
      write_text_atomically(*request.summary_json, json.str());
      std::fprintf(request.report, "Wrote %s.\n", request.summary_json->c_str());
    } catch (const std::exception& error) {
      std::fprintf(stderr, "error: --summary-json: %s\n", error.what());
      return EXIT_FAILURE_RUN;
    }
  }
  return EXIT_OK;
}

}  // namespace innosim::io
