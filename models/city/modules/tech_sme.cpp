// The tech-SME register (docs/model.md §3.3, docs/policy-rules.md): once a year, firms not in
// the register evaluate themselves against the public criteria and apply when they qualify;
// registered firms re-submit at expiry. Admission lasts a year.
#include <algorithm>

#include "models/city/benefits.hpp"
#include "models/city/city_model.hpp"
#include "models/city/modules/modules.hpp"
#include "models/city/parameter_entries.hpp"
#include "models/city/rules.hpp"
#include "models/city/tax.hpp"
#include "sim/rng/distributions.hpp"

namespace innosim::models::city {

const ParameterTable& tech_sme_parameters() {
  static const ParameterTable table({
      integer("tech_sme_month", 3, 1, 12, "month",
              "month of the annual evaluation round (admission lasts one year)",
              "docs/policy-rules.md §1.5 (assumption: March)", FIELD(tech_sme_month)),
      real("tech_sme_apply_baseline", 0.35, 0.0, 1.0, "1/year",
           "chance a qualifying firm outside the register applies in a round when applying is "
           "worth nothing net of its cost (the application choice's propensity at zero net value, "
           "docs/model.md §3.3)",
           "calibrated: certified firms relative to the tech-SME register (信阳 2022 233 : 503; "
           "docs/model.md §3.7); 信阳's plan still asks eligible firms to be evaluated (应评尽评); "
           "fitted to Henan and 郑州 2019-2022 (docs/calibration.md §4): "
           "scenarios take the posterior with [posterior]",
           FIELD(tech_sme_apply_baseline)),
      real("tech_sme_reapply_baseline", 0.95, 0.0, 1.0, "1/year",
           "the same for a registered firm re-submitting at the end of its admission",
           "calibrated (not yet fitted): the tech-SME register's renewals; docs/model.md §3.7, to "
           "be fitted",
           FIELD(tech_sme_reapply_baseline)),
      real("tech_sme_application_cost", 0.1, 0.0, HUGE_MONEY, "万元",
           "cost of a tech-SME self-evaluation and submission on the national platform (staff "
           "time; no fee is charged)",
           "assumption: small against the benefits (range 0-0.5万); the evaluation is an online "
           "form (docs/policy-rules.md §1)",
           FIELD(tech_sme_application_cost)),
      real("tech_sme_max_employees", 500.0, 0.0, 1.0e9, "employees", "size cap", RULES_SME,
           FIELD(tech_sme_rules.max_employees)),
      real("tech_sme_max_sales", 20000.0, 0.0, HUGE_MONEY, "万元/year", "size cap (2亿)", RULES_SME,
           FIELD(tech_sme_rules.max_sales)),
      real("tech_sme_max_assets", 20000.0, 0.0, HUGE_MONEY, "万元", "size cap (2亿)", RULES_SME,
           FIELD(tech_sme_rules.max_total_assets)),
      integer("tech_sme_pass_score", 60, 0, 100, "points", "minimum score", RULES_SME,
              FIELD(tech_sme_rules.pass_score)),
  });
  return table;
}

namespace {

class TechSmeRound final : public Module {
 public:
  explicit TechSmeRound(const ModuleSetup& setup)
      : p_(setup.params), instruments_(setup.instruments) {}

  [[nodiscard]] const ModuleInfo& info() const override {
    static const ModuleInfo info{
        "tech_sme",
        "the annual tech-SME evaluation: self-check, the application choice, admission for a "
        "year",
        {Phase::ROUNDS},
        {"tech_sme_until_step"},
        {"alive", "employees", "revenue", "revenue_y1", "cash", "tech_staff_share",
         "rd_reported_last_year", "ip_class1", "ip_class2", "high_tech_until_step", "flags", "tier",
         "sector", "operating_margin", "debt", "tax_losses", "rd_intensity_real",
         "rd_intensity_reported"},
        {TECH_SME_ADMITTED, TECH_SME_REJECTED},
        {{PURPOSE_ROUNDS, DRAW_TECH_SME, DRAW_TECH_SME}}};
    return info;
  }

  void rounds(World& world, const StepContext& context, StepTotals& totals) const override;

 private:
  /// What admission for a year is worth to the firm in `row`, which qualifies when
  /// `qualifies`: the larger super-deduction of a tech SME where the year's rules give one, the
  /// rewards for a new admission and a year of access to the tier's R&D instruments, less the
  /// cost of applying.
  [[nodiscard]] ApplicationValue value_of(const World& world, const FirmView& f, std::size_t row,
                                          const StepContext& context, bool qualifies,
                                          bool renewing) const;

