// Who an instrument can pay: one predicate for every instrument and every place that asks
// (the ledger paying, generated events picking firms, the R&D choice anticipating a subsidy).
// Later mechanisms (labels, incubation, loans) add their conditions here, once.
#pragma once

#include <cstdint>

#include "models/city/firms.hpp"

namespace innosim::models::city {

struct Eligibility {
  std::uint8_t tier_mask = 0;    ///< bit t: tier t eligible
  std::uint8_t sector_mask = 0;  ///< bit s: sector s eligible
  double min_revenue = 0.0;      ///< 万元/year, inclusive
  double max_revenue = 0.0;
  int first_year = 0;  ///< calendar years in which it runs, inclusive
  int last_year = 0;

  [[nodiscard]] bool active_in(int year) const { return year >= first_year && year <= last_year; }

  /// Whether the firm in `row` qualifies by tier, sector and revenue (alive or not).
  template <bool READ_ONLY>
  [[nodiscard]] bool admits_firm(const BasicFirmView<READ_ONLY>& firms, std::size_t row) const {
    const double revenue = firms.revenue[row];
    return (tier_mask >> firms.tier[row] & 1u) != 0 &&
           (sector_mask >> firms.sector[row] & 1u) != 0 && revenue >= min_revenue &&
           revenue <= max_revenue;
  }
  /// The same for an alive firm.
  template <bool READ_ONLY>
  [[nodiscard]] bool admits(const BasicFirmView<READ_ONLY>& firms, std::size_t row) const {
    return firms.alive[row] != 0 && admits_firm(firms, row);
  }
};

}  // namespace innosim::models::city
