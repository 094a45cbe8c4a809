// High-tech certification (docs/model.md §3.3, docs/policy-rules.md §2): once a year, firms score
// themselves by the work guideline's items and apply when they meet every criterion with a
// passing score; firms whose certificate expires check themselves the same way; the expert
// review adds its noise to the score. A firm that lacks IP may buy class-II items. Certified
// firms face a mid-term check that can revoke. Net assets are recorded at each year's end.
#include <algorithm>
#include <cmath>

#include "models/city/benefits.hpp"
#include "models/city/city_model.hpp"
#include "models/city/modules/modules.hpp"
#include "models/city/parameter_entries.hpp"
#include "models/city/rules.hpp"
#include "models/city/tax.hpp"
#include "sim/rng/distributions.hpp"

namespace innosim::models::city {

const ParameterTable& high_tech_parameters() {
  static const ParameterTable table({
      integer("high_tech_month", 10, 1, 12, "month", "month of the annual certification round",
              "assumption: Henan batches are reviewed in autumn", FIELD(high_tech_month)),
      real("high_tech_apply_baseline", 0.8, 0.0, 1.0, "1/year",
           "chance an uncertified firm whose self-check passes applies in a round when applying "
           "is worth nothing net of its cost (the application choice's propensity at zero net "
           "value, docs/model.md §3.3)",
           "calibrated: certified firms relative to the tech-SME register (信阳 2022 233 : 503; "
           "docs/model.md §3.7); fitted to Henan and 郑州 2019-2022 (docs/calibration.md §4): "
           "scenarios take the posterior with [posterior]",
           FIELD(high_tech_apply_baseline)),
      real("high_tech_reapply_baseline", 0.9, 0.0, 1.0, "1",
           "the same for a firm whose certificate expires",
           "calibrated (not yet fitted): renewals of expiring certificates; docs/model.md §3.7, to "
           "be fitted",
           FIELD(high_tech_reapply_baseline)),
      real("application_value_scale", 50.0, 0.0, HUGE_MONEY, "万元",
           "scale of the application choice: the net value of applying (expected benefit less "
           "cost) that moves the log-odds of applying by one (0: apply iff the net value is "
           "positive)",
           "calibrated: to the growth of the high-tech register and its pass rate with the "
           "baselines (docs/model.md §3.7); fitted to Henan and 郑州 2019-2022 "
           "(docs/calibration.md §4): "
           "scenarios take the posterior with [posterior]",
           FIELD(application_value_scale)),
      real("high_tech_application_cost", 5.0, 0.0, HUGE_MONEY, "万元",
           "preparation and agency fees of a high-tech application, before application services "
           "the firm holds (application_support)",
           "assumption within market quotes: special audits 1.5-3万 and agency fees 2-5万 an "
           "application (docs/references.md §2, application costs); moves marginal firms only",
           FIELD(high_tech_application_cost)),
      real("high_tech_compliance_cost", 1.0, 0.0, HUGE_MONEY, "万元/year",
           "yearly compliance cost of a certified firm (the special audit reports of R&D and "
           "high-tech revenue, the annual report), over the validity",
           "assumption: audit-firm reports of the order of 万元 a year (range 0.5-3万)",
           FIELD(high_tech_compliance_cost)),
      real("tech_staff_hiring_cost", 5.0, 0.0, HUGE_MONEY, "万元/person",
           "what a firm short of the tech-staff share (within bunching_window of it) pays per "
           "technical employee it adds to qualify: recruitment and the wage premium over the "
           "validity, net of what the staff produce",
           "assumption (range 2-15万): the criterion is closed only when the certificate is worth "
           "more; marginal firms only",
           FIELD(tech_staff_hiring_cost)),
      real("product_shift_cost", 0.2, 0.0, 1.0e9, "1",
           "what a firm short of the high-tech product share (within bunching_window of it) "
           "pays per yuan of yearly revenue it moves into high-tech products and services to "
           "qualify (repositioning, certification of products, lost margin)",
           "calibrated (not yet fitted): range 0.01-0.5; the example's 2025 high-tech register "
           "is 324 at 0.05, 303 at 0.2, 296 at 0.5 (docs/model.md §3.7), to be fitted to "
           "register histories",
           FIELD(product_shift_cost)),
      real("high_tech_apply_margin", 0.0, -30.0, 30.0, "points",
           "a firm applies when its own score exceeds the pass mark by more than this (0: it "
           "scores itself by the published guideline, without the experts' noise)",
           "calibrated: to the observed pass rate of applications, 75-79% (docs/policy-rules.md "
           "§2.4)",
           FIELD(high_tech_apply_margin)),
      real("high_tech_review_sd", 9.5, 0.0, 50.0, "points",
           "sd of the expert review's normal noise on the score of an application",
           "calibrated: to the observed pass rate of applications, 75-79% (docs/policy-rules.md "
           "§2.4; 郑州 2022 79.4%, 许昌 2023 74.8%)",
           FIELD(high_tech_review_sd)),
      integer("high_tech_validity_years", 3, 1, 20, "years", "certificate validity", RULES_HTE,
              FIELD(high_tech_validity_years)),
      real("high_tech_audit_probability", 0.10, 0.0, 1.0, "1/year",
           "chance a certified firm is checked in a year; a checked firm that no longer meets "
           "the R&D ratio, tech-staff or product-share criterion on its last year loses the "
           "certificate",
           "calibrated: to revocations of 0.2-0.9% of the stock a year (about 700 in 2022 and "
           "over 4,000 in 2025 of 400,000-460,000; docs/policy-rules.md §2.6)",
           FIELD(high_tech_audit_probability)),
      real("high_tech_trait_sd", 1.0, 0.0, 10.0, "1",
           "sd of a firm's persistent log-odds deviation in the graded items (technical "
           "advancement; R&D organisation)",
           "calibrated: to the observed pass rate of applications (docs/policy-rules.md §2.4)",
           FIELD(high_tech_trait_sd)),
      real("high_tech_conversion_knowledge", 15.0, 1.0e-6, HUGE_MONEY, "万元 year",
           "knowledge stock per result commercialised a year (the commercialisation item)",
           "calibrated: to the observed pass rate and the growth of the high-tech register "
           "(docs/model.md §3.7)",
           FIELD(high_tech_conversion_knowledge)),
      real("high_tech_organisation_rd", 6.0, 1.0e-6, HUGE_MONEY, "万元/year",
           "mean yearly reported R&D at which a firm's R&D organisation items score half",
           "calibrated: to the observed pass rate and the growth of the high-tech register "
           "(docs/model.md §3.7)",
           FIELD(high_tech_organisation_rd)),
      real("high_tech_ip_price", 2.0, 0.0, HUGE_MONEY, "万元/item",
           "price of a class-II IP item bought or licensed for an application, paid from cash",
           "calibrated: to the pass rate of first applications; of the order of listed "
           "utility-model transfer prices",
           FIELD(high_tech_ip_price)),
      real("high_tech_min_tech_staff", 0.10, 0.0, 1.0, "1", "tech staff / employees", RULES_HTE,
           FIELD(high_tech_rules.min_tech_staff_share)),
      real("high_tech_rd_ratio_small", 0.05, 0.0, 1.0, "1",
           "R&D / sales over three years, latest sales <= high_tech_small_sales", RULES_HTE,
           FIELD(high_tech_rules.rd_ratio_small)),
      real("high_tech_rd_ratio_medium", 0.04, 0.0, 1.0, "1",
           "the same up to high_tech_medium_sales", RULES_HTE,
           FIELD(high_tech_rules.rd_ratio_medium)),
      real("high_tech_rd_ratio_large", 0.03, 0.0, 1.0, "1", "the same above it", RULES_HTE,
           FIELD(high_tech_rules.rd_ratio_large)),
      real("high_tech_small_sales", 5000.0, 0.0, HUGE_MONEY, "万元/year",
           "upper end of the small band (5,000万)", RULES_HTE,
           FIELD(high_tech_rules.small_sales_limit)),
      real("high_tech_medium_sales", 20000.0, 0.0, HUGE_MONEY, "万元/year",
           "upper end of the medium band (2亿)", RULES_HTE,
           FIELD(high_tech_rules.medium_sales_limit)),
      real("high_tech_min_product_share", 0.60, 0.0, 1.0, "1",
           "high-tech products/services / revenue", RULES_HTE,
           FIELD(high_tech_rules.min_high_tech_revenue_share)),
      integer("high_tech_pass_score", 70, 0, 100, "points", "the innovation score must exceed this",
              RULES_HTE, FIELD(high_tech_rules.pass_score)),
  });
  return table;
}

namespace {

/// Block of PURPOSE_ATTRIBUTES with a firm's persistent high-tech traits (words 0-1: the
/// deviations of technical advancement and of R&D organisation).
constexpr std::uint32_t TRAIT_BLOCK = 5;

double logistic_of(double x) { return 1.0 / (1.0 + std::exp(-x)); }

class HighTechRound final : public Module {
 public:
  explicit HighTechRound(const ModuleSetup& setup)
      : p_(setup.params), instruments_(setup.instruments) {}

