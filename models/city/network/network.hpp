// The institutions and relations around the firms as a Boost.Graph (docs/model.md §3.8).
// Vertices are institutions (incubators, funds, banks, guarantee agencies, knowledge sources,
// government programmes) and the firms that have a relation; a firm's vertex is created with its
// first edge and refers to its row of the firm table (column graph_vertex holds vertex + 1), so no
// firm state is copied. Edges are typed relations with a start month (tenancy, equity, loan, ...);
// they are added and removed as events happen. Institutions are never removed (a closed one keeps
// its vertex); vertices of exited firms are cleared and reused, so the vertex count stays bounded
// by the firms with relations at any one time.
#pragma once

#include <array>
#include <boost/graph/adjacency_list.hpp>
#include <cstdint>
#include <string_view>
#include <vector>

#include "models/city/firms.hpp"

namespace innosim::models::city {

/// What a vertex is. Institutions of one kind are numbered from 0 in the order they open (their
/// `index`), which keys their random streams: opening one more leaves every other institution's
/// draws as they were.
enum class VertexKind : std::uint8_t {
  FIRM,       ///< index: the firm id
  INCUBATOR,  ///< subtype IncubatorType
  FUND,       ///< subtype FundType
  BANK,
  GUARANTOR,         ///< a guarantee agency
  KNOWLEDGE_SOURCE,  ///< subtype KnowledgeSourceType
  PROGRAMME,         ///< one per instrument budget (index: the instrument's index)
  COUNT
};
inline constexpr std::size_t VERTEX_KIND_COUNT = static_cast<std::size_t>(VertexKind::COUNT);
inline constexpr std::array<std::string_view, VERTEX_KIND_COUNT> VERTEX_KIND_NAMES = {
    "firm", "incubator", "fund", "bank", "guarantor", "knowledge_source", "programme"};

enum IncubatorType : std::uint8_t { MAKER_SPACE = 0, INCUBATOR_PROPER = 1, SCIENCE_PARK = 2 };
enum FundType : std::uint8_t { GUIDANCE_FUND = 0, PRIVATE_FUND = 1 };
enum KnowledgeSourceType : std::uint8_t {
  UNIVERSITY = 0,
  KEY_LAB = 1,
  NEW_RD_INSTITUTION = 2,
  PLATFORM = 3
};
/// Level of an institution's recognition (incubators, labs, platforms).
enum Level : std::uint8_t { CITY_LEVEL = 0, PROVINCIAL_LEVEL = 1, NATIONAL_LEVEL = 2 };
inline constexpr std::array<std::string_view, 3> LEVEL_NAMES = {"city", "provincial", "national"};

/// The relation an edge stands for. Edges point from the institution (or the leader firm, the
/// parent) to the firm: the direction money or knowledge moves first.
enum class EdgeType : std::uint8_t {
  TENANCY,        ///< incubator -> tenant firm
  EQUITY,         ///< fund -> firm it holds shares of (amount: invested)
  LOAN,           ///< bank -> borrower (amount: principal outstanding)
  GUARANTEE,      ///< guarantor -> borrower (amount: guaranteed principal)
  GRANT,          ///< programme -> recipient, in the step it pays (not kept)
  TECH_CONTRACT,  ///< knowledge source -> firm (amount: contract value)
  SUPPLY,         ///< leader firm -> supplier firm (collaboration / supply chain)
  LINEAGE,        ///< knowledge source or parent firm -> spin-off
  COUNT
};
inline constexpr std::size_t EDGE_TYPE_COUNT = static_cast<std::size_t>(EdgeType::COUNT);
inline constexpr std::array<std::string_view, EDGE_TYPE_COUNT> EDGE_TYPE_NAMES = {
    "tenancy", "equity", "loan", "guarantee", "grant", "tech_contract", "supply", "lineage"};

struct VertexProperties {
  VertexKind kind = VertexKind::FIRM;
  std::uint8_t subtype = 0;
  std::uint8_t level = 0;
  bool active = true;       ///< false: a closed institution or a released firm vertex
  std::uint32_t index = 0;  ///< firm id, or the institution's number within its kind
};

struct EdgeProperties {
  EdgeType type = EdgeType::TENANCY;
  std::int32_t start_month = 0;  ///< calendar month: year × 12 + month − 1
  std::int32_t end_month = -1;   ///< scheduled end (-1: open-ended)
  float amount = 0.0f;           ///< 万元, by type (principal, stake, contract value)
};

/// Months since year 0 of a calendar month (1-12), the unit of edge dates.
[[nodiscard]] constexpr std::int32_t month_index(int year, int month) {
  return year * 12 + month - 1;
}

class Network {
 public:
  using Graph = boost::adjacency_list<boost::vecS, boost::vecS, boost::bidirectionalS,
                                      VertexProperties, EdgeProperties>;
  using Vertex = Graph::vertex_descriptor;
  using Edge = Graph::edge_descriptor;
  static constexpr std::size_t NO_ROW = static_cast<std::size_t>(-1);