  const CityParams& p_;
  const InstrumentSet& instruments_;
};

void TechSmeRound::rounds(World& world, const StepContext& context, StepTotals& totals) const {
  const CityParams& p = p_;
  const StepCalendar& when = context.when;
  if (!when.contains_month(static_cast<int>(p.tech_sme_month))) return;
  FirmView f(world.firms);
  const sim::StreamKey stream = context.stream(PURPOSE_ROUNDS);
  const sim::StreamKey order = context.stream(PURPOSE_ORDER);
  const int until = when.step + context.model.steps_per_year();
  for (std::size_t row = 0; row < world.firms.size(); ++row) {
    if (f.alive[row] == 0) continue;
    const bool renewing = f.tech_sme_until[row] == when.step;
    const bool registered = f.tech_sme_until[row] > when.step;
    if (registered) continue;  // admitted this year already (e.g. at the start)
    const sim::PhiloxBlock words = stream.block(f.id[row], DRAW_TECH_SME);
    TechSmeInputs inputs;
    inputs.employees = f.employees[row];
    inputs.sales = f.revenue_y1[row];
    inputs.total_assets = f.cash[row].value() + p.assets_per_revenue * f.revenue[row];
    inputs.tech_staff_share = f.tech_staff_share[row];
    inputs.rd = f.rd_reported_y1[row];
    inputs.total_cost = f.revenue_y1[row] * (1.0 - p.operating_margin);
    inputs.ip_class1 = f.ip_class1[row];
    inputs.ip_class2 = f.ip_class2[row];
    inputs.high_tech = f.high_tech_until[row] > when.step;
    inputs.other_direct_route = (f.flags[row] & FLAG_DIRECT_ROUTE) != 0;
    // A firm without a completed year of sales has no annual report to be evaluated on.
    const bool has_report = f.revenue_y1[row] > 0.0f;
    const bool qualifies = has_report && evaluate_tech_sme(inputs, p.tech_sme_rules).admitted;
    // Others evaluate themselves first (the rules are public); the application choice weighs
    // what admission is worth against its cost (docs/model.md §3.3). Registered firms re-submit
    // with their own propensity, even when they no longer qualify.
    if (!renewing && !qualifies) continue;
    const double chance = apply_probability(
        renewing ? p.tech_sme_reapply_baseline : p.tech_sme_apply_baseline,
        value_of(world, f, row, context, qualifies, renewing).net(), p.application_value_scale);
    const bool applies = sim::bernoulli(words[0], static_cast<float>(chance));
    if (!applies) continue;
    if (qualifies) {
      f.tech_sme_until[row] = static_cast<std::uint16_t>(until);
      totals[TECH_SME_ADMITTED] += 1.0;
      if (!renewing)
        instruments_.claim(world.applications, static_cast<std::uint32_t>(row), f.id[row],
                           Trigger::TECH_SME_ADMITTED, order);
    } else {
      totals[TECH_SME_REJECTED] += 1.0;
    }
  }
}

ApplicationValue TechSmeRound::value_of(const World& world, const FirmView& f, std::size_t row,
                                        const StepContext& context, bool qualifies,
                                        bool renewing) const {
  const CityParams& p = p_;
  const StepCalendar& when = context.when;
  const bool high_tech = f.high_tech_until[row] > when.step;
  const double registered_rate = deduction_rate(p, when.year, true, f.sector[row], context.burn_in);
  const double other_rate = deduction_rate(p, when.year, false, f.sector[row], context.burn_in);
  const TaxOutlook outlook = tax_outlook(f, row, p, registered_rate, true);
  const double tax_rate = high_tech ? p.high_tech_tax_rate : p.corporate_tax_rate;
  const double rd = static_cast<double>(f.rd_reported[row]) * f.revenue[row];
  ApplicationValue value;
  value.benefit = (registered_rate - other_rate) * rd * tax_rate * deduction_value(outlook);
  if (!context.burn_in) {  // the scenario's instruments exist from the start year
    const std::uint8_t tier = f.tier[row];
    TierChange tiers;
    tiers.without = tier == TECH_SME ? static_cast<std::uint8_t>(CANDIDATE) : tier;
    tiers.with = std::max<std::uint8_t>(tiers.without, TECH_SME);
    value.benefit += instruments_value(
        instruments_, world.ledger, renewing ? Trigger::COUNT : Trigger::TECH_SME_ADMITTED, tiers,
        f.sector[row], f.revenue[row], rd, when.year, annuity(1, p.interest_rate));
  }
  value.cost = p.tech_sme_application_cost;
  value.pass_probability = qualifies ? 1.0 : 0.0;
  return value;
}

}  // namespace

std::unique_ptr<Module> make_tech_sme(const ModuleSetup& setup) {
  return make_module<TechSmeRound>(setup);
}

}  // namespace innosim::models::city
