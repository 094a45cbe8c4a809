// Cash and tax (docs/model.md §3.2.5): operating profit (the firm's own margin) less real R&D
// and interest; corporate income tax on the year's profit after the super-deduction of reported
// R&D and the losses carried forward, at 15% for certified high-tech firms. Tax is paid monthly
// on the year-to-date income (provisional payments, refunds when the year-to-date tax falls);
// the December step settles the year and turns the loss vintages (tax.hpp). Shortfalls are
// borrowed; cash above the buffer repays debt. The tax forgone through the two national
// instruments is recorded as their spending.
#include <algorithm>
#include <cmath>

#include "models/city/city_model.hpp"
#include "models/city/modules/modules.hpp"
#include "models/city/parameter_entries.hpp"
#include "models/city/tax.hpp"

namespace innosim::models::city {

const ParameterTable& cash_tax_parameters() {
  static const ParameterTable table({
      real("operating_margin", 0.10, -1.0, 1.0, "1",
           "mean over firms of operating profit / revenue before R&D and interest (each firm's "
           "margin is a fixed trait: this mean plus operating_margin_sd x N(0, 1))",
           "calibrated: to the mean profit margin of Chinese industrial enterprises (NBS, "
           "industrial profits 2022) plus their R&D intensity",
           FIELD(operating_margin)),
      real("operating_margin_sd", 0.08, 0.0, 1.0, "1",
           "standard deviation over firms of the operating margin before R&D",
           "calibrated: to the share of loss-making industrial enterprises (NBS, industrial "
           "profits 2022) and the share of certified high-tech firms paying income tax",
           FIELD(operating_margin_sd)),
      real("interest_rate", 0.05, 0.0, 1.0, "1/year", "interest on debt",
           "assumption: LPR + spread", FIELD(interest_rate)),
      real("cash_buffer_months", 3.0, 0.0, 120.0, "months",
           "cash kept before debt is repaid; also the cash of a new firm", "assumption",
           FIELD(cash_buffer_months)),
      real("assets_per_revenue", 0.8, 0.0, 100.0, "years",
           "non-cash assets per unit of annual revenue (total assets = cash + this x revenue)",
           "assumption", FIELD(assets_per_revenue)),
  });
  return table;
}

namespace {

class CashTax final : public Module {
 public:
  explicit CashTax(const ModuleSetup& setup) : p_(setup.params), dt_(setup.dt()) {}

  [[nodiscard]] const ModuleInfo& info() const override {
    static const ModuleInfo info{
        "cash_tax",
        "profit, corporate tax after the super-deduction, the losses carried forward and the "
        "15% rate, cash and debt",
        {Phase::ROWS},
        {"cash", "debt", "tax_profit_ytd", "tax_deduction_ytd", "tax_paid_ytd", "tax_reduced_rate",
         "tax_losses", "tax_loss_from_deduction", "tax_loss_extended", "tax_loss_1", "tax_loss_2",
         "tax_loss_3", "tax_loss_4", "tax_loss_5", "tax_loss_6", "tax_loss_7", "tax_loss_8",
         "tax_loss_9", "tax_loss_10"},
        {"alive", "revenue", "rd_intensity_real", "rd_intensity_reported", "sector",
         "high_tech_until_step", "tech_sme_until_step", "operating_margin"},
        {SPENDING_RD_SUPER_DEDUCTION, SPENDING_HIGH_TECH_TAX_RATE},
        {}};
    return info;
  }

  void rows(World& world, const StepContext& context, ChunkWork& work) const override;

