#include <gtest/gtest.h>

#include <cstdint>
#include <numeric>
#include <string_view>

#include "sim/table/soa_table.hpp"

namespace innosim::sim {
namespace {

struct Id : Column<std::uint32_t, "id"> {};
struct Flag : Column<std::uint8_t, "flag"> {};
struct Amount : Column<float, "amount"> {};
using Table = SoaTable<Id, Flag, Amount>;

TEST(SoaTable, AppendsZeroedRowsAndPadsToWholeBlocks) {
  Table table;
  EXPECT_EQ(table.append(5), 0u);
  EXPECT_EQ(table.append(20), 5u);
  EXPECT_EQ(table.size(), 25u);
  EXPECT_EQ(table.padded_size(), 32u);
  for (const float amount : table.padded_column<Amount>()) EXPECT_EQ(amount, 0.0f);
  EXPECT_EQ(Table::BYTES_PER_ROW, 9u);
  EXPECT_EQ(Amount::name, "amount");
  EXPECT_EQ(reinterpret_cast<std::uintptr_t>(table.column<Amount>().data()) % 64, 0u);
}

TEST(SoaTable, CompactionIsStableAndKeepsColumnsAligned) {
  Table table;
  table.append(40);
  auto ids = table.column<Id>();
  auto flags = table.column<Flag>();
  auto amounts = table.column<Amount>();
  for (std::uint32_t row = 0; row < 40; ++row) {
    ids[row] = row;
    flags[row] = row % 3 != 0;  // drop every third row
    amounts[row] = static_cast<float>(row) * 0.5f;
  }
  const std::size_t removed =
      table.compact(table.column<Flag>());  // keep flags from the table itself
  EXPECT_EQ(removed, 14u);
  ASSERT_EQ(table.size(), 26u);
  std::uint32_t previous = 0;
  for (std::size_t row = 0; row < table.size(); ++row) {
    const std::uint32_t id = table.column<Id>()[row];
    EXPECT_NE(id % 3, 0u);
    EXPECT_EQ(table.column<Amount>()[row], static_cast<float>(id) * 0.5f);
    EXPECT_EQ(table.column<Flag>()[row], 1);
    if (row > 0) {
      EXPECT_GT(id, previous);  // original order kept
    }
    previous = id;
  }
  // Padding rows are zero again after compaction, so "flag" stays 0 there.
  const auto padded_flags = table.padded_column<Flag>();
  for (std::size_t row = table.size(); row < table.padded_size(); ++row)
    EXPECT_EQ(padded_flags[row], 0);
}

TEST(SoaTable, ClearEmptiesEveryColumn) {
  Table table;
  table.append(3);
  table.clear();
  EXPECT_TRUE(table.empty());
  EXPECT_EQ(table.padded_size(), 0u);
}

}  // namespace
}  // namespace innosim::sim
