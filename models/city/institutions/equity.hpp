// Per-replication state of the equity mechanism (docs/model.md §3.8).
#pragma once

namespace innosim::models::city {

struct EquityState {};

}  // namespace innosim::models::city
