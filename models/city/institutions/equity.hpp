// Per-replication state of the equity mechanism (docs/model.md §3.8.5): the venture funds, their
// holdings (one per fund and firm, mirrored by an EQUITY edge fund -> firm whose amount is the
// cost in 万元) and the cumulative totals the metrics and the tests read.
#pragma once

#include <cstdint>
#include <map>
#include <utility>
#include <vector>

#include "models/city/network/network.hpp"
#include "sim/money/account_book.hpp"

namespace innosim::models::city {

/// The stage of a firm a fund screens for (a private fund's focus), by age and revenue.
enum EquityStage : std::uint8_t { SEED_STAGE = 0, EARLY_STAGE = 1, GROWTH_STAGE = 2, NO_STAGE = 3 };

/// A venture fund: a private fund (capital called from the private investors at the start) or
/// the government guidance fund (capital paid by the guidance_fund_capital programme).
struct VentureFund {
  Network::Vertex vertex = 0;
  sim::AccountBook::AccountId account = 0;
  std::uint32_t index = 0;       ///< within the kind FUND: keys the fund's draws
  std::uint8_t type = 1;         ///< FundType
  std::uint8_t stage = 0;        ///< EquityStage of a private fund's focus
  int last_investment_year = 0;  ///< the investment period ends with this calendar year
  sim::Yuan capital = 0;         ///< capital called so far (private) or received (guidance)
  sim::Yuan invested = 0;        ///< cost of every round paid, cumulative
  sim::Yuan returned = 0;        ///< exit proceeds, cumulative
  sim::Yuan lost = 0;            ///< cost written off, cumulative
  sim::Yuan held = 0;            ///< cost of the live holdings
};

/// A fund's stake in a firm.
struct EquityHolding {
  Network::Edge edge{};
  sim::Yuan cost = 0;          ///< paid in over every round
  float revenue_at_round = 0;  ///< the firm's revenue at the last round (follow-on test)
};

struct EquityState {
  std::vector<VentureFund> funds;  ///< private funds first (by index), then the guidance fund
  int guidance = -1;               ///< position of the guidance fund in `funds`, -1: none
  /// Holdings keyed by (firm id, position of the fund in `funds`): ordered, so every pass over
  /// them is in the same order on any thread count.
  std::map<std::pair<std::uint32_t, std::uint32_t>, EquityHolding> holdings;
  /// Cumulative private money in rounds the guidance fund joined, and the guidance fund's share.
  sim::Yuan private_alongside = 0;
  sim::Yuan public_invested = 0;
  std::uint32_t firms_backed = 0;  ///< firms with at least one holding (kept by the module)
};

}  // namespace innosim::models::city
