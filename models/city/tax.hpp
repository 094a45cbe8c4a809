// The national tax instruments as the firm decisions and the cash flow see them.
#pragma once

#include <cstdint>

#include "models/city/city_params.hpp"
#include "models/city/rules.hpp"

namespace innosim::models::city {

/// The R&D super-deduction rate a firm gets in `year` (city.super_deduction chooses the
/// national schedule, none, or a fixed rate).
[[nodiscard]] inline double deduction_rate(const CityParams& p, int year, bool tech_sme,
                                           std::uint8_t sector) {
  if (p.super_deduction == "none") return 0.0;
  if (p.super_deduction == "fixed") return p.super_deduction_fixed_rate;
  return super_deduction_rate(year, tech_sme, is_manufacturing(sector));
}

}  // namespace innosim::models::city
