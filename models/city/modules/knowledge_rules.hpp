// Pieces shared by the knowledge and spillovers modules (docs/model.md §3.8.6-3.8.7), kept
// apart so tests can check them on small graphs.
#pragma once

#include <cmath>
#include <cstdint>
#include <vector>

#include "models/city/institutions/knowledge.hpp"
#include "models/city/network/network.hpp"
#include "models/city/triggers.hpp"
#include "models/city/world.hpp"
#include "sim/rng/distributions.hpp"

namespace innosim::models::city {

/// Weighted sampling without replacement (Efraimidis and Spirakis 2006): the items with the
/// smallest E / weight, E exponential from `word`, are a weighted sample.
[[nodiscard]] inline double race_key(std::uint32_t word, double weight) {
  return -std::log(static_cast<double>(sim::u01_open_closed(word))) / weight;
}

/// Triggers whose payments go to knowledge sources.
[[nodiscard]] constexpr bool is_knowledge_trigger(Trigger trigger) {
  return trigger == Trigger::TECH_TRANSFER || trigger == Trigger::CONTRACT_REGISTRATION ||
         trigger == Trigger::KEY_LAB_CREATED || trigger == Trigger::PLATFORM_CREATED ||
         trigger == Trigger::RD_INSTITUTION_RECOGNISED;
}

/// Ends the relations whose term is over by `month` (end_month >= 0) or whose firm has exited
/// (alive == 0), keeping the others in order.
inline void end_relations(World& world, std::vector<Relation>& relations, std::int32_t month) {
  const ConstFirmView f(world.firms);
  std::size_t kept = 0;
  for (const Relation& relation : relations) {
    const std::size_t row = world.network.row_of(relation.firm);
    const bool over = (relation.end_month >= 0 && relation.end_month <= month) ||
                      row == Network::NO_ROW || f.alive[row] == 0;
    if (over) {
      world.network.end(relation.edge);
    } else {
      relations[kept++] = relation;
    }
  }
  relations.resize(kept);
}

/// Graph distance (in supply edges) of every vertex from the nearest of `leaders`, by a
/// breadth-first search over SUPPLY edges only; -1 where no leader reaches.
[[nodiscard]] std::vector<int> supply_distances(const Network& network,
                                                const std::vector<Network::Vertex>& leaders);

/// Strength of the spillover at supply distance `distance` >= 1: rate × decay^(distance − 1).
[[nodiscard]] inline double spillover_strength(double rate, double decay, int distance) {
  return distance < 1 ? 0.0 : rate * std::pow(decay, distance - 1);
}

}  // namespace innosim::models::city
