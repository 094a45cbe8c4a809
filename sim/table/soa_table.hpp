// A struct-of-arrays table: one contiguous, 64-byte aligned column per attribute.
//
// A column is a tag type naming its value type and its name:
//   struct Size { using value_type = float; static constexpr std::string_view name = "size"; };
//   using Agents = SoaTable<AgentId, Size>; std::span<float> size = agents.column<Size>();
//
// Rows are stored in blocks of ROW_BLOCK: every column is allocated to padded_size(), a multiple
// of ROW_BLOCK, and the padding rows hold value-initialised (zero) values. Kernels can therefore
// process whole blocks with no scalar remainder loop; a zero "alive" flag keeps padding inert.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <vector>

#include "sim/table/aligned_allocator.hpp"

namespace innosim::sim {

template <class T>
using AlignedVector = std::vector<T, AlignedAllocator<T>>;

/// A string literal usable as a template argument (for column names).
template <std::size_t N>
struct ColumnName {
  constexpr ColumnName(const char (&literal)[N]) { std::copy_n(literal, N, text); }  // NOLINT
  char text[N];
};

/// Base of column tags: `struct Revenue : Column<float, "revenue"> {};` (each tag its own type).
template <class T, ColumnName NAME>
struct Column {
  using value_type = T;
  static constexpr std::string_view name{NAME.text, sizeof(NAME.text) - 1};
};

template <class... Columns>
class SoaTable {
 public:
  static constexpr std::size_t ROW_BLOCK = 16;
  /// Bytes of state per row, all columns included.
  static constexpr std::size_t BYTES_PER_ROW = (sizeof(typename Columns::value_type) + ...);

  [[nodiscard]] std::size_t size() const noexcept { return size_; }
  [[nodiscard]] bool empty() const noexcept { return size_ == 0; }
  [[nodiscard]] static constexpr std::size_t padded(std::size_t rows) noexcept {
    return (rows + ROW_BLOCK - 1) / ROW_BLOCK * ROW_BLOCK;
  }
  [[nodiscard]] std::size_t padded_size() const noexcept { return padded(size_); }

  /// The first size() values of a column.
  template <class Column>
  [[nodiscard]] std::span<typename Column::value_type> column() noexcept {
    return {storage<Column>().data(), size_};
  }
  template <class Column>
  [[nodiscard]] std::span<const typename Column::value_type> column() const noexcept {
    return {storage<Column>().data(), size_};
  }
  /// All padded_size() values of a column, padding rows included.
  template <class Column>
  [[nodiscard]] std::span<typename Column::value_type> padded_column() noexcept {
    return {storage<Column>().data(), padded_size()};
  }
  template <class Column>
  [[nodiscard]] std::span<const typename Column::value_type> padded_column() const noexcept {
    return {storage<Column>().data(), padded_size()};
  }

  void reserve(std::size_t rows) {
    std::apply([&](auto&... columns) { (columns.reserve(padded(rows)), ...); }, columns_);
  }

  /// Appends `count` zero-initialised rows; returns the index of the first new row.
  std::size_t append(std::size_t count) {
    const std::size_t first = size_;
    resize(size_ + count);
    return first;
  }

  /// Stable removal of every row whose keep flag is zero (keep has size() entries; it may be a
  /// column of this very table). Returns the number of rows removed.
  std::size_t compact(std::span<const std::uint8_t> keep_flags) {
    keep_scratch_.assign(keep_flags.begin(), keep_flags.end());
    const std::span<const std::uint8_t> keep(keep_scratch_);
    std::size_t kept = 0;
    // One pass per column keeps each pass a straight streaming copy.
    std::apply([&](auto&... columns) { ((kept = compact_column(columns, keep)), ...); }, columns_);
    const std::size_t removed = size_ - kept;
    resize(kept);
    return removed;
  }

  void clear() { resize(0); }

  /// Resizes to `rows`; new rows and all padding rows are zero.
  void resize(std::size_t rows) {
    const std::size_t padded_rows = padded(rows);
    std::apply(
        [&](auto&... columns) {
          ((columns.resize(padded_rows),
            std::fill(columns.begin() + static_cast<std::ptrdiff_t>(std::min(rows, size_)),
                      columns.end(), typename std::decay_t<decltype(columns)>::value_type{})),
           ...);
        },
        columns_);
    size_ = rows;
  }

 private:
  template <class Column>
  static constexpr std::size_t index_of() {
    constexpr bool matches[] = {std::is_same_v<Column, Columns>...};
    for (std::size_t i = 0; i < sizeof...(Columns); ++i) {
      if (matches[i]) return i;
    }
    return sizeof...(Columns);
  }
  template <class Column>
  AlignedVector<typename Column::value_type>& storage() noexcept {
    static_assert(index_of<Column>() < sizeof...(Columns), "column is not part of this table");
    return std::get<index_of<Column>()>(columns_);
  }
  template <class Column>
  const AlignedVector<typename Column::value_type>& storage() const noexcept {
    static_assert(index_of<Column>() < sizeof...(Columns), "column is not part of this table");
    return std::get<index_of<Column>()>(columns_);
  }

  template <class T>
  std::size_t compact_column(AlignedVector<T>& column, std::span<const std::uint8_t> keep) {
    std::size_t out = 0;
    for (std::size_t row = 0; row < size_; ++row) {
      column[out] = column[row];
      out += keep[row] != 0;
    }
    return out;
  }

  std::tuple<AlignedVector<typename Columns::value_type>...> columns_;
  std::size_t size_ = 0;
  AlignedVector<std::uint8_t> keep_scratch_;
};

}  // namespace innosim::sim
