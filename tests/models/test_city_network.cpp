// The network core: firm vertices made on demand and released at exit, rows kept in step with
// the firm table across compaction, and edge counts.
#include <gtest/gtest.h>

#include "models/city/network/network.hpp"

namespace innosim::models::city {
namespace {

Firms firms_with(std::size_t count) {
  Firms firms;
  firms.resize(count);
  FirmView f(firms);
  for (std::size_t row = 0; row < count; ++row) {
    f.id[row] = static_cast<std::uint32_t>(100 + row);
    f.alive[row] = 1;
  }
  return firms;
}

TEST(CityNetwork, GivesAFirmOneVertexAndReusesItAfterTheFirmExits) {
  Firms firms = firms_with(4);
  FirmView f(firms);
  Network network;
  const auto incubator =
      network.add_institution(VertexKind::INCUBATOR, INCUBATOR_PROPER, PROVINCIAL_LEVEL, 0);
  const auto first = network.firm_vertex(f, 1);
  // Fails if a second relation made a second vertex for the same firm.
  EXPECT_EQ(network.firm_vertex(f, 1), first);
  EXPECT_EQ(network.row_of(first), 1u);
  EXPECT_EQ(network[first].index, 101u);
  network.connect(incubator, first, {EdgeType::TENANCY, month_index(2023, 1), -1, 0.0f});
  network.connect(incubator, network.firm_vertex(f, 2),
                  {EdgeType::TENANCY, month_index(2023, 1), -1, 0.0f});
  EXPECT_EQ(network.edges_of(EdgeType::TENANCY), 2u);
  EXPECT_EQ(network.firm_vertices(), 2u);

  f.alive[1] = 0;
  network.release_exited_firms(f);
  // The exited firm's edge is gone, its vertex free; the other tenant keeps its relation.
  EXPECT_EQ(network.edges_of(EdgeType::TENANCY), 1u);
  EXPECT_EQ(boost::out_degree(incubator, network.graph()), 1u);
  EXPECT_EQ(f.graph_vertex[1], 0u);
  EXPECT_EQ(network.firm_vertices(), 1u);
  const auto reused = network.firm_vertex(f, 3);
  EXPECT_EQ(reused, first);  // fails if released vertices were not reused (unbounded growth)
  EXPECT_EQ(network[reused].index, 103u);
  EXPECT_EQ(boost::in_degree(reused, network.graph()), 0u);
}

TEST(CityNetwork, FollowsFirmsToTheirNewRowsAfterCompaction) {
  Firms firms = firms_with(5);
  FirmView f(firms);
  Network network;
  const auto bank = network.add_institution(VertexKind::BANK, 0, 0, 0);
  const auto v4 = network.firm_vertex(f, 4);
  network.connect(bank, v4, {EdgeType::LOAN, 0, 12, 100.0f});
  f.alive[0] = 0;
  f.alive[2] = 0;
  network.release_exited_firms(f);
  firms.compact(firms.column<Alive>());
  network.rows_moved(ConstFirmView(firms), firms.size());
  // Row 4 moved to row 2 (rows 0 and 2 dropped); fails if the vertex still pointed at row 4.
  EXPECT_EQ(network.row_of(v4), 2u);
  EXPECT_EQ(ConstFirmView(firms).id[network.row_of(v4)], 104u);
  const auto edge = *boost::out_edges(bank, network.graph()).first;
  EXPECT_FLOAT_EQ(network[edge].amount, 100.0f);
  network.end(edge);
  EXPECT_EQ(network.edges_of(EdgeType::LOAN), 0u);
}

}  // namespace
}  // namespace innosim::models::city
