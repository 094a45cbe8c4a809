// The R&D choice (docs/model.md §3.2.3): each January, and at entry, a firm sets its R&D
// intensity for the year from its propensity and the after-tax user cost of R&D (the expected
// value of the expense and super-deduction given its taxable income and carried-forward
// losses, the 15% rate, R&D subsidies it is eligible for), relative to the cost at which it
// chose its propensity; firms near the high-tech R&D threshold bunch above it; no firm plans
// more real R&D than it can finance over the year (the financing constraint). Tech staff
// follows the R&D the firm chooses. It also draws each firm's operating margin and, for the
// initial population, the tax losses its history left.
#include <algorithm>
#include <cmath>

#include "models/city/benefits.hpp"
#include "models/city/city_model.hpp"
#include "models/city/modules/liquidity.hpp"
#include "models/city/modules/modules.hpp"
#include "models/city/parameter_entries.hpp"
#include "models/city/tax.hpp"
#include "sim/rng/distributions.hpp"

namespace innosim::models::city {

const ParameterTable& rd_choice_parameters() {
  static const ParameterTable table([] {
    std::vector<ParameterEntry> e = {
        real("rd_max", 0.5, 0.0, 1.0, "1", "cap on real R&D intensity", "assumption",
             FIELD(rd_max)),
        real("tech_staff_base", 0.05, 0.0, 1.0, "1",
             "tech-staff share of a firm with no R&D; the share follows base + per_rd x intensity",
             "assumption", FIELD(tech_staff_base)),
        real("tech_staff_per_rd", 4.0, 0.0, 100.0, "1",
             "tech-staff share added per unit of real R&D intensity",
             "calibrated: tech-staff shares of registered firms; docs/model.md "
             "§3.7; fitted to Henan and 郑州 2019-2022 (docs/calibration.md §4): "
             "scenarios take the posterior with [posterior]",
             FIELD(tech_staff_per_rd)),
        real("tech_staff_log_sd", 0.3, 0.0, 5.0, "1",
             "sigma of a firm's persistent log deviation from that share", "assumption",
             FIELD(tech_staff_log_sd)),
        real("rd_price_elasticity", 1.0, 0.0, 10.0, "1",
             "R&D intensity scales as (user cost / reference user cost)^-elasticity; the "
             "reference is the firm's own user cost at its first choice (start or entry) under "
             "the start year's national super-deduction, so the propensity is the intensity "
             "observed in the start year",
             "assumption: long-run user-cost elasticity ~1 (Bloom, Griffith & Van Reenen 2002)",
             FIELD(rd_price_elasticity)),
        real("bunching_window", 0.3, 0.0, 1.0, "1",
             "firms whose real R&D ratio is within this share below the high-tech threshold may "
             "bunch just above it",
             "docs/policy-rules.md §2.7: bunching (Chen et al. 2021)", FIELD(bunching_window)),
        real("bunching_baseline", 0.35, 0.0, 1.0, "1",
             "chance an uncertified firm in the window closes the gap to the threshold in a year "
             "when closing it is worth nothing net of its cost (the application choice's "
             "propensity at zero net value, docs/model.md §3.2.3; certified firms near the "
             "threshold always do: they keep meeting the ratio)",
             "calibrated: to revocations of 0.2-0.9% of the high-tech stock a year with the "
             "application choice (docs/model.md §3.7); the old constant probability was 0.5",
             FIELD(bunching_baseline)),
        real("bunching_margin", 0.05, 0.0, 1.0, "1", "bunchers report threshold x (1 + margin)",
             "assumption", FIELD(bunching_margin)),
        real("relabel_share", 0.24, 0.0, 1.0, "1",
             "share of a buncher's reported R&D that is relabelled other cost",
             "docs/policy-rules.md §2.7: relabelling ~24% of reported R&D (Chen et al. 2021)",
             FIELD(relabel_share)),
        real("super_deduction_fixed_rate", 1.0, 0.0, 10.0, "1",
             "extra deduction rate when super_deduction = \"fixed\"", "scenario lever",
             FIELD(super_deduction_fixed_rate)),
        real("corporate_tax_rate", 0.25, 0.0, 1.0, "1", "standard corporate income tax rate",
             "docs/policy-rules.md §3.1", FIELD(corporate_tax_rate)),
        real("high_tech_tax_rate", 0.15, 0.0, 1.0, "1",
             "income tax rate of certified high-tech enterprises", RULES_HTE,
             FIELD(high_tech_tax_rate)),
    };
    sim::ParameterSpec schedule = make_spec(
        "super_deduction", sim::ParameterType::TEXT, std::string("national"), 0, 0, "choice",
        "R&D super-deduction: the national schedule by year, none, or super_deduction_fixed_rate",
        "docs/policy-rules.md §3.2 (研发费用加计扣除)");
    schedule.choices = {"national", "none", "fixed"};
    e.push_back({schedule, FIELD(super_deduction)});
    return e;
  }());
  return table;
}

namespace {

/// The firm's operating margin before R&D and interest, a fixed trait (recomputed from its id).
float operating_margin(const CityParams& p, const StepContext& context, std::uint32_t id) {
  const sim::PhiloxBlock words =
      sim::StreamKey(context.seed, PURPOSE_ATTRIBUTES, context.replication, 0).block(id, 3);
  return static_cast<float>(p.operating_margin +
                            p.operating_margin_sd * sim::normal(words[0], words[1]));
}

/// The firm's persistent log deviation of its tech-staff share (recomputed from its id).
float tech_staff_deviation(const CityParams& p, const StepContext& context, std::uint32_t id) {
  const sim::PhiloxBlock words =
      sim::StreamKey(context.seed, PURPOSE_ATTRIBUTES, context.replication, 0).block(id, 1);
  return static_cast<float>(p.tech_staff_log_sd) * sim::normal(words[0], words[1]);
}

float tech_staff_target(const CityParams& p, float rd_real, float deviation) {
  const float share =
      static_cast<float>(p.tech_staff_base + p.tech_staff_per_rd * rd_real) * std::exp(deviation);
  return std::clamp(share, 0.0f, 0.95f);
}

class RdChoice final : public Module {
 public:
  explicit RdChoice(const ModuleSetup& setup) : p_(setup.params), instruments_(setup.instruments) {}

