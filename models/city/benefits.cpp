#include "models/city/benefits.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace innosim::models::city {

double apply_probability(double baseline, double net_value, double scale) {
  if (std::isnan(net_value)) return 0.0;
  if (net_value == -std::numeric_limits<double>::infinity()) return 0.0;
  if (net_value == std::numeric_limits<double>::infinity()) return 1.0;
  if (baseline <= 0.0) return 0.0;
  if (baseline >= 1.0) return 1.0;
  if (!(scale > 0.0)) {
    if (net_value > 0.0) return 1.0;
    if (net_value < 0.0) return 0.0;
    return baseline >= 0.5 ? 1.0 : 0.0;
  }
  const double x = std::log(baseline / (1.0 - baseline)) + net_value / scale;
  // exp overflows to infinity for a very negative x, giving exactly 0.
  return 1.0 / (1.0 + std::exp(-x));
}

double annuity(int years, double rate) {
  double value = 0.0, factor = 1.0;
  for (int year = 1; year <= years; ++year) {
    factor /= 1.0 + rate;
    value += factor;
  }
  return value;
}

double taxable_income_value(const TaxOutlook& outlook, int years) {
  const double yearly = outlook.income_before_rd - outlook.rd_deductions;
  if (!(yearly > 0.0)) return 0.0;
  double losses = std::max(0.0, outlook.carried_losses), value = 0.0, factor = 1.0;
  for (int year = 1; year <= years; ++year) {
    factor /= 1.0 + outlook.discount_rate;
    const double used = std::min(losses, yearly);
    losses -= used;
    value += (yearly - used) * factor;
  }
  return value;
}

namespace {

bool admits_on(const Eligibility& who, std::uint8_t tier, std::uint8_t sector, double revenue) {
  return (who.tier_mask >> tier & 1u) != 0 && (who.sector_mask >> sector & 1u) != 0 &&
         revenue >= who.min_revenue && revenue <= who.max_revenue;
}

}  // namespace

double instruments_value(const InstrumentSet& instruments, const Ledger& ledger, Trigger trigger,
                         TierChange tiers, std::uint8_t sector, double revenue, double rd, int year,
                         double access_annuity) {
  double value = 0.0;
  const auto& all = instruments.all();
  for (std::size_t index = 0; index < all.size(); ++index) {
    const Instrument& instrument = all[index];
    if (!instrument.active_in(year) || !admits_on(instrument.who, tiers.with, sector, revenue))
      continue;
    // What a firm would not bother to claim is worth nothing to it (Ledger::worth_claiming).
    if (instrument.trigger == trigger && ledger.worth_claiming(index))
      value += ledger.expected_payment(index).value();
    if (instrument.trigger == Trigger::ANNUAL_RD &&
        !admits_on(instrument.who, tiers.without, sector, revenue) &&
        ledger.worth_claiming(index, sim::Money(rd)))
      value += access_annuity * ledger.expected_payment(index, sim::Money(rd)).value();
  }
  return value;
}

double high_tech_benefit(const FirmView& f, std::size_t row, const CityParams& p,
                         const InstrumentSet& instruments, const Ledger& ledger, int step, int year,
                         bool burn_in, bool renewal) {
  const bool tech_sme = f.tech_sme_until[row] > step;
  const int years = static_cast<int>(p.high_tech_validity_years);
  const TaxOutlook outlook =
      tax_outlook(f, row, p, deduction_rate(p, year, tech_sme, f.sector[row], burn_in), true);
  double benefit =
      (p.corporate_tax_rate - p.high_tech_tax_rate) * taxable_income_value(outlook, years);
  if (burn_in) return benefit;
  // Labels keep a firm above the high-tech tier with or without the certificate.
  TierChange tiers;
  tiers.without = f.tier[row] >= GAZELLE
                      ? f.tier[row]
                      : static_cast<std::uint8_t>(tech_sme ? TECH_SME : CANDIDATE);
  tiers.with = std::max<std::uint8_t>(tiers.without, HIGH_TECH);
  return benefit +
         instruments_value(instruments, ledger,
                           renewal ? Trigger::HIGH_TECH_RECERTIFIED : Trigger::HIGH_TECH_CERTIFIED,
                           tiers, f.sector[row], f.revenue[row],
                           static_cast<double>(f.rd_reported[row]) * f.revenue[row], year,
                           annuity(years, p.interest_rate));
}

double review_pass_probability(double score, double pass_score, double review_sd) {
  if (!(review_sd > 0.0)) return score > pass_score ? 1.0 : 0.0;
  return 0.5 * std::erfc(-(score - pass_score) / (review_sd * std::sqrt(2.0)));
}

}  // namespace innosim::models::city
