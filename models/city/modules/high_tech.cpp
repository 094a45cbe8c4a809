// High-tech certification (docs/model.md §3.3, docs/policy-rules.md): once a year, firms check
// the public criteria and apply when they meet them; expiring firms re-apply; the expert
// review passes a share. Certified firms face a mid-term R&D check that can revoke.
#include "models/city/city_model.hpp"
#include "models/city/modules/modules.hpp"
#include "models/city/parameter_entries.hpp"
#include "models/city/rules.hpp"
#include "sim/rng/distributions.hpp"

namespace innosim::models::city {

const ParameterTable& high_tech_parameters() {
  static const ParameterTable table({
      integer("high_tech_month", 10, 1, 12, "month", "month of the annual certification round",
              "assumption: Henan batches are reviewed in autumn", FIELD(high_tech_month)),
      real("high_tech_apply_probability", 0.5, 0.0, 1.0, "1/year",
           "chance an uncertified firm with IP and a year of age applies in a round", "assumption",
           FIELD(high_tech_apply_probability)),
      real("high_tech_reapply_probability", 0.9, 0.0, 1.0, "1",
           "chance a firm whose certificate expires re-applies", "assumption",
           FIELD(high_tech_reapply_probability)),
      real("high_tech_review_pass_rate", 0.77, 0.0, 1.0, "1",
           "chance the expert review passes an application that meets every criterion",
           "docs/policy-rules.md §2.4: observed pass rates 75-79% in Henan cities",
           FIELD(high_tech_review_pass_rate)),
      integer("high_tech_validity_years", 3, 1, 20, "years", "certificate validity", RULES_HTE,
              FIELD(high_tech_validity_years)),
      real("high_tech_audit_probability", 0.05, 0.0, 1.0, "1/year",
           "chance a certified firm below the R&D ratio in a year is found and revoked",
           "assumption: ~4,000 revocations of ~460,000 HTEs (2025), ~1 in 5 below the ratio",
           FIELD(high_tech_audit_probability)),
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
      integer("high_tech_assessed_points", 56, 0, 72, "points",
              "points the model gives every applicant for the items it does not represent "
              "(IP quality 22, commercialisation 30, R&D management 20 of 72)",
              "assumption: 78% of them, the typical pass share",
              FIELD(high_tech_rules.assessed_points)),
  });
  return table;
}

namespace {

class HighTechRound final : public Module {
 public:
  explicit HighTechRound(const ModuleSetup& setup)
      : p_(setup.params), instruments_(setup.instruments) {}

  [[nodiscard]] const ModuleInfo& info() const override {
    static const ModuleInfo info{
        "high_tech",
        "the annual high-tech round: self-check, application, review, renewal, lapse, "
        "mid-term revocation",
        {Phase::ROUNDS},
        {"high_tech_until_step", "high_tech_since_step"},
        {"alive", "age_months", "ip_class1", "ip_class2", "tech_staff_share", "revenue_y1",
         "revenue_y2", "revenue_y3", "rd_reported_last_year", "rd_reported_y2", "rd_reported_y3",
         "high_tech_revenue_share"},
        {HIGH_TECH_GRANTED, HIGH_TECH_RENEWED, HIGH_TECH_FAILED, HIGH_TECH_LAPSED,
         HIGH_TECH_REVOKED},
        {{PURPOSE_ROUNDS, DRAW_HIGH_TECH, DRAW_HIGH_TECH}}};
    return info;
  }

  void rounds(World& world, const StepContext& context, StepTotals& totals) const override;

 private:
  [[nodiscard]] HighTechInputs inputs_of(const FirmView& f, std::size_t row) const;
  /// The mid-term check of a certified firm: last year's R&D ratio below the threshold can
  /// cost the certificate.
  void audit(const FirmView& f, std::size_t row, const sim::PhiloxBlock& words, int step,
             StepTotals& totals) const;

  const CityParams& p_;
  const InstrumentSet& instruments_;
};

HighTechInputs HighTechRound::inputs_of(const FirmView& f, std::size_t row) const {
  HighTechInputs inputs;
  inputs.age_months = f.age_months[row];
  inputs.ip_class1 = f.ip_class1[row];
  inputs.ip_class2 = f.ip_class2[row];
  inputs.tech_staff_share = f.tech_staff_share[row];
  inputs.rd_recent_years = f.rd_reported_y1[row] + f.rd_reported_y2[row] + f.rd_reported_y3[row];
  inputs.sales_recent_years = f.revenue_y1[row] + f.revenue_y2[row] + f.revenue_y3[row];
  inputs.latest_sales = f.revenue_y1[row];
  inputs.high_tech_revenue_share = f.high_tech_share[row];
  inputs.sales_growth =
      high_tech_sales_growth(f.revenue_y3[row], f.revenue_y2[row], f.revenue_y1[row]);
  return inputs;
}

void HighTechRound::audit(const FirmView& f, std::size_t row, const sim::PhiloxBlock& words,
                          int step, StepTotals& totals) const {
  const double last_ratio =
      f.revenue_y1[row] > 0.0f ? f.rd_reported_y1[row] / f.revenue_y1[row] : 0.0;
  if (f.revenue_y1[row] > 0.0f &&
      last_ratio < high_tech_rd_threshold(f.revenue_y1[row], p_.high_tech_rules) &&
      sim::bernoulli(words[2], static_cast<float>(p_.high_tech_audit_probability))) {
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
  const int valid_until =
      when.step + static_cast<int>(p.high_tech_validity_years) * context.model.steps_per_year();
  for (std::size_t row = 0; row < world.firms.size(); ++row) {
    if (f.alive[row] == 0) continue;
    const sim::PhiloxBlock words = stream.block(f.id[row], DRAW_HIGH_TECH);
    const bool expiring = f.high_tech_until[row] == when.step;
    if (f.high_tech_until[row] > when.step) {
      audit(f, row, words, when.step, totals);
      continue;
    }
    const bool meets_criteria = evaluate_high_tech(inputs_of(f, row), p.high_tech_rules).passes();
    // Expiring firms re-apply out of habit; others check the public criteria first and apply
    // only when they meet them. The expert review then passes a share of applications.
    const bool applies =
        expiring ? sim::bernoulli(words[0], static_cast<float>(p.high_tech_reapply_probability))
                 : meets_criteria &&
                       sim::bernoulli(words[0], static_cast<float>(p.high_tech_apply_probability));
    if (!applies) {
      if (expiring) totals[HIGH_TECH_LAPSED] += 1.0;
      continue;
    }
    const bool passes = meets_criteria &&
                        sim::bernoulli(words[1], static_cast<float>(p.high_tech_review_pass_rate));
    if (!passes) {
      totals[HIGH_TECH_FAILED] += 1.0;
      if (expiring) totals[HIGH_TECH_LAPSED] += 1.0;
      continue;
    }
    f.high_tech_until[row] = static_cast<std::uint16_t>(valid_until);
    f.high_tech_since[row] = static_cast<std::uint16_t>(when.step + 1);
    totals[expiring ? HIGH_TECH_RENEWED : HIGH_TECH_GRANTED] += 1.0;
    instruments_.claim(world.applications, static_cast<std::uint32_t>(row), f.id[row],
                       expiring ? Trigger::HIGH_TECH_RECERTIFIED : Trigger::HIGH_TECH_CERTIFIED,
                       order);
  }
}

}  // namespace

std::unique_ptr<Module> make_high_tech(const ModuleSetup& setup) {
  return make_module<HighTechRound>(setup);
}

}  // namespace innosim::models::city
