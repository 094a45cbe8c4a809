// Helpers for the modules' parameter tables: every [city] key is an entry of the module that
// uses it (modules/*.cpp); city_params.cpp joins the tables in schedule order.
#pragma once

#include <cstdint>
#include <string>

#include "models/city/city_params.hpp"
#include "sim/params/parameter_table.hpp"

namespace innosim::models::city {

using ParameterEntry = sim::ParameterEntry<CityParams>;
using ParameterTable = sim::ParameterTable<CityParams>;
#define FIELD(member) INNOSIM_FIELD(CityParams, member)

inline constexpr double HUGE_MONEY = 1.0e12;  // 万元: an upper bound no real amount reaches
inline constexpr const char* RULES_SME = "docs/policy-rules.md §1 (国科发政〔2017〕115号)";
inline constexpr const char* RULES_HTE = "docs/policy-rules.md §2 (国科发火〔2016〕32号)";
inline constexpr const char* RULES_UPPER = "docs/policy-rules.md §4 (labels)";
inline constexpr const char* FACTS_XINYANG = "docs/seed-documents.md §1 (信阳 2022)";
inline constexpr const char* STYLIZED = "docs/policy-rules.md §5 (firm dynamics)";

inline sim::ParameterSpec make_spec(const char* key, sim::ParameterType type,
                                    sim::ParameterValue value, double minimum, double maximum,
                                    const char* unit, const char* meaning, const char* source) {
  return sim::ParameterSpec::make(std::string("city.") + key, type, std::move(value), minimum,
                                  maximum, unit, meaning, source);
}

inline ParameterEntry real(const char* key, double value, double minimum, double maximum,
                           const char* unit, const char* meaning, const char* source,
                           sim::ParameterField<CityParams> field) {
  return {make_spec(key, sim::ParameterType::REAL, value, minimum, maximum, unit, meaning, source),
          field};
}

inline ParameterEntry integer(const char* key, std::int64_t value, double minimum, double maximum,
                              const char* unit, const char* meaning, const char* source,
                              sim::ParameterField<CityParams> field) {
  return {
      make_spec(key, sim::ParameterType::INTEGER, value, minimum, maximum, unit, meaning, source),
      field};
}

}  // namespace innosim::models::city
