// Per-replication state of the loans mechanism (docs/model.md §3.8).
#pragma once

namespace innosim::models::city {

struct LoanState {};

}  // namespace innosim::models::city
