// The economics of applying (docs/model.md §3.3, "the application choice"): what a register
// entry or certificate is worth to a firm (the tax it saves, the city's rewards for the event,
// access to instruments restricted to the tier, each as the firm expects the budget to pay), what
// applying costs, and the logit choice that turns the two into a probability of applying. Shared
// by the tech-SME and high-tech rounds and by the R&D choice (investing to qualify); pure
// functions, so the tests check them against hand computations.
#pragma once

#include <cstdint>

#include "models/city/firms.hpp"
#include "models/city/instruments.hpp"
#include "models/city/tax.hpp"
#include "models/city/triggers.hpp"

namespace innosim::models::city {

/// What applying is worth to a firm: the present value of what it gains if granted, what it
/// pays whether granted or not, and its chance of being granted.
struct ApplicationValue {
  double benefit = 0.0;  ///< 万元, present value if granted
  double cost = 0.0;     ///< 万元, paid on applying
  double pass_probability = 1.0;

  [[nodiscard]] double net() const { return pass_probability * benefit - cost; }
};

/// The chance a firm applies: logistic(logit(baseline) + net_value / scale), so `baseline` is
/// the propensity at zero net value (habit, attention, what the model does not price). Limits,
/// exact: a net value of -infinity (an infinite cost) gives 0 and +infinity gives 1 whatever the
/// baseline; otherwise a baseline of 0 or 1 gives itself; a scale of 0 is the deterministic
/// choice: 1 if the net value is positive, 0 if negative, and at a net value of exactly 0, 1 iff
/// baseline >= 0.5.
[[nodiscard]] double apply_probability(double baseline, double net_value, double scale);

/// Present value of 1 a year at the end of each of `years` years, discounted at `rate`.
[[nodiscard]] double annuity(int years, double rate);

/// Present value over `years` years of the taxable income a firm expects: each year
/// income_before_rd - rd_deductions (this year's, expected to persist), first absorbing the
/// carried-forward losses, discounted at the outlook's rate; 0 for a firm whose R&D deductions
/// exceed its income. A tax-rate cut of c saves c times it.
[[nodiscard]] double taxable_income_value(const TaxOutlook& outlook, int years);

/// What the firm in `row` expects of its taxes this year at its current R&D intensities, with
/// super-deduction rate `deduction` and the loss horizon of a qualified firm or not.
template <bool READ_ONLY>
[[nodiscard]] TaxOutlook tax_outlook(const BasicFirmView<READ_ONLY>& f, std::size_t row,
                                     const CityParams& p, double deduction, bool qualified) {
  const double sales = f.revenue[row];
  TaxOutlook outlook;
  outlook.income_before_rd =
      static_cast<double>(f.operating_margin[row]) * sales - p.interest_rate * f.debt[row].value();
  outlook.rd_deductions =
      (static_cast<double>(f.rd_real[row]) + deduction * f.rd_reported[row]) * sales;
  outlook.carried_losses = f.tax_losses[row];
  outlook.horizon_years = qualified ? LOSS_YEARS_QUALIFIED : LOSS_YEARS;
  outlook.discount_rate = p.interest_rate;
  return outlook;
}

/// The tier a firm would stand on with and without the entry it applies for.
struct TierChange {
  std::uint8_t without = CANDIDATE;
  std::uint8_t with = CANDIDATE;
};

/// What the scenario's instruments add to an entry: the rewards of the instruments paying on
/// `trigger` that admit the firm on its new tier (each at Ledger::expected_payment), and for
/// `access_annuity` years' worth (annuity factor) the expected yearly payment of the annual_rd
/// instruments that admit the firm on its new tier and not without it, on its yearly R&D
/// `rd`. An instrument with a zero budget adds exactly 0.
[[nodiscard]] double instruments_value(const InstrumentSet& instruments, const Ledger& ledger,
                                       Trigger trigger, TierChange tiers, std::uint8_t sector,
                                       double revenue, double rd, int year, double access_annuity);

/// What a high-tech certificate is worth to the firm in `row` if granted in `year` (step
/// `step`), over the validity discounted at interest_rate: the cut from the standard to the
/// high-tech tax rate on the taxable income it expects (a loss-making firm gains nothing), and,
/// outside the burn-in (no instrument exists yet), the rewards of instruments on
/// high_tech_certified (high_tech_recertified for a `renewal`) and the annual_rd instruments the
/// certified tier opens, at what the firm expects them to pay.
[[nodiscard]] double high_tech_benefit(const FirmView& f, std::size_t row, const CityParams& p,
                                       const InstrumentSet& instruments, const Ledger& ledger,
                                       int step, int year, bool burn_in, bool renewal);

/// The chance of passing a review that adds normal noise with sd `review_sd` to `score`:
/// Phi((score - pass_score) / review_sd), the firm knowing the review's spread; with no noise, 1
/// if the score exceeds the pass mark and 0 if not.
[[nodiscard]] double review_pass_probability(double score, double pass_score, double review_sd);

}  // namespace innosim::models::city
