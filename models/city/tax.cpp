#include "models/city/tax.hpp"

#include <algorithm>
#include <cmath>

namespace innosim::models::city {

YearSettlement settle_tax_year(LossVintages& losses, double taxable_income, double deduction_loss,
                               bool qualified) {
  YearSettlement settlement;
  const double before = losses.total();
  // Income absorbs the oldest vintages first.
  double income = std::max(0.0, taxable_income);
  for (int k = LOSS_YEARS_QUALIFIED; k >= 1 && income > 0.0; --k) {
    float& loss = losses.amount[static_cast<std::size_t>(k - 1)];
    const double used = std::min(static_cast<double>(loss), income);
    loss = static_cast<float>(loss - used);
    income -= used;
    settlement.losses_used += used;
  }
  settlement.taxable = std::max(0.0, taxable_income - settlement.losses_used);
  // A qualified year extends the horizon of its own loss and of the 5 years before it.
  std::uint16_t extended = losses.extended;
  if (qualified) extended |= static_cast<std::uint16_t>((1u << LOSS_YEARS) - 1u);
  // A year on: vintage k becomes k + 1; the new loss is vintage 1.
  for (std::size_t k = LOSS_YEARS_QUALIFIED - 1; k >= 1; --k)
    losses.amount[k] = losses.amount[k - 1];
  const double new_loss = std::max(0.0, -taxable_income);
  losses.amount[0] = static_cast<float>(new_loss);
  extended = static_cast<std::uint16_t>(extended << 1u);
  if (qualified) extended |= 1u;
  extended &= static_cast<std::uint16_t>((1u << LOSS_YEARS_QUALIFIED) - 1u);
  // Vintages past their horizon expire (vintage k is usable in the next year if k <= 5, or
  // k <= 10 when extended; the oldest one shifted out above).
  double kept_old = 0.0;
  for (std::size_t k = 1; k <= LOSS_YEARS_QUALIFIED; ++k) {
    const bool usable = k <= LOSS_YEARS || (extended & (1u << (k - 1))) != 0;
    if (!usable) losses.amount[k - 1] = 0.0f;
    if (k > 1) kept_old += losses.amount[k - 1];
  }
  losses.extended = extended;
  // The super-deduction's part of the old losses shrinks with them (pro rata); the new
  // vintage adds the part the year's super-deduction created.
  const double share = before > 0.0 ? static_cast<double>(losses.from_deduction) / before : 0.0;
  losses.from_deduction = static_cast<float>(std::min(1.0, share) * kept_old +
                                             std::clamp(deduction_loss, 0.0, new_loss));
  return settlement;
}

double deduction_value(const TaxOutlook& o) {
  const double beta = 1.0 / (1.0 + std::max(0.0, o.discount_rate));
  const double income = o.income_before_rd;
  const double losses = std::max(0.0, o.carried_losses);
  const double future_income = income - std::max(0.0, o.rd_deductions);
  if (o.rd_deductions <= 0.0) {  // a marginal yuan
    if (income - losses > 0.0) return 1.0;
    if (future_income <= 0.0) return 0.0;
    const double years = std::floor((losses - income) / future_income) + 1.0;
    return years <= o.horizon_years ? std::pow(beta, years) : 0.0;
  }
  const double total = o.rd_deductions;
  const double now = std::clamp(income - losses, 0.0, total);
  const double deferred = total - now;
  if (deferred <= 0.0) return 1.0;
  double value = now;
  if (future_income > 0.0) {
    // The deferred deductions occupy [ahead, ahead + deferred] of the queue of losses; later
    // year k absorbs [(k - 1) y, k y] of it.
    const double ahead = std::max(0.0, losses - income);
    double discount = 1.0;
    for (int k = 1; k <= o.horizon_years; ++k) {
      discount *= beta;
      const double from = std::max(ahead, (k - 1) * future_income);
      const double to = std::min(ahead + deferred, k * future_income);
      if (to > from) value += discount * (to - from);
      if (k * future_income >= ahead + deferred) break;
    }
  }
  return std::clamp(value / total, 0.0, 1.0);
}

RdReport report_rd(float own, float standard, float threshold, bool could_certify, bool certified,
                   bool applicant_bunches, const CityParams& p) {
  const auto plain = RdReport{own, own, false};
  // Without a rate cut the threshold is worth nothing.
  if (!could_certify || !(p.high_tech_tax_rate < p.corporate_tax_rate) || own >= threshold)
    return plain;
  const float top = threshold * (1.0f + static_cast<float>(p.bunching_margin));
  const auto cap = static_cast<float>(p.rd_max);
  if (certified && standard >= threshold) {
    const float real = std::min(cap, std::max(own, std::min(standard, top)));
    return {real, real, false};
  }
  const bool near = standard >= threshold * (1.0f - static_cast<float>(p.bunching_window));
  if (!near || !(certified || applicant_bunches)) return plain;
  // Real R&D need only carry the reported ratio after relabelling, for applicants and for
  // certified firms alike (Chen et al. 2021 measure the relabelling among firms claiming the
  // status); a certified firm always closes the gap, since the certificate is at stake. The
  // mid-term check, which disallows relabelled costs, revokes some of them (§3.3).
  const float kept = std::max(1e-3f, 1.0f - static_cast<float>(p.relabel_share));
  const float real = std::min(cap, std::max(standard, kept * top));
  // It reports what it needs, just above the threshold: relabelled cost is at most
  // relabel_share of the report (exactly that share for firms whose own R&D is below it).
  return {real, std::min(1.0f, std::max(top, real)), true};
}

}  // namespace innosim::models::city
