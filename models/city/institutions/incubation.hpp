// Per-replication state of the incubation mechanism (docs/model.md §3.8).
#pragma once

namespace innosim::models::city {

struct IncubationState {};

}  // namespace innosim::models::city
