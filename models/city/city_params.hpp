// Parameters of the city model ([city] in a scenario). Rates are per year and converted to the
// step length by the model; money in 万元. Each parameter's meaning, unit, range and source is
// in the parameter table of the module that uses it (modules/*.cpp); city_params.cpp joins them
// into the dictionary docs/parameters.md is generated from.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "models/city/firms.hpp"
#include "models/city/rules.hpp"
#include "sim/params/parameter_spec.hpp"

namespace innosim::models::city {

struct CityParams {
  // initial population
  std::int64_t initial_candidates = 0;
  double initial_candidates_per_registered = 0;
  std::int64_t initial_tech_sme = 0;
  std::int64_t initial_high_tech = 0;
  double initial_high_tech_in_tech_sme = 0;
  std::int64_t burn_in_years = 0;
  double burn_in_pool_factor = 0;
  double initial_age_mean_years = 0;
  double initial_revenue_median = 0;
  double initial_revenue_log_sd = 0;
  // entry
  double registrations_per_year = 0;
  double tech_firm_share = 0;
  double spinoffs_per_year = 0;
  double talent_teams_per_year = 0;
  double entry_revenue_median = 0;
  double spinoff_revenue_median = 0;
  double talent_team_revenue_median = 0;
  double entry_revenue_log_sd = 0;
  double rd_propensity_median = 0;
  double rd_propensity_log_sd = 0;
  double spinoff_rd_factor = 0;
  double rd_max = 0;
  double high_tech_share_median = 0;
  double high_tech_share_logit_sd = 0;
  double tech_staff_base = 0;
  double tech_staff_per_rd = 0;
  double tech_staff_log_sd = 0;
  double revenue_per_employee = 0;
  double spinoff_class1_ip_mean = 0;
  double entry_class2_ip_mean = 0;
  double direct_route_probability = 0;
  double spinoff_direct_route_probability = 0;
  std::array<double, SECTOR_COUNT> sector_shares{};
  // growth
  double growth_drift = 0;
  double growth_young = 0;
  double growth_young_age_years = 0;
  double growth_young_size = 0;
  double growth_knowledge = 0;
  double growth_sd = 0;
  double growth_sd_size_reference = 0;
  double growth_sd_size_exponent = 0;
  double growth_sd_min = 0;
  double growth_sd_max = 0;
  double min_revenue = 0;
  double employee_adjustment_years = 0;
  // R&D, knowledge and IP
  double rd_price_elasticity = 0;
  double knowledge_depreciation = 0;
  double class1_ip_knowledge = 0;
  double class2_ip_knowledge = 0;
  double class1_ip_life = 0;
  double class2_ip_life = 0;
  double bunching_window = 0;
  double bunching_baseline = 0;
  double bunching_margin = 0;
  double relabel_share = 0;
  std::string super_deduction;
  double super_deduction_fixed_rate = 0;
  double corporate_tax_rate = 0;
  double high_tech_tax_rate = 0;
  // cash and exit
  double operating_margin = 0;
  double operating_margin_sd = 0;
  double interest_rate = 0;
  double cash_buffer_months = 0;
  double assets_per_revenue = 0;
  double collateral_ratio = 0;
  double exit_hazard_birth = 0;
  double exit_hazard_peak = 0;
  double exit_peak_age_years = 0;
  double exit_decline_years = 0;
  double exit_hazard_old = 0;
  double exit_size_reference = 0;
  double exit_size_exponent = 0;
  double distress_hazard = 0;
  // certification rounds
  std::int64_t tech_sme_month = 0;
  double tech_sme_apply_baseline = 0;
  double tech_sme_reapply_baseline = 0;
  double tech_sme_application_cost = 0;
  TechSmeRules tech_sme_rules;
  std::int64_t high_tech_month = 0;
  double high_tech_apply_baseline = 0;
  double high_tech_reapply_baseline = 0;
  double application_value_scale = 0;
  double high_tech_application_cost = 0;
  double high_tech_compliance_cost = 0;
  double high_tech_apply_margin = 0;
  double high_tech_review_sd = 0;
  std::int64_t high_tech_validity_years = 0;
  double high_tech_audit_probability = 0;
  double high_tech_trait_sd = 0;
  double high_tech_conversion_knowledge = 0;
  double high_tech_organisation_rd = 0;
  double high_tech_ip_price = 0;
  HighTechRules high_tech_rules;
  std::int64_t label_month = 0;
  double label_apply_baseline = 0;
  double label_application_cost = 0;
  LabelRules label_rules;
  std::int64_t gazelle_quota = 0;
  std::int64_t leader_quota = 0;
  std::int64_t little_giant_quota = 0;
  std::int64_t fledgling_quota = 0;
  std::int64_t gazelle_holding_years = 0;
  std::int64_t leader_holding_years = 0;
  std::int64_t little_giant_holding_years = 0;
  std::int64_t fledgling_holding_years = 0;
  std::int64_t initial_gazelles = 0;
  std::int64_t initial_leaders = 0;
  std::int64_t initial_little_giants = 0;
  std::int64_t initial_fledglings = 0;
  NicheTraitParams niche_traits;
  double ipo_min_revenue = 0;
  double ipo_counselling_rate = 0;
  double ipo_acceptance_rate = 0;
  double ipo_listing_rate = 0;
  double ipo_cost = 0;
  double tech_staff_hiring_cost = 0;
  double product_shift_cost = 0;
  std::int64_t rd_award_month = 0;
  // city context
  double city_gdp = 0;
  double city_gdp_growth = 0;
  double city_population = 0;
  double city_population_growth = 0;
  double city_rd_outside = 0;
  double city_rd_outside_growth = 0;
  double city_patents_outside = 0;
  double city_patents_outside_growth = 0;
  // incubation (docs/model.md §3.8.3)
  std::int64_t incubators_city = 0;
  std::int64_t incubators_provincial = 0;
  std::int64_t incubators_national = 0;
  double incubator_maker_space_share = 0;
  double incubator_science_park_share = 0;
  std::int64_t incubator_capacity = 0;
  double incubator_modelled_tenant_share = 1;
  double incubator_start_occupancy = 0;
  double incubators_opened_per_year = 0;
  std::int64_t tenant_entry_max_age_months = 0;
  std::int64_t max_incubation_months = 0;
  double incubation_apply_share = 0;
  double incubation_graduation_revenue = 0;
  double incubation_hazard_factor = 1;
  double incubation_service_value = 0;
  double incubator_place_cost = 0;
  std::int64_t incubator_upgrade_min_years = 0;
  std::int64_t provincial_incubator_min_tenants = 0;
  std::int64_t provincial_incubator_min_graduates = 0;
  std::int64_t national_incubator_min_tenants = 0;
  std::int64_t national_incubator_min_graduates = 0;
  // loans: banks, guarantee agencies and technology loans (docs/model.md §3.8.4)
  std::int64_t banks = 0;
  double bank_risk_appetite = 0;
  double loan_rate_lpr = 0;
  double loan_rate_spread = 0;
  double bank_funding_rate = 0;
  double relending_rate_cut = 0;
  double relending_pass_through = 0;
  double loan_default_rate = 0;
  double loan_certified_risk_factor = 0;
  double loan_collateral_recovery = 0;
  double loan_growth_target = 0;
  double loan_min_amount = 0;
  double loan_max_amount = 0;
  std::int64_t loan_term_months = 0;
  std::int64_t loan_month = 0;
  std::int64_t guarantors = 0;
  double guarantor_capital = 0;
  double guarantor_leverage = 0;
  double guarantee_share = 0;
  double guarantee_fee_rate = 0;
  double bank_min_risk_share = 0;
  // knowledge sources (docs/model.md §3.8.6)
  std::int64_t knowledge_universities = 0;
  std::int64_t knowledge_key_labs_provincial = 0;
  std::int64_t knowledge_key_labs_national = 0;
  std::int64_t knowledge_platforms_provincial = 0;
  std::int64_t knowledge_platforms_national = 0;
  std::int64_t knowledge_rd_institutions = 0;
  double contracts_per_university = 0;
  double contracts_per_key_lab = 0;
  double contracts_per_rd_institution = 0;
  double contracts_per_platform = 0;
  double knowledge_national_factor = 1;
  double research_output_university = 0;
  double research_output_rd_institution = 0;
  double research_output_platform = 0;
  double tech_contract_value_mean = 0;
  double tech_contract_value_log_sd = 0;
  std::int64_t tech_contract_months = 12;
  double tech_contract_knowledge_gain = 0;
  double tech_contract_patent_share = 0;
  double tech_contract_outside = 0;
  double tech_contract_outside_growth = 0;
  double transfer_cost_per_contract = 1;
  double new_enterprise_labs_per_year = 0;
  double new_national_key_labs_per_year = 0;
  double new_platforms_per_year = 0;
  double new_rd_institutions_per_year = 0;
  double enterprise_lab_knowledge = 0;
  double spinoff_output_elasticity = 0;
  double talent_teams_initial = 0;
  // spillovers (docs/model.md §3.8.7)
  std::int64_t supply_links_per_leader = 0;
  std::int64_t supply_links_per_gazelle = 0;
  double spillover_rate = 0;
  double spillover_decay = 0;
  std::int64_t spillover_max_distance = 1;
  // equity: venture funds and the guidance fund (modules/equity.cpp, docs/model.md §3.8.5)
  std::int64_t equity_private_funds = 0;
  double equity_fund_capital = 0;
  std::int64_t equity_fund_life_years = 0;
  std::int64_t equity_round_month = 0;
  double equity_guidance_commitment = 0;
  double equity_guidance_max_share = 0;
  double equity_deal_probability = 0;
  double equity_ticket_seed = 0;
  double equity_ticket_early = 0;
  double equity_ticket_growth = 0;
  double equity_seed_max_age_years = 0;
  double equity_seed_max_revenue = 0;
  double equity_early_max_age_years = 0;
  double equity_early_max_revenue = 0;
  double equity_min_growth = 0;
  double equity_follow_on_rate = 0;
  double equity_follow_on_growth = 0;
  double equity_trade_sale_rate = 0;
  double equity_trade_sale_multiple = 0;
  double equity_ipo_multiple = 0;
  double equity_risk_cover_max = 0;
  double equity_survival_cut = 0;
  double equity_survival_years = 0;

