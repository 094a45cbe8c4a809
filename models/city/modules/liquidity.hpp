// The financing constraint (docs/model.md §3.2.5, "Financing constraint"): what a firm can
// spend beyond its operating cash flow is its cash plus the credit banks still give it, and
// banks lend against collateral, collateral_ratio of the firm's non-cash assets
// (assets_per_revenue x revenue). A technology loan (docs/model.md §3.8.4) adds its principal to
// the limit, as the firm's credit_line. Growth (§3.2.2), the R&D choice (§3.2.3), cash and tax
// and exit (§3.2.6) read the same limit from here.
#pragma once

#include <algorithm>

#include "models/city/city_params.hpp"
#include "models/city/tax.hpp"

namespace innosim::models::city {

/// Debt a bank lends against per unit of annual revenue (years).
[[nodiscard]] inline float credit_per_revenue(const CityParams& p) {
  return static_cast<float>(p.collateral_ratio * p.assets_per_revenue);
}

/// Cash plus the credit not yet drawn: what the firm can pay out now. `credit_line`: the
/// principal of its technology loans (§3.8.4), credit beyond collateral. Selects only, so the
/// per-firm passes stay vectorised.
[[nodiscard]] inline float available_funds(float cash, float debt, float revenue,
                                           float credit_per_revenue, float credit_line = 0.0f) {
  const float headroom = credit_per_revenue * revenue + credit_line - debt;
  return cash + (headroom > 0.0f ? headroom : 0.0f);
}

/// Out of cash and credit: the firm could not finance its last shortfall (debt beyond its
/// limit, no cash left). Exit draws the distress hazard for such firms.
[[nodiscard]] inline bool out_of_funds(float cash, float debt, float revenue,
                                       float credit_per_revenue, float credit_line = 0.0f) {
  return cash <= 0.0f && debt > credit_per_revenue * revenue + credit_line;
}

/// The most real R&D intensity a firm can finance over the coming year (docs/model.md §3.2.3):
/// its cash and unused credit now plus its operating cash flow before R&D over the year
/// (margin x revenue - interest on its debt), per unit of revenue; 0 if that is negative.
[[nodiscard]] inline float rd_funding_cap(const CityParams& p, float cash, float debt,
                                          float revenue, float margin, float credit_line = 0.0f) {
  const double cash_flow =
      static_cast<double>(margin) * revenue - p.interest_rate * static_cast<double>(debt);
  const double funds =
      available_funds(cash, debt, revenue, credit_per_revenue(p), credit_line) + cash_flow;
  return static_cast<float>(std::max(0.0, funds / std::max(revenue, 1e-6f)));
}

/// The chosen R&D within the cap: a choice within it is returned unchanged (the firm is
/// unconstrained); above it, real R&D is the cap and the report falls by as much (the relabelled
/// part costs nothing and stays).
[[nodiscard]] inline RdReport fund_rd(RdReport chosen, float cap) {
  if (chosen.real <= cap) return chosen;
  // The relabelled part added to the cap: exactly the cap when nothing is relabelled.
  const float relabelled = chosen.reported - chosen.real;
  chosen.reported = cap + (relabelled > 0.0f ? relabelled : 0.0f);
  chosen.real = cap;
  return chosen;
}

}  // namespace innosim::models::city