  [[nodiscard]] const ModuleInfo& info() const override {
    static const ModuleInfo info{
        "high_tech",
        "the annual high-tech round: self-check by the guideline's score, IP purchase when worth "
        "it, the application choice, review with noise, renewal, lapse, mid-term revocation; "
        "year-end net assets",
        {Phase::INITIAL, Phase::ENTRANTS, Phase::ROUNDS, Phase::YEAR_END},
        {"high_tech_until_step", "high_tech_since_step", "equity_base", "net_assets_y1",
         "net_assets_y2", "net_assets_y3", "ip_class2_used", "ip_bought", "application_support"},
        {"alive",
         "age_months",
         "ip_class1",
         "ip_class2",
         "tech_staff_share",
         "revenue",
         "revenue_y1",
         "revenue_y2",
         "revenue_y3",
         "rd_reported_last_year",
         "rd_reported_y2",
         "rd_reported_y3",
         "high_tech_revenue_share",
         "knowledge",
         "flags",
         "cash",
         "debt",
         "rd_propensity",
         "rd_intensity_real",
         "rd_intensity_reported",
         "operating_margin",
         "tax_losses",
         "tier",
         "sector",
         "tech_sme_until_step"},
        {HIGH_TECH_GRANTED, HIGH_TECH_RENEWED, HIGH_TECH_FAILED, HIGH_TECH_LAPSED,
         HIGH_TECH_REVOKED, HIGH_TECH_APPLICATIONS, HIGH_TECH_PASS_RATE, HIGH_TECH_IP_BOUGHT,
         HIGH_TECH_QUALIFIED, HIGH_TECH_GAPS_CLOSED},
        {{PURPOSE_ROUNDS, DRAW_HIGH_TECH, DRAW_HIGH_TECH},
         {PURPOSE_ATTRIBUTES, TRAIT_BLOCK, TRAIT_BLOCK, 0b0011}}};
    return info;
  }

