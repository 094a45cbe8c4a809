// One replication's state.
#pragma once

#include <vector>

#include "models/city/calendar.hpp"
#include "models/city/firms.hpp"
#include "models/city/instruments.hpp"

namespace innosim::models::city {

/// One replication's state.
struct World {
  explicit World(const std::vector<Instrument>& instruments) : ledger(instruments) {}
  Firms firms;
  std::vector<Application> applications;  ///< events of the step, paid at its end
  Ledger ledger;
  LedgerStep instrument_step;   ///< paid and claimed per instrument in the step
  std::size_t exited_rows = 0;  ///< rows of exited firms not yet compacted away
};

}  // namespace innosim::models::city