 private:
  const CityParams& p_;
  float dt_;
};

void CashTax::rows(World& world, const StepContext& context, ChunkWork& work) const {
  const CityParams& p = p_;
  const FirmView f(world.firms);
  const int step = context.when.step;
  const bool settles = context.when.ends_year();
  // The super-deduction rate by (tech SME, manufacturing) for this year.
  double deduction_by_kind[2][2];
  for (int tech_sme = 0; tech_sme < 2; ++tech_sme) {
    deduction_by_kind[tech_sme][0] =
        deduction_rate(p, context.when.year, tech_sme != 0, OTHER_SECTOR, context.burn_in);
    deduction_by_kind[tech_sme][1] = deduction_rate(p, context.when.year, tech_sme != 0,
                                                    EQUIPMENT_MANUFACTURING, context.burn_in);
  }
  const double standard_rate = p.corporate_tax_rate;
  // Sums in locals, added to the chunk's totals once (see innovation.cpp).
  double forgone_deduction = 0.0, forgone_rate = 0.0;
  for (std::size_t row = work.begin; row < work.end; ++row) {
    if (f.alive[row] == 0) continue;
    const float revenue = f.revenue[row];
    const float sales = revenue * dt_;
    const float rd_real = f.rd_real[row] * sales;
    const float rd_reported = f.rd_reported[row] * sales;
    const bool high_tech = f.high_tech_until[row] > step;
    const bool tech_sme = f.tech_sme_until[row] > step;
    const double tax_rate = high_tech ? p.high_tech_tax_rate : standard_rate;
    const double deduction =
        deduction_by_kind[tech_sme ? 1 : 0][is_manufacturing(f.sector[row]) ? 1 : 0];
    const double profit = static_cast<double>(f.operating_margin[row]) * sales - rd_real -
                          p.interest_rate * f.debt[row].value() * dt_;
    // Year to date: profit before the super-deduction, the super-deduction, and the tax due on
    // them after the carried-forward losses (the cumulative provisional payment).
    const double profit_before = f.tax_profit_ytd[row];
    const double deduction_before = f.tax_deduction_ytd[row];
    const double profit_ytd = profit_before + profit;
    const double deduction_ytd = deduction_before + deduction * rd_reported;
    const double losses = f.tax_losses[row];
    const double deduction_losses = f.tax_loss_from_deduction[row];
    const double taxed = std::max(0.0, profit_ytd - deduction_ytd - losses);
    const double tax = tax_rate * taxed - f.tax_paid_ytd[row];
    // Forgone tax so far this year, less what was recorded so far: without the super-deduction
    // (neither this year's nor the losses it created) at the firm's rate; at the standard rate.
    const double rate_before = f.tax_reduced_rate[row] != 0 ? p.high_tech_tax_rate : standard_rate;
    const double taxed_before = std::max(0.0, profit_before - deduction_before - losses);
    forgone_deduction +=
        tax_rate * (std::max(0.0, profit_ytd - losses + deduction_losses) - taxed) -
        rate_before * (std::max(0.0, profit_before - losses + deduction_losses) - taxed_before);
    forgone_rate +=
        (standard_rate - tax_rate) * taxed - (standard_rate - rate_before) * taxed_before;
    if (settles) {
      // The year's return: losses used oldest first, a loss becomes a vintage.
      LossVintages vintages = load_losses(f, row);
      const double year_income = profit_ytd - deduction_ytd;
      const double deduction_loss = std::max(0.0, -year_income) - std::max(0.0, -profit_ytd);
      settle_tax_year(vintages, year_income, deduction_loss, high_tech || tech_sme);
      store_losses(f, row, vintages);
      f.tax_profit_ytd[row] = 0.0f;
      f.tax_deduction_ytd[row] = 0.0f;
      f.tax_paid_ytd[row] = 0.0f;
      f.tax_reduced_rate[row] = 0;
    } else {
      f.tax_profit_ytd[row] = static_cast<float>(profit_ytd);
      f.tax_deduction_ytd[row] = static_cast<float>(deduction_ytd);
      f.tax_paid_ytd[row] = static_cast<float>(tax_rate * taxed);
      f.tax_reduced_rate[row] = high_tech ? 1 : 0;
    }
    float cash = f.cash[row].value() + static_cast<float>(profit - tax);
    float debt = f.debt[row].value();
    const float buffer = revenue * static_cast<float>(p.cash_buffer_months / 12.0);
    if (cash < 0.0f) {
      debt -= cash;
      cash = 0.0f;
    } else if (debt > 0.0f && cash > buffer) {
      const float repaid = std::min(debt, cash - buffer);
      debt -= repaid;
      cash -= repaid;
    }
    f.cash[row] = sim::MoneyColumn(cash);
    f.debt[row] = sim::MoneyColumn(debt);
  }
  work.totals[SPENDING_RD_SUPER_DEDUCTION] += forgone_deduction;
  work.totals[SPENDING_HIGH_TECH_TAX_RATE] += forgone_rate;
}

}  // namespace

std::unique_ptr<Module> make_cash_tax(const ModuleSetup& setup) {
  return make_module<CashTax>(setup);
}

}  // namespace innosim::models::city