  void initial(World& world, const StepContext& context) const override;
  void entrants(World& world, std::size_t first_row, Origin origin,
                const StepContext& context) const override;
  void rounds(World& world, const StepContext& context, StepTotals& totals) const override;
  void year_end(World& world, const StepContext& context) const override;

 private:
  [[nodiscard]] HighTechInputs inputs_of(const FirmView& f, std::size_t row,
                                         const sim::StreamKey& attributes) const;
  /// The mid-term check of a certified firm: checked with high_tech_audit_probability, it
  /// loses the certificate when its real R&D ratio, tech staff or product share misses the
  /// criterion.
  void audit(const FirmView& f, std::size_t row, const sim::PhiloxBlock& words, int step,
             StepTotals& totals) const;
  /// What a certificate is worth to the firm in `row` over the validity (the tax-rate cut on
  /// its expected taxable income, the rewards for the event and access to the certified tiers'
  /// R&D instruments, less compliance over the validity), what applying costs (fees less the
  /// application services it holds); the pass probability is set from the score later.
  [[nodiscard]] ApplicationValue value_of(const World& world, const FirmView& f, std::size_t row,
                                          const StepContext& context, bool expiring) const;
  /// The chance of passing the review with `score`.
  [[nodiscard]] double pass_probability(int score) const {
    return review_pass_probability(score, static_cast<double>(p_.high_tech_rules.pass_score),
                                   p_.high_tech_review_sd);
  }
  /// The fewest class-II items a firm short of IP would buy so that its own check passes with
  /// the margin (up to the five the quantity score counts), 0 if none does, it cannot pay, or
  /// the items cost more than applying then gains (`value`'s net value at the new score).
  /// Investing to qualify on tech staff and the product share (docs/model.md §3.3): a firm that
  /// misses either criterion by at most bunching_window of it, and would pass its self-check
  /// once it closes the gap, closes it when the cost is below what applying then gains
  /// (pass probability x benefit - cost). Returns the cost (0: nothing closed) and updates
  /// `inputs` to the closed state.
  [[nodiscard]] double close_gaps(const FirmView& f, std::size_t row, HighTechInputs& inputs,
                                  ApplicationValue value) const;
  [[nodiscard]] int items_to_buy(const FirmView& f, std::size_t row, HighTechInputs inputs,
                                 ApplicationValue value) const;
  [[nodiscard]] bool self_check(const HighTechResult& result) const;