  [[nodiscard]] const Graph& graph() const { return graph_; }
  /// For Boost.Graph algorithms that need a mutable graph; do not add or remove vertices.
  [[nodiscard]] Graph& graph() { return graph_; }

  /// A new institution vertex.
  Vertex add_institution(VertexKind kind, std::uint8_t subtype, std::uint8_t level,
                         std::uint32_t index);
  /// The vertex of the firm in `row`, created (or a released one reused) if it has none.
  Vertex firm_vertex(const FirmView& firms, std::size_t row);
  /// The firm's vertex if it has one.
  [[nodiscard]] static bool has_vertex(const ConstFirmView& firms, std::size_t row) {
    return firms.graph_vertex[row] != 0;
  }
  [[nodiscard]] static Vertex vertex_of(const ConstFirmView& firms, std::size_t row) {
    return firms.graph_vertex[row] - 1;
  }
  /// The firm row of a firm vertex (NO_ROW for an institution or a released vertex).
  [[nodiscard]] std::size_t row_of(Vertex vertex) const { return row_of_[vertex]; }
  [[nodiscard]] const VertexProperties& operator[](Vertex vertex) const { return graph_[vertex]; }
  [[nodiscard]] VertexProperties& operator[](Vertex vertex) { return graph_[vertex]; }
  [[nodiscard]] const EdgeProperties& operator[](Edge edge) const { return graph_[edge]; }
  [[nodiscard]] EdgeProperties& operator[](Edge edge) { return graph_[edge]; }

  /// A new relation.
  Edge connect(Vertex from, Vertex to, const EdgeProperties& properties);
  /// Ends a relation: the edge is removed (descriptors of other edges stay valid, as they refer
  /// to their properties, which Boost keeps on the heap; do not iterate over the out-edges of the
  /// source or the in-edges of the target while ending one of them).
  void end(Edge edge);

  /// Removes every relation of firms that are no longer alive and frees their vertices for
  /// reuse, and frees the vertices of firms whose last relation ended in the step; each mechanism
  /// settles its own relations of exited firms (a loan's default, an investment's write-off) before
  /// this runs, at the end of the step.
  void release_exited_firms(const FirmView& firms);
  /// Re-reads each firm vertex's row from the graph_vertex column after the table moved rows
  /// (compaction).
  void rows_moved(const ConstFirmView& firms, std::size_t rows);

  /// Live edges per type (kept as edges are added and ended).
  [[nodiscard]] std::size_t edges_of(EdgeType type) const {
    return edge_counts_[static_cast<std::size_t>(type)];
  }
  /// Firm vertices in use (firms with a relation, or whose last one ended in this step).
  [[nodiscard]] std::size_t firm_vertices() const { return firm_vertices_; }
  /// Bytes the graph holds on the heap (vertices, out- and in-edge lists by capacity, edge
  /// properties, and this class's vectors), each block rounded up as glibc's malloc does: for
  /// the memory budget of docs/performance.md.
  [[nodiscard]] std::size_t heap_bytes() const;

 private:
  Graph graph_;
  std::vector<std::size_t> row_of_;  ///< per vertex: firm row, or NO_ROW
  std::vector<Vertex> free_;         ///< released firm vertices, reused first
  std::vector<Vertex> isolated_;     ///< firm vertices whose last relation ended in the step
  std::array<std::size_t, EDGE_TYPE_COUNT> edge_counts_{};
  std::size_t firm_vertices_ = 0;
};

}  // namespace innosim::models::city
