#include "models/city/firms.hpp"

#include <string_view>
#include <type_traits>
#include <vector>

namespace innosim::models::city {

const std::vector<FirmColumnInfo>& firm_columns() {
  static const std::vector<FirmColumnInfo> columns = {
#define INNOSIM_CITY_COLUMN_INFO(member, Tag, Type, name, unit, description, snapshot) \
  {name, unit, description, snapshot, std::is_integral_v<Type>},
      INNOSIM_CITY_FIRM_COLUMNS(INNOSIM_CITY_COLUMN_INFO)
#undef INNOSIM_CITY_COLUMN_INFO
  };
  return columns;
}

namespace {

/// Shifts one column if it holds dates (an integral column in unit "step").
template <class T>
void shift_dates(T* values, std::size_t rows, std::string_view unit, int steps) {
  if constexpr (std::is_integral_v<T>) {
    if (unit != "step") return;
    for (std::size_t row = 0; row < rows; ++row) {
      const int value = static_cast<int>(values[row]);
      values[row] = static_cast<T>(value > steps ? value - steps : 0);
    }
  }
}

}  // namespace

void shift_step_columns(Firms& firms, int steps) {
  if (steps <= 0) return;
  FirmView f(firms);
#define INNOSIM_CITY_SHIFT_DATES(member, Tag, Type, name, unit, ...) \
  shift_dates(f.member, firms.size(), unit, steps);
  INNOSIM_CITY_FIRM_COLUMNS(INNOSIM_CITY_SHIFT_DATES)
#undef INNOSIM_CITY_SHIFT_DATES
}

}  // namespace innosim::models::city
