#include "models/city/rules.hpp"

#include <algorithm>
#include <cmath>

namespace innosim::models::city {

namespace {

/// Points of the first band whose lower bound the value reaches; bands are listed from the top.
template <std::size_t N>
int banded(double value, const double (&lower_bounds)[N], const int (&points)[N]) {
  for (std::size_t band = 0; band < N; ++band) {
    if (value >= lower_bounds[band]) return points[band];
  }
  return 0;
}

}  // namespace

int tech_sme_tech_staff_points(double tech_staff_share) {
  static constexpr double BOUNDS[] = {0.30, 0.25, 0.20, 0.15, 0.10};
  static constexpr int POINTS[] = {20, 16, 12, 8, 4};
  return banded(tech_staff_share, BOUNDS, POINTS);
}

int tech_sme_rd_points(double rd_to_sales, double rd_to_total_cost) {
  static constexpr double SALES_BOUNDS[] = {0.06, 0.05, 0.04, 0.03, 0.02};
  static constexpr double COST_BOUNDS[] = {0.30, 0.25, 0.20, 0.15, 0.10};
  static constexpr int POINTS[] = {50, 40, 30, 20, 10};
  return std::max(banded(rd_to_sales, SALES_BOUNDS, POINTS),
                  banded(rd_to_total_cost, COST_BOUNDS, POINTS));
}

int tech_sme_ip_points(int ip_class1, int ip_class2) {
  if (ip_class1 >= 1) return 30;
  static constexpr int POINTS_BY_CLASS2[] = {0, 6, 12, 18, 24};
  return POINTS_BY_CLASS2[std::clamp(ip_class2, 0, 4)];
}

TechSmeResult evaluate_tech_sme(const TechSmeInputs& firm, const TechSmeRules& rules) {
  TechSmeResult result;
  result.size_ok = firm.employees <= rules.max_employees && firm.sales <= rules.max_sales &&
                   firm.total_assets <= rules.max_total_assets;
  result.tech_staff_points = tech_sme_tech_staff_points(firm.tech_staff_share);
  const double rd_to_sales = firm.sales > 0.0 ? firm.rd / firm.sales : 0.0;
  const double rd_to_cost = firm.total_cost > 0.0 ? firm.rd / firm.total_cost : 0.0;
  result.rd_points = tech_sme_rd_points(rd_to_sales, rd_to_cost);
  result.ip_points = tech_sme_ip_points(firm.ip_class1, firm.ip_class2);
  result.direct = firm.high_tech || firm.other_direct_route;
  const bool scored = result.score() >= rules.pass_score && result.tech_staff_points > 0;
  result.admitted = result.size_ok && (result.direct || scored);
  return result;
}

double high_tech_rd_threshold(double latest_sales, const HighTechRules& rules) {
  if (latest_sales <= rules.small_sales_limit) return rules.rd_ratio_small;
  if (latest_sales <= rules.medium_sales_limit) return rules.rd_ratio_medium;
  return rules.rd_ratio_large;
}

int high_tech_graded_points(double grade, int max) {
  if (!(grade > 0.0)) return 0;
  return std::min(max, static_cast<int>(std::lround(grade * max)));
}

int high_tech_ip_points(int ip_class1, int ip_class2) {
  if (ip_class1 >= 2) return 8;
  if (ip_class1 == 1) return 7;
  if (ip_class2 >= 5) return 6;
  if (ip_class2 >= 3) return 4;
  if (ip_class2 >= 1) return 2;
  return 0;
}

int high_tech_acquisition_points(int items, int bought) {
  if (items <= 0) return 0;
  const double own_share =
      static_cast<double>(items - std::clamp(bought, 0, items)) / static_cast<double>(items);
  return static_cast<int>(std::lround(3.0 + 3.0 * own_share));
}

int high_tech_commercialisation_points(double conversions) {
  if (!(conversions >= 1.0)) return 0;
  if (conversions >= 5.0) return std::min(30, 25 + static_cast<int>(conversions - 5.0));
  const int band = static_cast<int>(conversions);  // 1-4
  const int within = std::min(5, static_cast<int>(6.0 * (conversions - band)));
  return 6 * band - 5 + within;
}

int high_tech_growth_points(double growth) {
  static constexpr double BOUNDS[] = {0.35, 0.25, 0.15, 0.05};
  static constexpr int POINTS[] = {10, 8, 6, 4};
  const int points = banded(growth, BOUNDS, POINTS);
  if (points > 0) return points;
  return growth > 0.0 ? 2 : 0;
}

double high_tech_growth(double x_y3, double x_y2, double x_y1) {
  if (x_y1 <= 0.0 || x_y2 <= 0.0) return 0.0;
  if (x_y3 > 0.0) return (x_y2 / x_y3 + x_y1 / x_y2) / 2.0 - 1.0;
  return x_y1 / x_y2 - 1.0;
}

double high_tech_sales_growth(double sales_y3, double sales_y2, double sales_y1) {
  return high_tech_growth(sales_y3, sales_y2, sales_y1);
}

int HighTechScore::ip() const {
  return std::min(30, advancement + core_support + quantity + acquisition + standards);
}

HighTechScore score_high_tech(const HighTechScoreInputs& firm) {
  HighTechScore score;
  score.advancement = high_tech_graded_points(firm.advancement, 8);
  score.core_support = high_tech_graded_points(firm.core_support, 8);
  score.quantity = high_tech_ip_points(firm.ip_class1, firm.ip_class2);
  score.acquisition = high_tech_acquisition_points(firm.ip_class1 + firm.ip_class2, firm.ip_bought);
  score.standards = firm.standards ? 2 : 0;
  score.commercialisation = high_tech_commercialisation_points(firm.conversions);
  score.management = high_tech_graded_points(firm.organisation, 6);
  score.institution = high_tech_graded_points(firm.organisation, 6);
  score.incentives = high_tech_graded_points(firm.organisation, 4);
  score.talent = high_tech_graded_points(firm.organisation, 4);
  score.net_asset_growth = high_tech_growth_points(firm.net_asset_growth);
  score.sales_growth = high_tech_growth_points(firm.sales_growth);
  return score;
}

HighTechResult evaluate_high_tech(const HighTechInputs& firm, const HighTechRules& rules) {
  HighTechResult result;
  result.score = score_high_tech(firm.score).total();
  const double rd_ratio =
      firm.sales_recent_years > 0.0 ? firm.rd_recent_years / firm.sales_recent_years : 0.0;
  if (firm.age_months < rules.min_age_months) {
    result.failure = HighTechFailure::AGE;
  } else if (firm.score.ip_class1 + firm.score.ip_class2 <= 0) {
    result.failure = HighTechFailure::NO_IP;
  } else if (firm.tech_staff_share < rules.min_tech_staff_share) {
    result.failure = HighTechFailure::TECH_STAFF;
  } else if (rd_ratio < high_tech_rd_threshold(firm.latest_sales, rules)) {
    result.failure = HighTechFailure::RD_RATIO;
  } else if (firm.high_tech_revenue_share < rules.min_high_tech_revenue_share) {
    result.failure = HighTechFailure::HIGH_TECH_REVENUE;
  } else if (result.score <= rules.pass_score) {
    result.failure = HighTechFailure::SCORE;
  }
  return result;
}

int high_tech_class2_claimed(int ip_class1, int ip_class2_available) {
  if (ip_class1 >= 1) return 0;
  return std::clamp(ip_class2_available, 0, 5);
}

bool high_tech_self_check(const HighTechResult& result, const HighTechRules& rules, double margin) {
  return result.passes() && result.score > rules.pass_score + margin;
}

Class2Ledger class2_after_certification(Class2Ledger ledger, int ip_class1) {
  const int claimed = high_tech_class2_claimed(ip_class1, ledger.available());
  ledger.used += claimed;
  ledger.bought = std::max(0, ledger.bought - claimed);
  return ledger;
}

Class2Ledger class2_after_lapse(Class2Ledger ledger, int lapsed, int granted) {
  lapsed = std::clamp(lapsed, 0, ledger.held);
  ledger.used -= std::min(ledger.used, lapsed);
  ledger.held -= lapsed;
  ledger.bought = std::min(ledger.bought, ledger.held - ledger.used);
  ledger.held += std::max(0, granted);
  return ledger;
}

double compound_growth(double base, double latest, double years) {
  if (base <= 0.0 || years <= 0.0) return -1.0;
  return std::pow(latest / base, 1.0 / years) - 1.0;
}

int gazelle_criteria_met(const LabelInputs& firm, const LabelRules& rules) {
  const double rd_ratio = firm.sales_y1 > 0.0 ? firm.rd_y1 / firm.sales_y1 : 0.0;
  return int{firm.tech_sme || firm.high_tech} + int{firm.age_years <= rules.gazelle_max_age_years} +
         int{firm.sales_y4 > rules.gazelle_min_base_sales} +
         int{compound_growth(firm.sales_y4, firm.sales_y1, 3.0) >= rules.gazelle_min_growth} +
         int{firm.sales_y1 > 0.0 && rd_ratio > rules.gazelle_min_rd_ratio};
}

int leader_criteria_met(const LabelInputs& firm, const LabelRules& rules) {
  const double rd_ratio = firm.sales_y1 > 0.0 ? firm.rd_y1 / firm.sales_y1 : 0.0;
  return int{firm.high_tech} + int{firm.sales_y1 > 0.0 && firm.sales_y1 >= rules.leader_min_sales} +
         int{firm.sales_y1 > 0.0 && rd_ratio >= rules.leader_min_rd_ratio};
}

int little_giant_criteria_met(const LabelInputs& firm, const LabelRules& rules) {
  const double rd_ratio_y1 = firm.sales_y1 > 0.0 ? firm.rd_y1 / firm.sales_y1 : 0.0;
  const double rd_ratio_y2 = firm.sales_y2 > 0.0 ? firm.rd_y2 / firm.sales_y2 : 0.0;
  return int{firm.main_business_share >= rules.little_giant_min_main_business_share} +
         int{firm.years_in_niche >= rules.little_giant_min_years_in_niche} +
         int{firm.market_share >= rules.little_giant_min_market_share} +
         int{firm.sales_y1 >= rules.little_giant_min_sales} +
         int{compound_growth(firm.sales_y3, firm.sales_y1, 2.0) >= rules.little_giant_min_growth} +
         int{firm.debt_ratio <= rules.little_giant_max_debt_ratio} +
         int{firm.rd_y1 + firm.rd_y2 >= rules.little_giant_min_rd_two_years} +
         int{firm.sales_y1 > 0.0 && rd_ratio_y1 >= rules.little_giant_min_rd_ratio} +
         int{firm.sales_y2 > 0.0 && rd_ratio_y2 >= rules.little_giant_min_rd_ratio} +
         int{firm.ip_class1 >= rules.little_giant_min_class1_ip};
}

int fledgling_criteria_met(const LabelInputs& firm, const LabelRules& rules) {
  return int{firm.tech_sme || firm.high_tech} +
         int{firm.age_years <= rules.fledgling_max_age_years} +
         int{compound_growth(firm.sales_y2, firm.sales_y1, 1.0) >= rules.fledgling_min_growth};
}

bool qualifies_gazelle(const LabelInputs& firm, const LabelRules& rules) {
  return gazelle_criteria_met(firm, rules) == GAZELLE_CRITERIA;
}

bool qualifies_leader(const LabelInputs& firm, const LabelRules& rules) {
  return leader_criteria_met(firm, rules) == LEADER_CRITERIA;
}

bool qualifies_little_giant(const LabelInputs& firm, const LabelRules& rules) {
  return little_giant_criteria_met(firm, rules) == LITTLE_GIANT_CRITERIA;
}

bool qualifies_fledgling(const LabelInputs& firm, const LabelRules& rules) {
  return fledgling_criteria_met(firm, rules) == FLEDGLING_CRITERIA;
}

NicheTraits niche_traits(const NicheTraitParams& params, double z_main, double z_market,
                         double u_since_founding, double u_moved_in) {
  NicheTraits traits;
  const double median = std::clamp(params.main_business_median, 1e-9, 1.0 - 1e-9);
  const double logit = std::log(median / (1.0 - median)) + params.main_business_logit_sd * z_main;
  traits.main_business_share = 1.0 / (1.0 + std::exp(-logit));
  // In its niche since founding, or moved in at a uniform point of its life so far.
  traits.niche_life_share =
      u_since_founding < params.since_founding_probability ? 1.0 : 1.0 - u_moved_in;
  traits.market_size = params.market_median * std::exp(params.market_log_sd * z_market);
  return traits;
}

std::vector<LabelOutcome> decide_label_round(const std::vector<LabelCandidate>& firms,
                                             std::int64_t quota) {
  std::vector<LabelOutcome> outcomes(firms.size(), LabelOutcome::NONE);
  std::vector<std::size_t> newcomers;
  for (std::size_t i = 0; i < firms.size(); ++i) {
    const LabelCandidate& firm = firms[i];
    if (firm.holds && !firm.expiring) {
      outcomes[i] = LabelOutcome::KEPT;
    } else if (firm.holds) {
      outcomes[i] = firm.qualifies ? LabelOutcome::RENEWED : LabelOutcome::LAPSED;
    } else if (firm.qualifies) {
      newcomers.push_back(i);
    }
  }
  if (quota > 0 && newcomers.size() > static_cast<std::size_t>(quota)) {
    std::partial_sort(newcomers.begin(), newcomers.begin() + quota, newcomers.end(),
                      [&](std::size_t a, std::size_t b) {
                        return firms[a].priority != firms[b].priority
                                   ? firms[a].priority > firms[b].priority
                                   : firms[a].id < firms[b].id;
                      });
    newcomers.resize(static_cast<std::size_t>(quota));
  }
  for (const std::size_t i : newcomers) outcomes[i] = LabelOutcome::SELECTED;
  return outcomes;
}

std::vector<std::size_t> pick_initial_labels(const std::vector<InitialLabelCandidate>& firms,
                                             std::int64_t count) {
  std::vector<std::size_t> order(firms.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  const std::size_t wanted =
      std::min(order.size(), static_cast<std::size_t>(std::max<std::int64_t>(count, 0)));
  std::partial_sort(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(wanted), order.end(),
                    [&](std::size_t a, std::size_t b) {
                      const InitialLabelCandidate& x = firms[a];
                      const InitialLabelCandidate& y = firms[b];
                      if (x.criteria_met != y.criteria_met) return x.criteria_met > y.criteria_met;
                      if (x.priority != y.priority) return x.priority > y.priority;
                      return x.id < y.id;
                    });
  order.resize(wanted);
  return order;
}

double super_deduction_rate(int year, bool tech_sme, bool manufacturing) {
  if (year >= 2023) return 1.0;
  if (year == 2022) return tech_sme || manufacturing ? 1.0 : 0.75;
  if (year == 2021) return manufacturing ? 1.0 : 0.75;
  if (year >= 2018) return 0.75;
  if (year == 2017) return tech_sme ? 0.75 : 0.5;
  return 0.5;
}

}  // namespace innosim::models::city
