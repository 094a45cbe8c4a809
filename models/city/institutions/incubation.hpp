// Per-replication state of the incubation mechanism (docs/model.md §3.8.3): the incubators and
// maker spaces, each with its level, capacity, service value, account and vertex. Tenancies are
// edges of the network (incubator -> firm) and the tenant's column incubated_until_step.
#pragma once

#include <cstdint>
#include <unordered_set>
#include <vector>

#include "models/city/network/network.hpp"
#include "sim/money/account_book.hpp"

namespace innosim::models::city {

struct Incubator {
  std::uint8_t type = MAKER_SPACE;  ///< IncubatorType
  std::uint8_t level = CITY_LEVEL;  ///< Level
  std::uint32_t index = 0;          ///< number among the incubators, in opening order
  Network::Vertex vertex = 0;
  sim::AccountBook::AccountId account = 0;
  std::int32_t capacity = 0;   ///< tenant places
  float service_value = 0;     ///< 万元 of application services given to each new tenant
  std::int32_t tenants = 0;    ///< current tenants (its tenancy edges)
  std::int32_t graduates = 0;  ///< cumulative graduations
  std::int32_t opened_year = 0;
  double award_unspent = 0;  ///< 万元 of awards not yet turned into places
};

struct IncubationState {
  std::vector<Incubator> incubators;
  /// Firms that graduated (by size) while still young enough to apply: they do not apply again.
  std::unordered_set<std::uint32_t> graduated;
  std::int64_t opened_by_plan = 0;  ///< incubators the plan has opened so far
};

}  // namespace innosim::models::city