  [[nodiscard]] const ModuleInfo& info() const override {
    static const ModuleInfo info{
        "rd_choice",
        "each January and at entry: R&D intensity from propensity and user cost; bunching; "
        "tech staff",
        {Phase::INITIAL, Phase::ENTRANTS, Phase::YEAR_START},
        {"rd_intensity_real", "rd_intensity_reported", "tech_staff_share", "operating_margin",
         "rd_reference_cost"},
        {"rd_propensity",
         "revenue",
         "revenue_y1",
         "high_tech_until_step",
         "tech_sme_until_step",
         "ip_class1",
         "ip_class2",
         "high_tech_revenue_share",
         "tier",
         "sector",
         "age_months",
         "debt",
         "credit_line",
         "tax_losses",
         "revenue_y2",
         "revenue_y3",
         "revenue_y4",
         "rd_reported_last_year",
         "rd_reported_y2",
         "rd_reported_y3",
         "cash"},
        {},
        {{PURPOSE_ATTRIBUTES, 1, 1, 0b0011},
         {PURPOSE_ATTRIBUTES, 3, 3, 0b0011},
         {PURPOSE_RD_CHOICE, 0, 0}}};
    return info;
  }

  void initial(World& world, const StepContext& context) const override {
    set_margins(world, 0, context);
    initial_losses(world, context);
    choose(world, 0, context, true);
    set_tech_staff(world, 0, context);  // starts at its target rather than converging to it
  }
  void entrants(World& world, std::size_t first_row, Origin /*origin*/,
                const StepContext& context) const override {
    set_margins(world, first_row, context);
    choose(world, first_row, context, true);
    set_tech_staff(world, first_row, context);
  }
  void year_start(World& world, const StepContext& context) const override {
    // The burn-in's seed firms chose in INITIAL, in this same January.
    if (!(context.burn_in && context.when.step == 0)) choose(world, 0, context, false);
  }

 private:
  /// `first`: the firm's first choice, which fixes its reference user cost.
  void choose(World& world, std::size_t first_row, const StepContext& context, bool first) const;
  void set_margins(World& world, std::size_t first_row, const StepContext& context) const {
    FirmView f(world.firms);
    for (std::size_t row = first_row; row < world.firms.size(); ++row)
      f.operating_margin[row] = operating_margin(p_, context, f.id[row]);
  }
  void initial_losses(World& world, const StepContext& context) const;
  void set_tech_staff(World& world, std::size_t first_row, const StepContext& context) const {
    FirmView f(world.firms);
    for (std::size_t row = first_row; row < world.firms.size(); ++row) {
      f.tech_staff_share[row] =
          tech_staff_target(p_, f.rd_real[row], tech_staff_deviation(p_, context, f.id[row]));
    }
  }