  /// Reads every key of parameter_specs() (prefix "city.") from a resolved set.
  [[nodiscard]] static CityParams from(const sim::ParameterSet& values);
  /// The defaults, as a scenario without a [city] table gets them.
  [[nodiscard]] static CityParams defaults();
};

[[nodiscard]] const std::vector<sim::ParameterSpec>& parameter_specs();

/// initial_candidates = DERIVED_CANDIDATES: initial_candidates_per_registered candidates per
/// firm registered without a certificate if that is positive, else as many as the burn-in city
/// has (docs/model.md §3.1).
inline constexpr std::int64_t DERIVED_CANDIDATES = -1;

/// The firms the burn-in city is sized for (times burn_in_pool_factor): the scenario's initial
/// firms, derived candidates counted as initial_candidates_per_registered, or 5 (about the
/// burn-in's ratio), per registered firm (it sets only how many firms there are to draw from).
[[nodiscard]] inline double starting_firms_to_draw_from(const CityParams& p) {
  const auto registered = static_cast<double>(p.initial_tech_sme + p.initial_high_tech);
  const double per_registered =
      p.initial_candidates_per_registered > 0.0 ? p.initial_candidates_per_registered : 5.0;
  const double candidates = p.initial_candidates == DERIVED_CANDIDATES
                                ? per_registered * registered
                                : static_cast<double>(p.initial_candidates);
  return candidates + registered;
}

}  // namespace innosim::models::city