  const CityParams& p_;
  const InstrumentSet& instruments_;
};

// Net assets at entry are the paid-in capital: the cash a firm starts with and its non-cash
// assets (assets_per_revenue x revenue), without debt; the base holds the non-cash part, and net
// assets = base + cash - debt move with after-tax profit, grants and what the firm pays for IP.
void HighTechRound::initial(World& world, const StepContext& /*context*/) const {
  const CityParams& p = p_;
  FirmView f(world.firms);
  for (std::size_t row = 0; row < world.firms.size(); ++row) {
    f.equity_base[row] = static_cast<float>(p.assets_per_revenue) * f.revenue[row];
    // The past year-ends: net assets less each year's after-tax retained profit at the firm's
    // margin and R&D (the cash-and-tax rule, docs/model.md §3.2.5), back to its founding.
    const float now = f.equity_base[row] + f.cash[row].value() - f.debt[row].value();
    const float retained_share = static_cast<float>((p.operating_margin - f.rd_propensity[row]) *
                                                    (1.0 - p.corporate_tax_rate));
    f.net_assets_y1[row] = f.revenue_y1[row] > 0.0f ? now : 0.0f;
    f.net_assets_y2[row] =
        f.revenue_y2[row] > 0.0f ? now - retained_share * f.revenue_y1[row] : 0.0f;
    f.net_assets_y3[row] =
        f.revenue_y3[row] > 0.0f ? f.net_assets_y2[row] - retained_share * f.revenue_y2[row] : 0.0f;
  }
}

void HighTechRound::entrants(World& world, std::size_t first_row, Origin /*origin*/,
                             const StepContext& /*context*/) const {
  FirmView f(world.firms);
  for (std::size_t row = first_row; row < world.firms.size(); ++row) {
    f.equity_base[row] = static_cast<float>(p_.assets_per_revenue) * f.revenue[row];
  }
}

void HighTechRound::year_end(World& world, const StepContext& /*context*/) const {
  FirmView f(world.firms);
  for (std::size_t row = 0; row < world.firms.size(); ++row) {
    f.net_assets_y3[row] = f.net_assets_y2[row];
    f.net_assets_y2[row] = f.net_assets_y1[row];
    f.net_assets_y1[row] = f.equity_base[row] + f.cash[row].value() - f.debt[row].value();
  }
}

HighTechInputs HighTechRound::inputs_of(const FirmView& f, std::size_t row,
                                        const sim::StreamKey& attributes) const {
  const CityParams& p = p_;
  HighTechInputs inputs;
  inputs.age_months = f.age_months[row];
  inputs.tech_staff_share = f.tech_staff_share[row];
  inputs.rd_recent_years = f.rd_reported_y1[row] + f.rd_reported_y2[row] + f.rd_reported_y3[row];
  inputs.sales_recent_years = f.revenue_y1[row] + f.revenue_y2[row] + f.revenue_y3[row];
  inputs.latest_sales = f.revenue_y1[row];
  inputs.high_tech_revenue_share = f.high_tech_share[row];

  HighTechScoreInputs& score = inputs.score;
  score.ip_class1 = f.ip_class1[row];
  score.ip_class2 = std::max(0, f.ip_class2[row] - f.ip_class2_used[row]);
  score.ip_bought = std::min<int>(f.ip_bought[row], score.ip_class2);
  const sim::PhiloxBlock traits = attributes.block(f.id[row], TRAIT_BLOCK);
  const sim::NormalPair z = sim::normal_pair(traits[0], traits[1]);
  // Technical advancement: knowledge per sales against that of a firm that has spent the
  // small-band R&D ratio for long (ratio / depreciation), plus the firm's trait.
  const double reference_intensity =
      p.high_tech_rules.rd_ratio_small / std::max(1.0e-6, p.knowledge_depreciation);
  score.advancement =
      f.revenue_y1[row] > 0.0f
          ? logistic_of(p.high_tech_trait_sd * z.first +
                        std::log(std::max(1.0e-9, static_cast<double>(f.knowledge[row])) /
                                 (reference_intensity * f.revenue_y1[row])))
          : 0.0;
  // Core support: the share of revenue from the high-tech products the IP supports.
  score.core_support = f.high_tech_share[row];
  score.standards = (f.flags[row] & FLAG_DIRECT_ROUTE) != 0;
  score.conversions = f.knowledge[row] / p.high_tech_conversion_knowledge;
  const int years = (f.revenue_y1[row] > 0.0f ? 1 : 0) + (f.revenue_y2[row] > 0.0f ? 1 : 0) +
                    (f.revenue_y3[row] > 0.0f ? 1 : 0);
  const double rd_per_year = years > 0 ? inputs.rd_recent_years / years : 0.0;
  score.organisation = rd_per_year > 0.0
                           ? logistic_of(p.high_tech_trait_sd * z.second +
                                         std::log(rd_per_year / p.high_tech_organisation_rd))
                           : 0.0;
  score.sales_growth =
      high_tech_sales_growth(f.revenue_y3[row], f.revenue_y2[row], f.revenue_y1[row]);
  score.net_asset_growth =
      high_tech_growth(f.net_assets_y3[row], f.net_assets_y2[row], f.net_assets_y1[row]);
  return inputs;
}

bool HighTechRound::self_check(const HighTechResult& result) const {
  return high_tech_self_check(result, p_.high_tech_rules, p_.high_tech_apply_margin);
}

double HighTechRound::close_gaps(const FirmView& f, std::size_t row, HighTechInputs& inputs,
                                 ApplicationValue value) const {
  const HighTechRules& rules = p_.high_tech_rules;
  const double window = 1.0 - p_.bunching_window;
  HighTechInputs closed = inputs;
  double cost = 0.0;
  if (inputs.tech_staff_share < rules.min_tech_staff_share) {
    if (inputs.tech_staff_share < window * rules.min_tech_staff_share) return 0.0;
    closed.tech_staff_share = rules.min_tech_staff_share;
    cost += (rules.min_tech_staff_share - inputs.tech_staff_share) * f.employees[row] *
            p_.tech_staff_hiring_cost;
  }
  if (inputs.high_tech_revenue_share < rules.min_high_tech_revenue_share) {
    if (inputs.high_tech_revenue_share < window * rules.min_high_tech_revenue_share) return 0.0;
    closed.high_tech_revenue_share = rules.min_high_tech_revenue_share;
    closed.score.core_support = std::max(closed.score.core_support, closed.high_tech_revenue_share);
    cost += (rules.min_high_tech_revenue_share - inputs.high_tech_revenue_share) * f.revenue[row] *
            p_.product_shift_cost;
  }
  if (cost <= 0.0 || cost > f.cash[row].value()) return 0.0;
  const HighTechResult result = evaluate_high_tech(closed, rules);
  if (!self_check(result)) return 0.0;
  value.pass_probability = pass_probability(result.score);
  if (!(cost < value.net())) return 0.0;
  inputs = closed;
  return cost;
}

int HighTechRound::items_to_buy(const FirmView& f, std::size_t row, HighTechInputs inputs,
                                ApplicationValue value) const {
  const double cash = f.cash[row].value();
  const int held = inputs.score.ip_class2;
  const int held_bought = inputs.score.ip_bought;
  for (int items = 1; held + items <= 5; ++items) {
    const double price = items * p_.high_tech_ip_price;
    if (price > cash) return 0;
    inputs.score.ip_class2 = held + items;
    inputs.score.ip_bought = held_bought + items;
    const HighTechResult result = evaluate_high_tech(inputs, p_.high_tech_rules);
    if (self_check(result)) {
      value.pass_probability = pass_probability(result.score);
      return price < value.net() ? items : 0;
    }
  }
  return 0;
}

ApplicationValue HighTechRound::value_of(const World& world, const FirmView& f, std::size_t row,
                                         const StepContext& context, bool expiring) const {
  const CityParams& p = p_;
  ApplicationValue value;
  // Compliance is paid only by a certified firm: it comes off the benefit, which only a granted
  // application earns; the application's cost is paid either way.
  value.benefit = high_tech_benefit(f, row, p, instruments_, world.ledger, context.when.step,
                                    context.when.year, context.burn_in, expiring) -
                  p.high_tech_compliance_cost *
                      annuity(static_cast<int>(p.high_tech_validity_years), p.interest_rate);
  value.cost = std::max(0.0, p.high_tech_application_cost - f.application_support[row]);
  return value;
}

void HighTechRound::audit(const FirmView& f, std::size_t row, const sim::PhiloxBlock& words,
                          int step, StepTotals& totals) const {
  if (!sim::bernoulli(words[2], static_cast<float>(p_.high_tech_audit_probability))) return;
  // The check looks behind the reports: relabelled costs are disallowed, so the firm's R&D is
  // its real R&D intensity of the year (docs/policy-rules.md §2.6: most revocations are for the
  // R&D ratio), against the threshold of its last year's sales.
  const HighTechRules& rules = p_.high_tech_rules;
  const float sales = f.revenue_y1[row] > 0.0f ? f.revenue_y1[row] : f.revenue[row];
  const bool fails = f.rd_real[row] < high_tech_rd_threshold(sales, rules) ||
                     f.tech_staff_share[row] < rules.min_tech_staff_share ||
                     f.high_tech_share[row] < rules.min_high_tech_revenue_share;
  if (fails) {
    f.high_tech_until[row] = static_cast<std::uint16_t>(step);
    totals[HIGH_TECH_REVOKED] += 1.0;
  }
}

void HighTechRound::rounds(World& world, const StepContext& context, StepTotals& totals) const {
  const CityParams& p = p_;
  const StepCalendar& when = context.when;
  if (!when.contains_month(static_cast<int>(p.high_tech_month))) return;
  FirmView f(world.firms);
  const sim::StreamKey stream = context.stream(PURPOSE_ROUNDS);
  const sim::StreamKey order = context.stream(PURPOSE_ORDER);
  const sim::StreamKey attributes(context.seed, PURPOSE_ATTRIBUTES, context.replication, 0);
  const int valid_until =
      when.step + static_cast<int>(p.high_tech_validity_years) * context.model.steps_per_year();
  const auto review_sd = static_cast<float>(p.high_tech_review_sd);
  // This round's applications and passes, for its pass rate.
  const double applications_before = totals[HIGH_TECH_APPLICATIONS];
  const double passed_before = totals[HIGH_TECH_GRANTED] + totals[HIGH_TECH_RENEWED];
  for (std::size_t row = 0; row < world.firms.size(); ++row) {
    if (f.alive[row] == 0) continue;
    const sim::PhiloxBlock words = stream.block(f.id[row], DRAW_HIGH_TECH);
    const bool expiring = f.high_tech_until[row] == when.step;
    if (f.high_tech_until[row] > when.step) {
      audit(f, row, words, when.step, totals);
      continue;
    }
    // Firms check themselves by the guideline; those that pass choose whether to apply by what
    // the certificate is worth to them net of its cost (docs/model.md §3.3).
    HighTechInputs inputs = inputs_of(f, row, attributes);
    HighTechResult result = evaluate_high_tech(inputs, p.high_tech_rules);
    // A firm short of IP (none usable, or too few class-II items for the score) may buy some.
    int bought = 0;
    const bool short_of_ip =
        inputs.score.ip_class1 == 0 && inputs.score.ip_class2 < 5 &&
        (result.failure == HighTechFailure::NO_IP || result.failure == HighTechFailure::SCORE ||
         (result.passes() && !self_check(result)));
    const bool short_of_staff_or_products = result.failure == HighTechFailure::TECH_STAFF ||
                                            result.failure == HighTechFailure::HIGH_TECH_REVENUE;
    // What applying is worth is needed only by a firm that qualifies or could invest to.
    if (!short_of_ip && !short_of_staff_or_products && !self_check(result)) {
      if (expiring) totals[HIGH_TECH_LAPSED] += 1.0;
      continue;
    }
    ApplicationValue value = value_of(world, f, row, context, expiring);
    if (short_of_ip) {
      bought = items_to_buy(f, row, inputs, value);
      if (bought > 0) {
        inputs.score.ip_class2 += bought;
        inputs.score.ip_bought += bought;
        result = evaluate_high_tech(inputs, p.high_tech_rules);
      }
    }
    // A firm short of tech staff or of high-tech products by a margin it can close may invest.
    double closing_cost = 0.0;
    if (short_of_staff_or_products) {
      closing_cost = close_gaps(f, row, inputs, value);
      if (closing_cost > 0.0) result = evaluate_high_tech(inputs, p.high_tech_rules);
    }
    if (!self_check(result)) {
      if (expiring) totals[HIGH_TECH_LAPSED] += 1.0;
      continue;
    }
    totals[HIGH_TECH_QUALIFIED] += 1.0;
    value.pass_probability = pass_probability(result.score);
    value.cost += bought * p.high_tech_ip_price + closing_cost;
    const double chance =
        apply_probability(expiring ? p.high_tech_reapply_baseline : p.high_tech_apply_baseline,
                          value.net(), p.application_value_scale);
    if (!sim::bernoulli(words[0], static_cast<float>(chance))) {
      if (expiring) totals[HIGH_TECH_LAPSED] += 1.0;
      continue;
    }
    if (bought > 0) {
      f.cash[row] =
          sim::MoneyColumn(f.cash[row].value() - static_cast<float>(bought * p.high_tech_ip_price));
      f.ip_class2[row] = static_cast<std::uint16_t>(std::min(65535, f.ip_class2[row] + bought));
      f.ip_bought[row] = static_cast<std::uint16_t>(std::min(65535, f.ip_bought[row] + bought));
      totals[HIGH_TECH_IP_BOUGHT] += bought;
    }
    if (closing_cost > 0.0) {  // the gaps are closed for real: the staff hired, products moved
      f.cash[row] = sim::MoneyColumn(f.cash[row].value() - static_cast<float>(closing_cost));
      f.tech_staff_share[row] = static_cast<float>(inputs.tech_staff_share);
      f.high_tech_share[row] = static_cast<float>(inputs.high_tech_revenue_share);
      totals[HIGH_TECH_GAPS_CLOSED] += 1.0;
    }
    f.application_support[row] = 0.0f;  // the services are used by this application
    totals[HIGH_TECH_APPLICATIONS] += 1.0;
    const float noise = review_sd * sim::normal(words[1], words[3]);
    if (!(static_cast<float>(result.score) + noise >
          static_cast<float>(p.high_tech_rules.pass_score))) {
      totals[HIGH_TECH_FAILED] += 1.0;
      if (expiring) totals[HIGH_TECH_LAPSED] += 1.0;
      continue;
    }
    // The class-II items counted are used up (bought ones first); class-I items stay usable.
    const Class2Ledger ledger = class2_after_certification(
        {f.ip_class2[row], f.ip_class2_used[row], f.ip_bought[row]}, inputs.score.ip_class1);
    f.ip_class2_used[row] = static_cast<std::uint16_t>(ledger.used);
    f.ip_bought[row] = static_cast<std::uint16_t>(ledger.bought);
    f.high_tech_until[row] = static_cast<std::uint16_t>(valid_until);
    f.high_tech_since[row] = static_cast<std::uint16_t>(when.step + 1);
    totals[expiring ? HIGH_TECH_RENEWED : HIGH_TECH_GRANTED] += 1.0;
    instruments_.claim(world.applications, static_cast<std::uint32_t>(row), f.id[row],
                       expiring ? Trigger::HIGH_TECH_RECERTIFIED : Trigger::HIGH_TECH_CERTIFIED,
                       order);
  }
  // Gross of renewals, as the published pass counts are (data/observed/README.md).
  const double applications = totals[HIGH_TECH_APPLICATIONS] - applications_before;
  const double passed = totals[HIGH_TECH_GRANTED] + totals[HIGH_TECH_RENEWED] - passed_before;
  totals[HIGH_TECH_PASS_RATE] = applications > 0.0 ? passed / applications : 0.0;
}

}  // namespace

std::unique_ptr<Module> make_high_tech(const ModuleSetup& setup) {
  return make_module<HighTechRound>(setup);
}

}  // namespace innosim::models::city
