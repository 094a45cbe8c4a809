// The firm table of the city model: one column per attribute (design.md decision 1).
// Money in 万元; flows (revenue, R&D) as annual rates or year-to-date sums as named.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

#include "sim/table/soa_table.hpp"

namespace innosim::models::city {

/// The exclusive rung a firm stands on: the highest of its register entries and labels.
enum Tier : std::uint8_t { CANDIDATE = 0, TECH_SME = 1, HIGH_TECH = 2, GAZELLE = 3, LEADER = 4 };
inline constexpr int TIER_COUNT = 5;
inline constexpr std::array<std::string_view, TIER_COUNT> TIER_NAMES = {
    "candidate", "tech_sme", "high_tech", "gazelle", "leader"};

/// Bits of the Flags column.
enum Flag : std::uint8_t {
  FLAG_GAZELLE = 1u << 0,
  FLAG_LEADER = 1u << 1,
  FLAG_LITTLE_GIANT = 1u << 2,
  FLAG_FLEDGLING = 1u << 3,
  FLAG_LISTED = 1u << 4,
  /// A direct admission route to the tech-SME register (S&T award, provincial+ R&D
  /// institution, led a standard).
  FLAG_DIRECT_ROUTE = 1u << 5,
  /// Meets the little-giant criteria the model does not represent (main business >= 90% of
  /// revenue, market share >= 10% or top 3 in its niche).
  FLAG_NICHE = 1u << 6,
};

enum Sector : std::uint8_t {
  ELECTRONIC_INFORMATION,
  EQUIPMENT_MANUFACTURING,
  NEW_MATERIALS,
  BIOMEDICINE,
  NEW_ENERGY_VEHICLES,
  GREEN_FOOD,
  OTHER_SECTOR,
};
inline constexpr int SECTOR_COUNT = 7;
inline constexpr std::array<std::string_view, SECTOR_COUNT> SECTOR_NAMES = {
    "electronic_information",
    "equipment_manufacturing",
    "new_materials",
    "biomedicine",
    "new_energy_vehicles",
    "green_food",
    "other"};
/// Manufacturing sectors (for the 2021-22 super-deduction rules): all but "other".
[[nodiscard]] constexpr bool is_manufacturing(std::uint8_t sector) {
  return sector != OTHER_SECTOR;
}

/// How a firm entered: initial population or one of the entry channels.
enum Origin : std::uint8_t { INITIAL = 0, REGISTRATION = 1, SPINOFF = 2, TALENT_TEAM = 3 };

struct FirmId : sim::Column<std::uint32_t, "firm_id"> {};
struct TierColumn : sim::Column<std::uint8_t, "tier"> {};
struct Alive : sim::Column<std::uint8_t, "alive"> {};
struct Flags : sim::Column<std::uint8_t, "flags"> {};
struct SectorColumn : sim::Column<std::uint8_t, "sector"> {};
struct OriginColumn : sim::Column<std::uint8_t, "origin"> {};
struct IpoStage : sim::Column<std::uint8_t, "ipo_stage"> {};  ///< 0, counselling, accepted, listed
struct AgeMonths : sim::Column<std::uint16_t, "age_months"> {};
struct IpClass1 : sim::Column<std::uint16_t, "ip_class1"> {};
struct IpClass2 : sim::Column<std::uint16_t, "ip_class2"> {};
/// Register dates as step indices; 0 means none (a step index + 1 is stored).
struct TechSmeUntil : sim::Column<std::uint16_t, "tech_sme_until"> {};
struct HighTechSince : sim::Column<std::uint16_t, "high_tech_since"> {};
struct HighTechUntil : sim::Column<std::uint16_t, "high_tech_until"> {};
struct Employees : sim::Column<float, "employees"> {};
struct TechStaffShare : sim::Column<float, "tech_staff_share"> {};
struct Revenue : sim::Column<float, "revenue"> {};             ///< annual rate, 万元/year
struct RdPropensity : sim::Column<float, "rd_propensity"> {};  ///< R&D intensity at baseline cost
struct RdReal : sim::Column<float, "rd_intensity_real"> {};    ///< this year's real R&D / revenue
struct RdReported : sim::Column<float, "rd_intensity_reported"> {};
struct Knowledge : sim::Column<float, "knowledge"> {};
struct HighTechShare : sim::Column<float, "high_tech_revenue_share"> {};
struct Cash : sim::Column<float, "cash"> {};
struct Debt : sim::Column<float, "debt"> {};
struct RevenueYtd : sim::Column<float, "revenue_ytd"> {};
struct RdRealYtd : sim::Column<float, "rd_real_ytd"> {};
struct RdReportedYtd : sim::Column<float, "rd_reported_ytd"> {};
/// Completed calendar years: Y1 is the last one, Y4 four years back.
struct RevenueY1 : sim::Column<float, "revenue_y1"> {};
struct RevenueY2 : sim::Column<float, "revenue_y2"> {};
struct RevenueY3 : sim::Column<float, "revenue_y3"> {};
struct RevenueY4 : sim::Column<float, "revenue_y4"> {};
struct RdReportedY1 : sim::Column<float, "rd_reported_y1"> {};
struct RdReportedY2 : sim::Column<float, "rd_reported_y2"> {};
struct RdReportedY3 : sim::Column<float, "rd_reported_y3"> {};

using Firms =
    sim::SoaTable<FirmId, TierColumn, Alive, Flags, SectorColumn, OriginColumn, IpoStage, AgeMonths,
                  IpClass1, IpClass2, TechSmeUntil, HighTechSince, HighTechUntil, Employees,
                  TechStaffShare, Revenue, RdPropensity, RdReal, RdReported, Knowledge,
                  HighTechShare, Cash, Debt, RevenueYtd, RdRealYtd, RdReportedYtd, RevenueY1,
                  RevenueY2, RevenueY3, RevenueY4, RdReportedY1, RdReportedY2, RdReportedY3>;

/// Raw column pointers of a table, fetched once per pass: processes read attributes by name
/// (firm.revenue[row]) without a template call per access. Valid until the table is resized.
struct FirmView {
  std::uint32_t* id;
  std::uint8_t* tier;
  std::uint8_t* alive;
  std::uint8_t* flags;
  std::uint8_t* sector;
  std::uint8_t* origin;
  std::uint8_t* ipo_stage;
  std::uint16_t* age_months;
  std::uint16_t* ip_class1;
  std::uint16_t* ip_class2;
  std::uint16_t* tech_sme_until;
  std::uint16_t* high_tech_since;
  std::uint16_t* high_tech_until;
  float* employees;
  float* tech_staff_share;
  float* revenue;
  float* rd_propensity;
  float* rd_real;
  float* rd_reported;
  float* knowledge;
  float* high_tech_share;
  float* cash;
  float* debt;
  float* revenue_ytd;
  float* rd_real_ytd;
  float* rd_reported_ytd;
  float* revenue_y1;
  float* revenue_y2;
  float* revenue_y3;
  float* revenue_y4;
  float* rd_reported_y1;
  float* rd_reported_y2;
  float* rd_reported_y3;

  explicit FirmView(Firms& firms);
};

}  // namespace innosim::models::city
