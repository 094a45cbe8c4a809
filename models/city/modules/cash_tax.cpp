// Cash and tax (docs/model.md §3.2.5): operating profit (the firm's own margin) less real R&D
// and interest; corporate income tax on the year's profit after the super-deduction of reported
// R&D and the losses carried forward, at 15% for certified high-tech firms. Tax is paid monthly
// on the year-to-date income (provisional payments, refunds when the year-to-date tax falls);
// the December step settles the year and turns the loss vintages (tax.hpp). Shortfalls are
// borrowed up to the credit limit (liquidity.hpp); beyond it they are arrears, the firm is out of
// funds and stops its R&D until its next choice; cash above the buffer repays debt. The tax
// forgone through the two national instruments is recorded as their spending.
#include <algorithm>
#include <cmath>
#include <vector>

#include "models/city/city_model.hpp"
#include "models/city/modules/liquidity.hpp"
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
      real("collateral_ratio", 0.5, 0.0, 100.0, "1",
           "credit limit: debt banks lend up to, per unit of non-cash assets (collateral_ratio x "
           "assets_per_revenue x revenue); shortfalls beyond it are arrears (out of funds)",
           "calibrated: loan-to-value of collateralised SME loans (about half the appraised value "
           "of pledged property and equipment) and distress exits a small share of all exits "
           "(docs/model.md §3.2.5)",
           FIELD(collateral_ratio)),
  });
  return table;
}

