// One replication's state and the calendar position of a step.
#pragma once

#include <vector>

#include "models/city/firms.hpp"
#include "models/city/instruments.hpp"

namespace innosim::models::city {

/// Calendar position of a step.
struct StepCalendar {
  int step = 0;
  int year = 0;
  int first_month = 1;  ///< months [first_month, last_month] of `year` fall in the step
  int last_month = 1;
  [[nodiscard]] bool contains_month(int month) const {
    return month >= first_month && month <= last_month;
  }
  [[nodiscard]] bool starts_year() const { return first_month == 1; }
  [[nodiscard]] bool ends_year() const { return last_month == 12; }
};

/// One replication's state.
struct World {
  explicit World(const std::vector<Instrument>& instruments) : ledger(instruments) {}
  Firms firms;
  std::vector<Application> applications;  ///< events of the step, paid at its end
  Ledger ledger;
  std::vector<sim::Money> instrument_spending;  ///< paid by each instrument in the step
  Ledger::Counts instrument_counts;             ///< its claims and payments in the step
  std::size_t exited_rows = 0;                  ///< rows of exited firms not yet compacted away
};

}  // namespace innosim::models::city
