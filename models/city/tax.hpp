// The national tax instruments as the firm decisions and the cash flow see them: the
// super-deduction schedule, corporate income tax with losses carried forward by vintage
// (企业所得税法 §18; 10 years for high-tech enterprises and tech SMEs, 财税〔2018〕76号), the
// expected value of a deduction to a firm given its taxable income and losses, and the R&D a
// firm reports at the high-tech ratio threshold (bunching and relabelling). docs/model.md §3.2.3
// and §3.2.5 describe them; pure functions, so the tests check them against hand computations.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

#include "models/city/city_params.hpp"
#include "models/city/rules.hpp"

namespace innosim::models::city {

/// The R&D super-deduction rate a firm gets in `year` (city.super_deduction chooses the
/// national schedule, none, or a fixed rate from the start year on; years before the start, the
/// burn-in's and the starting firms' past, had the national schedule whatever the scenario
/// chooses, so the starting firms are the same in every variant of a scenario).
[[nodiscard]] inline double deduction_rate(const CityParams& p, int year, bool tech_sme,
                                           std::uint8_t sector, bool before_start) {
  if (before_start) return super_deduction_rate(year, tech_sme, is_manufacturing(sector));
  if (p.super_deduction == "none") return 0.0;
  if (p.super_deduction == "fixed") return p.super_deduction_fixed_rate;
  return super_deduction_rate(year, tech_sme, is_manufacturing(sector));
}

/// Years a loss may be carried forward: 5, or 10 once the firm is a certified high-tech
/// enterprise or an admitted tech SME in a year (the losses of that year and of the 5 years
/// before it).
inline constexpr int LOSS_YEARS = 5;
inline constexpr int LOSS_YEARS_QUALIFIED = 10;

/// A firm's unused tax losses at the start of a tax year: amount[k - 1] is the loss of the year
/// k years before it (k = 1..10), still usable; bit k - 1 of `extended` marks a vintage that
/// may be carried 10 years. `from_deduction` is the part of their sum the super-deduction
/// created (for the forgone-tax metric; kept pro rata as vintages are used and expire).
struct LossVintages {
  std::array<float, LOSS_YEARS_QUALIFIED> amount{};
  std::uint16_t extended = 0;
  float from_deduction = 0.0f;

  [[nodiscard]] double total() const {
    double sum = 0.0;
    for (const float loss : amount) sum += loss;
    return sum;
  }
};

/// A firm's loss vintages as its columns hold them.
[[nodiscard]] inline LossVintages load_losses(const FirmView& f, std::size_t row) {
  LossVintages losses;
  const float* const columns[LOSS_YEARS_QUALIFIED] = {
      f.tax_loss_1, f.tax_loss_2, f.tax_loss_3, f.tax_loss_4, f.tax_loss_5,
      f.tax_loss_6, f.tax_loss_7, f.tax_loss_8, f.tax_loss_9, f.tax_loss_10};
  for (std::size_t k = 0; k < LOSS_YEARS_QUALIFIED; ++k) losses.amount[k] = columns[k][row];
  losses.extended = f.tax_loss_extended[row];
  losses.from_deduction = f.tax_loss_from_deduction[row];
  return losses;
}
inline void store_losses(const FirmView& f, std::size_t row, const LossVintages& losses) {
  float* const columns[LOSS_YEARS_QUALIFIED] = {
      f.tax_loss_1, f.tax_loss_2, f.tax_loss_3, f.tax_loss_4, f.tax_loss_5,
      f.tax_loss_6, f.tax_loss_7, f.tax_loss_8, f.tax_loss_9, f.tax_loss_10};
  for (std::size_t k = 0; k < LOSS_YEARS_QUALIFIED; ++k) columns[k][row] = losses.amount[k];
  f.tax_loss_extended[row] = losses.extended;
  f.tax_loss_from_deduction[row] = losses.from_deduction;
  f.tax_losses[row] = static_cast<float>(losses.total());
}

/// One tax year settled.
struct YearSettlement {
  double losses_used = 0;  ///< carried-forward losses set against the year's income
  double taxable = 0;      ///< income taxed: max(0, year's taxable income - losses used)
};

/// Settles a tax year and turns the vintages to the next one: the year's taxable income
/// (profit less the super-deduction) first absorbs carried-forward losses, oldest first; a
/// negative income becomes a new vintage (of which `deduction_loss` was created by the
/// super-deduction); a `qualified` firm's vintages of this year and the 5 before get the
/// 10-year horizon; vintages past their horizon expire.
YearSettlement settle_tax_year(LossVintages& losses, double taxable_income, double deduction_loss,
                               bool qualified);

/// What a firm expects of its taxes when it sets its R&D for the year (annual amounts).
struct TaxOutlook {
  double income_before_rd = 0;  ///< taxable income before any R&D deduction
  double rd_deductions = 0;     ///< the R&D expense plus its super-deduction
  double carried_losses = 0;    ///< usable losses carried into the year
  int horizon_years = LOSS_YEARS;
  double discount_rate = 0;  ///< per year
};

/// The expected present value of one yuan of the year's R&D deductions, as a share of the tax
/// it would save if usable at once (in [0, 1]): the part the year's income absorbs after the
/// carried-forward losses counts fully; the rest is carried forward and absorbed by later
/// years' income (expected to equal this year's, income_before_rd - rd_deductions, after the
/// losses queued ahead of it), each year discounted; whatever the horizon leaves unabsorbed is
/// worth nothing. With rd_deductions = 0 it is the value of a marginal yuan.
[[nodiscard]] double deduction_value(const TaxOutlook& outlook);

/// The R&D a firm reports against the high-tech ratio threshold.
struct RdReport {
  float real = 0;
  float reported = 0;
  bool bunched = false;  ///< reports more than its real R&D (part of it relabelled)
};

/// How the threshold shapes reported and real R&D (docs/model.md §3.2.3). `own` is the real
/// intensity the firm chooses at its own user cost, `standard` at the standard rate (the
/// firm's choice without the certificate; equal to `own` for an uncertified firm). A firm that
/// could be certified and whose `standard` R&D is in the bunching window below `threshold`
/// bunches (applicants when `applicant_bunches`, certified firms always: they keep meeting the
/// ratio for renewal): real R&D at least `standard` and at least (1 - relabel_share) of
/// threshold x (1 + bunching_margin), reported threshold x (1 + bunching_margin) (or its real R&D
/// if higher): it relabels the gap, at most relabel_share of the report. The mid-term check,
/// which disallows relabelled costs, can revoke a certified buncher (docs/model.md §3.3).
/// A certified firm whose own-cost R&D falls below the threshold while `standard` does not
/// keeps meeting it with real R&D.
[[nodiscard]] RdReport report_rd(float own, float standard, float threshold, bool could_certify,
                                 bool certified, bool applicant_bunches, const CityParams& p);

}  // namespace innosim::models::city