namespace {

struct CashTaxConstants {
  double standard_rate, high_tech_rate, interest_rate;
  double deduction[4];  ///< super-deduction rate by 2 x tech SME + manufacturing
  float dt, buffer_years, credit_per_revenue;
  std::int32_t step;
};

/// A step that does not end the tax year, in one vectorised pass (restrict column parameters,
/// selects only; rows that are not alive change nothing): the same arithmetic as the scalar
/// loop of the settling step, each row's forgone tax written to forgone_*[row] for the caller to
/// sum in row order (so the sums are the same bits).
[[gnu::noinline]] void provisional_tax(
    const CashTaxConstants c, std::size_t rows, const std::uint8_t* __restrict alive_flags,
    const float* __restrict revenues, float* __restrict rd_reals, float* __restrict rd_reporteds,
    const std::uint16_t* __restrict high_tech_until, const std::uint16_t* __restrict tech_sme_until,
    const std::uint8_t* __restrict sectors, const float* __restrict margins,
    const float* __restrict carried_losses, const float* __restrict carried_deduction_losses,
    float* __restrict profits_ytd, float* __restrict deductions_ytd, float* __restrict paid_ytd,
    std::uint8_t* __restrict reduced_rates, sim::MoneyColumn* __restrict cashes,
    sim::MoneyColumn* __restrict debts, const sim::MoneyColumn* __restrict credit_lines,
    double* __restrict forgone_deduction, double* __restrict forgone_rate) {
  for (std::size_t row = 0; row < rows; ++row) {
    const std::int32_t alive = alive_flags[row] != 0 ? 1 : 0;
    const float revenue = revenues[row];
    const float sales = revenue * c.dt;
    const float rd_intensity = rd_reals[row];
    const float rd_real = rd_intensity * sales;
    const float rd_reported = rd_reporteds[row] * sales;
    const std::int32_t high_tech = high_tech_until[row] > c.step ? 1 : 0;
    const std::int32_t tech_sme = tech_sme_until[row] > c.step ? 1 : 0;
    const double tax_rate = high_tech != 0 ? c.high_tech_rate : c.standard_rate;
    const std::int32_t manufacturing = is_manufacturing(sectors[row]) ? 1 : 0;
    const double deduction_tech_sme = manufacturing != 0 ? c.deduction[3] : c.deduction[2];
    const double deduction_other = manufacturing != 0 ? c.deduction[1] : c.deduction[0];
    const double deduction = tech_sme != 0 ? deduction_tech_sme : deduction_other;
    const float debt_before = debts[row].value();
    const double profit =
        static_cast<double>(margins[row]) * sales - rd_real - c.interest_rate * debt_before * c.dt;
    const double profit_before = profits_ytd[row];
    const double deduction_before = deductions_ytd[row];
    const double profit_ytd = profit_before + profit;
    const double deduction_ytd = deduction_before + deduction * rd_reported;
    const double losses = carried_losses[row];
    const double deduction_losses = carried_deduction_losses[row];
    const double taxed_raw = profit_ytd - deduction_ytd - losses;
    const double taxed = 0.0 < taxed_raw ? taxed_raw : 0.0;
    const double tax = tax_rate * taxed - paid_ytd[row];
    const double rate_before = reduced_rates[row] != 0 ? c.high_tech_rate : c.standard_rate;
    const double taxed_before_raw = profit_before - deduction_before - losses;
    const double taxed_before = 0.0 < taxed_before_raw ? taxed_before_raw : 0.0;
    const double untaxed_raw = profit_ytd - losses + deduction_losses;
    const double untaxed = 0.0 < untaxed_raw ? untaxed_raw : 0.0;
    const double untaxed_before_raw = profit_before - losses + deduction_losses;
    const double untaxed_before = 0.0 < untaxed_before_raw ? untaxed_before_raw : 0.0;
    forgone_deduction[row] =
        alive != 0 ? tax_rate * (untaxed - taxed) - rate_before * (untaxed_before - taxed_before)
                   : 0.0;
    forgone_rate[row] = alive != 0 ? (c.standard_rate - tax_rate) * taxed -
                                         (c.standard_rate - rate_before) * taxed_before
                                   : 0.0;
    profits_ytd[row] = alive != 0 ? static_cast<float>(profit_ytd) : profits_ytd[row];
    deductions_ytd[row] = alive != 0 ? static_cast<float>(deduction_ytd) : deductions_ytd[row];
    paid_ytd[row] = alive != 0 ? static_cast<float>(tax_rate * taxed) : paid_ytd[row];
    const auto reduced = static_cast<std::uint8_t>(high_tech);
    reduced_rates[row] = alive != 0 ? reduced : reduced_rates[row];
    // Shortfalls are borrowed (beyond the credit limit, arrears); cash above the buffer repays
    // debt.
    const float cash = cashes[row].value() + static_cast<float>(profit - tax);
    const float buffer = revenue * c.buffer_years;
    // Two-way selects only (a chain of them becomes branches); x - 0.0f is x.
    const std::int32_t short_of_cash = alive & (cash < 0.0f ? 1 : 0);
    const std::int32_t repays =
        alive & (1 - short_of_cash) & (debt_before > 0.0f ? 1 : 0) & (cash > buffer ? 1 : 0);
    const float excess = cash - buffer;
    const float repayable = excess < debt_before ? excess : debt_before;  // std::min(debt, excess)
    const float repaid = repays != 0 ? repayable : 0.0f;
    const float debt_after = short_of_cash != 0 ? debt_before - cash : debt_before - repaid;
    const float cash_kept = short_of_cash != 0 ? 0.0f : cash - repaid;
    cashes[row] = sim::MoneyColumn(alive != 0 ? cash_kept : cashes[row].value());
    debts[row] = sim::MoneyColumn(debt_after);
    // Out of funds: R&D is the spending a firm stops first (the relabelled part of its report
    // costs nothing and stays).
    const std::int32_t stops_rd =
        alive & (out_of_funds(cash_kept, debt_after, revenue, c.credit_per_revenue,
                              credit_lines[row].value())
                     ? 1
                     : 0);
    const float reported_left = rd_reporteds[row] - rd_intensity;
    rd_reals[row] = stops_rd != 0 ? 0.0f : rd_intensity;
    rd_reporteds[row] =
        stops_rd != 0 ? (reported_left > 0.0f ? reported_left : 0.0f) : rd_reporteds[row];
  }
}

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
         "high_tech_until_step", "tech_sme_until_step", "operating_margin", "credit_line"},
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
  if (!settles) {
    CashTaxConstants c{};
    c.standard_rate = standard_rate;
    c.high_tech_rate = p.high_tech_tax_rate;
    c.interest_rate = p.interest_rate;
    for (int tech_sme = 0; tech_sme < 2; ++tech_sme) {
      c.deduction[2 * tech_sme] = deduction_by_kind[tech_sme][0];
      c.deduction[2 * tech_sme + 1] = deduction_by_kind[tech_sme][1];
    }
    c.dt = dt_;
    c.buffer_years = static_cast<float>(p.cash_buffer_months / 12.0);
    c.credit_per_revenue = credit_per_revenue(p);
    c.step = step;
    const std::size_t begin = work.begin;
    const std::size_t rows = work.end - begin;
    // Per-thread scratch that outlives the step: no allocation per chunk and step.
    thread_local std::vector<double> forgone;
    forgone.resize(2 * CityModel::CHUNK_ROWS);
    double* const by_deduction = forgone.data();
    double* const by_rate = forgone.data() + CityModel::CHUNK_ROWS;
    provisional_tax(c, rows, f.alive + begin, f.revenue + begin, f.rd_real + begin,
                    f.rd_reported + begin, f.high_tech_until + begin, f.tech_sme_until + begin,
                    f.sector + begin, f.operating_margin + begin, f.tax_losses + begin,
                    f.tax_loss_from_deduction + begin, f.tax_profit_ytd + begin,
                    f.tax_deduction_ytd + begin, f.tax_paid_ytd + begin, f.tax_reduced_rate + begin,
                    f.cash + begin, f.debt + begin, f.credit_line + begin, by_deduction, by_rate);
    for (std::size_t i = 0; i < rows; ++i) {
      if (f.alive[begin + i] == 0) continue;
      forgone_deduction += by_deduction[i];
      forgone_rate += by_rate[i];
    }
    work.totals[SPENDING_RD_SUPER_DEDUCTION] += forgone_deduction;
    work.totals[SPENDING_HIGH_TECH_TAX_RATE] += forgone_rate;
    return;
  }
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
    if (out_of_funds(cash, debt, revenue, credit_per_revenue(p), f.credit_line[row].value())) {
      f.rd_reported[row] = std::max(0.0f, f.rd_reported[row] - f.rd_real[row]);
      f.rd_real[row] = 0.0f;
    }
  }
  work.totals[SPENDING_RD_SUPER_DEDUCTION] += forgone_deduction;
  work.totals[SPENDING_HIGH_TECH_TAX_RATE] += forgone_rate;
}

}  // namespace

std::unique_ptr<Module> make_cash_tax(const ModuleSetup& setup) {
  return make_module<CashTax>(setup);
}

}  // namespace innosim::models::city
