// Per-replication state of the knowledge mechanism (docs/model.md §3.8.6) and of the leaders'
// supply-chain spillovers (§3.8.7).
#pragma once

#include <cstdint>
#include <vector>

#include "models/city/network/network.hpp"
#include "sim/money/account_book.hpp"

namespace innosim::models::city {

/// A university, key lab, new R&D institution or platform (vertex kind KNOWLEDGE_SOURCE).
/// Its index in KnowledgeState::sources is its index within the kind (it keys its draws).
struct KnowledgeSource {
  std::uint8_t type = 0;   ///< KnowledgeSourceType
  std::uint8_t level = 0;  ///< Level
  Network::Vertex vertex = 0;
  sim::AccountBook::AccountId account = 0;
  double research_output = 0.0;    ///< relative to a provincial key lab (1)
  double transfer_capacity = 0.0;  ///< technology contracts it can sell a year
  double capacity_bonus = 0.0;     ///< extra contracts next round, bought by transfer subsidies
  double turnover_year = 0.0;      ///< 万元: value of the contracts it sold this calendar year
  double turnover_last_year = 0.0;
};

/// A technology contract in force (edge TECH_CONTRACT) or a supply relation (edge SUPPLY).
struct Relation {
  Network::Edge edge;
  Network::Vertex firm = 0;  ///< the buying firm or the supplier
  std::int32_t end_month = -1;
};

struct KnowledgeState {
  std::vector<KnowledgeSource> sources;
  std::vector<Relation> contracts;
  double research_output_start = 0.0;  ///< the sources' research output at the start
  /// The entry channel's spin-off rate is spinoffs_per_year times this (1: output as at start).
  double spinoff_rate_factor = 1.0;
  double turnover_year = 0.0;  ///< 万元, contracts of the modelled sources this year
  double turnover_last_year = 0.0;
  double contracts_year = 0.0;
  double spinoffs_linked = 0.0;     ///< cumulative over the run
  double talent_teams_total = 0.0;  ///< cumulative: the starting stock plus the run's entries
  double enterprise_labs = 0.0;     ///< provincial labs built by firms (cumulative, incl. start)
  /// Patents sold to modelled firms by the sources (cumulative over the run): they leave the
  /// stock held outside the firms, so the city's count holds them once.
  double patents_transferred = 0.0;
  // Spillovers (§3.8.7).
  std::vector<Relation> supply;
  double suppliers_reached = 0.0;  ///< firms reached from a leader in the last spillover round
  double spillover_knowledge_year = 0.0;  ///< 万元 added to suppliers' knowledge in that round
};

}  // namespace innosim::models::city