  const CityParams& p_;
  const InstrumentSet& instruments_;
};

/// The initial population's carried-forward losses: its past years' taxable income (its margin
/// on its sales less its reported R&D with the super-deduction of that year as the scenario sets
/// it, as in the burn-in; no debt), settled year by year over the years it existed, up to the
/// longest carry-forward horizon: the last four years from its history, earlier ones at the sales
/// of four years back and R&D at its propensity. A registered firm counts as qualified in those
/// years.
void RdChoice::initial_losses(World& world, const StepContext& context) const {
  FirmView f(world.firms);
  const int start_year = context.when.year;
  for (std::size_t row = 0; row < world.firms.size(); ++row) {
    if (f.alive[row] == 0) continue;
    const float sales[] = {f.revenue_y1[row], f.revenue_y2[row], f.revenue_y3[row],
                           f.revenue_y4[row]};
    const float rd[] = {f.rd_reported_y1[row], f.rd_reported_y2[row], f.rd_reported_y3[row],
                        f.rd_propensity[row] * f.revenue_y4[row]};
    const bool tech_sme = f.tech_sme_until[row] > 0;
    const bool qualified = tech_sme || f.high_tech_until[row] > 0;
    const int years = std::min(LOSS_YEARS_QUALIFIED, f.age_months[row] / 12);
    LossVintages losses;
    for (int back = years; back >= 1; --back) {
      const std::size_t k = static_cast<std::size_t>(std::min(back, 4) - 1);
      if (sales[k] <= 0.0f) continue;
      const double d = deduction_rate(p_, start_year - back, tech_sme, f.sector[row], true);
      const double profit = static_cast<double>(f.operating_margin[row]) * sales[k] - rd[k];
      const double income = profit - d * rd[k];
      settle_tax_year(losses, income, std::max(0.0, -income) - std::max(0.0, -profit), qualified);
    }
    store_losses(f, row, losses);
  }
}

void RdChoice::choose(World& world, std::size_t first_row, const StepContext& context,
                      bool first) const {
  const CityParams& p = p_;
  const StepCalendar& when = context.when;
  const int start_year = context.model.calendar(0).year;
  FirmView f(world.firms);
  const sim::StreamKey stream = context.stream(PURPOSE_RD_CHOICE);
  const float adjustment =
      1.0f - std::exp(-1.0f / static_cast<float>(std::max(1e-6, p.employee_adjustment_years)));
  // Instruments paying a share of R&D this year, with the share of claims firms expect each
  // to pay (Ledger::expected_fill: exactly 0 for a zero budget).
  struct RdSubsidy {
    const Instrument* instrument;
    std::size_t index;
    double expected_share;
  };
  std::vector<RdSubsidy> rd_subsidies;
  const auto& all = instruments_.all();
  for (std::size_t index = 0; index < all.size(); ++index) {
    const Instrument& instrument = all[index];
    if (!context.burn_in && instrument.trigger == Trigger::ANNUAL_RD && instrument.share > 0.0 &&
        instrument.active_in(when.year))
      rd_subsidies.push_back(
          {&instrument, index, instrument.share * world.ledger.expected_fill(index)});
  }
  for (std::size_t row = first_row; row < world.firms.size(); ++row) {
    if (f.alive[row] == 0) continue;
    const bool high_tech = f.high_tech_until[row] > when.step;
    const bool tech_sme = f.tech_sme_until[row] > when.step;
    const double tax_rate = high_tech ? p.high_tech_tax_rate : p.corporate_tax_rate;
    const double deduction = deduction_rate(p, when.year, tech_sme, f.sector[row], context.burn_in);
    // An R&D subsidy the firm is eligible for pays its share, as long as its cap does not bind
    // on the firm's R&D at last year's intensity, times the share of claims the firm expects the
    // budget to pay.
    double subsidy_share = 0.0;
    const sim::Money expected_rd(static_cast<double>(f.rd_reported[row]) * f.revenue[row]);
    for (const RdSubsidy& subsidy : rd_subsidies) {
      const Instrument& rule = *subsidy.instrument;
      if (rule.who.admits_firm(f, row) && rule.fixed + rule.share * expected_rd < rule.cap &&
          world.ledger.worth_claiming(subsidy.index, expected_rd))
        subsidy_share += subsidy.expected_share;
    }
    // The expected value of the R&D deductions (expense and super-deduction) given the firm's
    // taxable income this year, its carried-forward losses and their horizon; R&D at last
    // year's intensity (at the first choice, the propensity its history shows).
    const double sales = f.revenue[row];
    const double real_before = first ? f.rd_propensity[row] : f.rd_real[row];
    const double reported_before = first ? f.rd_propensity[row] : f.rd_reported[row];
    TaxOutlook outlook;
    outlook.income_before_rd = static_cast<double>(f.operating_margin[row]) * sales -
                               p.interest_rate * f.debt[row].value();
    outlook.rd_deductions = (real_before + deduction * reported_before) * sales;
    outlook.carried_losses = f.tax_losses[row];
    outlook.horizon_years = high_tech || tech_sme ? LOSS_YEARS_QUALIFIED : LOSS_YEARS;
    outlook.discount_rate = p.interest_rate;
    const double usable = deduction_value(outlook);
    // The B-index (Hall & Jorgenson; Bloom, Griffith & Van Reenen 2002): the after-tax cost of a
    // yuan of R&D over the after-tax value of a yuan of its return. The return is taxed as the
    // deductions are usable: a firm without taxable income neither saves tax on R&D nor pays
    // tax on its return, so its cost is 1 whatever the rates.
    const auto user_cost = [&](double rate, double extra) {
      return std::max(
          0.05, (1.0 - rate * (1.0 + extra) * usable - subsidy_share) / (1.0 - rate * usable));
    };
    if (first) {
      // The reference: this firm's cost under the start year's national super-deduction, with
      // no local subsidy (the scenario's instruments move R&D away from the observed start), in
      // its steady tax position: a firm whose R&D deductions exceed its income carries the
      // losses of a full horizon (an entrant's or a short history's losses are still building).
      const double start_deduction =
          super_deduction_rate(start_year, tech_sme, is_manufacturing(f.sector[row]));
      TaxOutlook steady = outlook;
      steady.rd_deductions = (real_before + start_deduction * reported_before) * sales;
      const double yearly_loss = std::max(0.0, steady.rd_deductions - steady.income_before_rd);
      steady.carried_losses = std::max(outlook.carried_losses, outlook.horizon_years * yearly_loss);
      const double steady_usable = deduction_value(steady);
      f.rd_reference_cost[row] = static_cast<float>(
          std::max(0.05, (1.0 - tax_rate * (1.0 + start_deduction) * steady_usable) /
                             (1.0 - tax_rate * steady_usable)));
    }
    const double reference = std::max(0.05f, f.rd_reference_cost[row]);
    const auto intensity = [&](double cost) {
      return std::min(static_cast<float>(p.rd_max),
                      f.rd_propensity[row] *
                          static_cast<float>(std::pow(cost / reference, -p.rd_price_elasticity)));
    };
    const float own = intensity(user_cost(tax_rate, deduction));
    const float standard = high_tech ? intensity(user_cost(p.corporate_tax_rate, deduction)) : own;
    // The threshold: bunching and relabelling (applicants with a chance, certified firms
    // always).
    const float latest_sales = f.revenue_y1[row] > 0.0f ? f.revenue_y1[row] : f.revenue[row];
    const auto threshold =
        static_cast<float>(high_tech_rd_threshold(latest_sales, p.high_tech_rules));
    const bool could_certify =
        f.ip_class1[row] + f.ip_class2[row] > 0 &&
        f.high_tech_share[row] >= p.high_tech_rules.min_high_tech_revenue_share;
    // Investing to qualify: an uncertified firm in the window closes the gap when the
    // certificate it then expects (after a year, counting on the review) is worth more than the
    // extra real R&D after tax, by the application choice.
    bool applicant_bunches = false;
    if (could_certify && !high_tech && own < threshold) {
      const float bunched_real = std::max(
          standard,
          static_cast<float>((1.0 - p.relabel_share) * (1.0 + p.bunching_margin)) * threshold);
      ApplicationValue value;
      value.benefit = high_tech_benefit(f, row, p, instruments_, world.ledger, when.step, when.year,
                                        context.burn_in, false) /
                      (1.0 + p.interest_rate);
      value.cost = std::max(0.0f, bunched_real - standard) * sales *
                   (1.0 - tax_rate * (1.0 + deduction) * usable);
      applicant_bunches =
          sim::bernoulli(stream.block(f.id[row])[0],
                         static_cast<float>(apply_probability(p.bunching_baseline, value.net(),
                                                              p.application_value_scale)));
    }
    const RdReport report =
        fund_rd(report_rd(own, standard, threshold, could_certify, high_tech, applicant_bunches, p),
                rd_funding_cap(p, f.cash[row].value(), f.debt[row].value(), f.revenue[row],
                               f.operating_margin[row], f.credit_line[row].value()));
    f.rd_real[row] = report.real;
    f.rd_reported[row] = report.reported;
    if (f.age_months[row] > 0) {
      // Yearly, tech staff moves toward the level the firm's R&D calls for.
      const float target =
          tech_staff_target(p, report.real, tech_staff_deviation(p, context, f.id[row]));
      f.tech_staff_share[row] += adjustment * (target - f.tech_staff_share[row]);
    }
  }
}

}  // namespace

std::unique_ptr<Module> make_rd_choice(const ModuleSetup& setup) {
  return make_module<RdChoice>(setup);
}

}  // namespace innosim::models::city
