#include "models/city/firms.hpp"

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

}  // namespace innosim::models::city
