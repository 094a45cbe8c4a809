// Per-replication state of the knowledge mechanism (docs/model.md §3.8).
#pragma once

namespace innosim::models::city {

struct KnowledgeState {};

}  // namespace innosim::models::city
