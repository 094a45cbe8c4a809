#include "models/registry.hpp"

#include <algorithm>
#include <cmath>

#include "models/city/city_model.hpp"
#include "models/ref1/ref1_model.hpp"
#include "models/testfunctions/test_functions.hpp"

namespace innosim::models {

namespace {

std::vector<sim::ParameterProblem> check_ref1(const sim::ParameterSet& values,
                                              const sim::TimeAxis& time) {
  std::vector<sim::ParameterProblem> problems;
  const ref1::Ref1Params params = ref1::Ref1Params::from(values);
  if (params.small_revenue_limit > params.medium_revenue_limit) {
    problems.push_back({"ref1.small_revenue_limit",
                        "must not exceed ref1.medium_revenue_limit (" +
                            sim::to_toml_text(values.real("ref1.medium_revenue_limit")) + ")"});
  }
  // Born firms get ids from 2^31 upwards; their expected number must stay far below 2^31.
  if (params.births_per_step * time.steps > 1.0e9) {
    problems.push_back(
        {"ref1.births_per_step",
         "times scenario.steps must stay below 1e9 expected births (firm ids are 32-bit)"});
  }
  if (time.steps > 65535) {
    problems.push_back({"scenario.steps", "must be at most 65535 for ref1 (firm ages are 16-bit)"});
  }
  return problems;
}

std::unique_ptr<sim::Model> create_ref1(const sim::ParameterSet& values,
                                        const sim::TimeAxis& time) {
  return std::make_unique<ref1::Ref1Model>(ref1::Ref1Params::from(values), time);
}

std::vector<sim::ParameterProblem> check_city(const sim::ParameterSet& values,
                                              const sim::TimeAxis& time) {
  std::vector<sim::ParameterProblem> problems = city::check_instruments(values);
  const city::CityParams params = city::CityParams::from(values);
  if (12 % time.step_months != 0) {
    problems.push_back({"scenario.step_months",
                        "must divide 12 for the city model (1, 2, 3, 4, 6 or 12), so that "
                        "annual rounds fall in one step"});
  }
  // Register dates are 16-bit step indices, counted from the burn-in's first step until the
  // start (city_model.hpp).
  const std::int64_t steps_per_year = 12 / std::max(1, time.step_months);
  const std::int64_t last_date = time.steps + params.high_tech_validity_years * steps_per_year +
                                 params.burn_in_years * steps_per_year;
  if (last_date > 65535) {
    problems.push_back({"scenario.steps",
                        "is too large for the city model: steps plus the burn-in plus the "
                        "certificate validity must stay below 65536 steps"});
  }
  const auto certified_in_register = static_cast<std::int64_t>(std::llround(
      params.initial_high_tech_in_tech_sme * static_cast<double>(params.initial_high_tech)));
  if (params.initial_tech_sme < certified_in_register) {
    problems.push_back({"city.initial_tech_sme",
                        "must be at least the certified firms in the register "
                        "(initial_high_tech x initial_high_tech_in_tech_sme = " +
                            std::to_string(certified_in_register) + ")"});
  }
  // Entrant ids number a step's entrants of one channel in 13 bits (city_model.hpp).
  const double dt = time.step_months / 12.0;
  const std::pair<const char*, double> channels[] = {
      {"city.registrations_per_year", params.registrations_per_year * params.tech_firm_share},
      {"city.spinoffs_per_year", params.spinoffs_per_year},
      {"city.talent_teams_per_year", params.talent_teams_per_year}};
  for (const auto& [key, per_year] : channels) {
    // The burn-in city has burn_in_pool_factor times the entry.
    if (per_year * dt * params.burn_in_pool_factor > city::MAX_ENTRANTS_PER_STEP / 2) {
      problems.push_back({key, "gives more than " +
                                   std::to_string(city::MAX_ENTRANTS_PER_STEP / 2) +
                                   " entrants per step on average (in the burn-in: times "
                                   "city.burn_in_pool_factor); at most that many are "
                                   "supported (use a shorter scenario.step_months)"});
    }
  }
  // Pairs whose order the model's rules assume (a lower rate or limit above its upper one).
  const std::pair<const char*, const char*> ordered[] = {
      // The high-tech rate is a reduction: above the corporate rate, the tax forgone is negative.
      {"city.high_tech_tax_rate", "city.corporate_tax_rate"},
      {"city.growth_sd_min", "city.growth_sd_max"},
      // The R&D ratio thresholds of the certification rules go up with sales.
      {"city.high_tech_small_sales", "city.high_tech_medium_sales"}};
  for (const auto& [lower, upper] : ordered) {
    if (values.real(lower) > values.real(upper)) {
      problems.push_back({lower, std::string("must not exceed ") + upper + " (" +
                                     sim::to_toml_text(values.values().at(upper)) + ")"});
    }
  }
  double sector_total = 0.0;
  for (const double share : params.sector_shares) sector_total += share;
  if (sector_total <= 0.0) {
    problems.push_back({"city.sector_share_other",
                        "and every other sector share are 0; at "
                        "least one must be positive"});
  }
  // The burn-in's seed firms are numbered below FIRST_COPY_ID (city_model.hpp).
  const double seeds = params.burn_in_pool_factor *
                       static_cast<double>(params.initial_candidates + params.initial_tech_sme +
                                           params.initial_high_tech);
  if (seeds >= static_cast<double>(city::FIRST_COPY_ID)) {
    problems.push_back({"city.initial_candidates",
                        "with the other initial counts, times city.burn_in_pool_factor, must "
                        "stay below 2^28 firms (firm ids are 32-bit)"});
  }
  return problems;
}

std::vector<sim::ParameterProblem> no_checks(const sim::ParameterSet&, const sim::TimeAxis&) {
  return {};
}

std::unique_ptr<sim::Model> create_city(const sim::ParameterSet& values,
                                        const sim::TimeAxis& time) {
  return std::make_unique<city::CityModel>(city::CityParams::from(values),
                                           city::instruments_from(values), time);
}

}  // namespace

const std::vector<ModelEntry>& model_registry() {
  static const std::vector<ModelEntry> registry = {
      {"ref1", "REF-1, the reference ladder model (docs/model-ref1.md; benchmark and oracle)",
       &ref1::parameter_specs, &check_ref1, &create_ref1, "", nullptr},
      {"city",
       "the innovation ecosystem of a city: firms, the tier ladder, certification rules and "
       "policy instruments (docs/model.md)",
       &city::parameter_specs, &check_city, &create_city, "instruments", &city::instrument_specs},
      {"ishigami", "Ishigami test function (checks sensitivity analysis; docs/experiments.md)",
       &testfunctions::ishigami_specs, &no_checks, &testfunctions::create_ishigami, "", nullptr},
      {"sobol_g", "Sobol G test function, 8 inputs (checks sensitivity analysis)",
       &testfunctions::sobol_g_specs, &no_checks, &testfunctions::create_sobol_g, "", nullptr},
  };
  return registry;
}

const ModelEntry* find_model(const std::string& name) {
  for (const ModelEntry& entry : model_registry()) {
    if (entry.name == name) return &entry;
  }
  return nullptr;
}

}  // namespace innosim::models
