// The firm table of the city model: one column per attribute (struct of arrays). Every column
// is declared once, in INNOSIM_CITY_FIRM_COLUMNS below: its member name in FirmView, its tag type,
// its value type, its name (the snapshot dataset name), unit, meaning and whether snapshots write
// it. The table type, the views and the snapshot schema are generated from that list, so adding a
// column is one line there. Money in 万元 (sim::Wan); flows (revenue, R&D) as annual rates or
// year-to-date sums as named.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#include "sim/money/money.hpp"
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

inline constexpr bool SNAPSHOT = true;
inline constexpr bool STATE_ONLY = false;

// clang-format off
/// X(member, Tag, value type, name, unit, meaning, snapshotted). The first column is the
/// identity: snapshots write it as the "firm" dimension scale.
#define INNOSIM_CITY_FIRM_COLUMNS(X)                                                              \
  X(id, FirmId, std::uint32_t, "firm_id", "",                                                     \
    "firm identity (initial firms from 0; entrants from 2^31, by channel, step and index)",      \
    SNAPSHOT)                                                                                     \
  X(tier, TierColumn, std::uint8_t, "tier", "",                                                   \
    "0 candidate, 1 tech_sme, 2 high_tech, 3 gazelle, 4 leader", SNAPSHOT)                        \
  X(alive, Alive, std::uint8_t, "alive", "", "1 while the firm is in business", STATE_ONLY)       \
  X(flags, Flags, std::uint8_t, "flags", "",                                                      \
    "bits: 1 gazelle, 2 leader, 4 little giant, 8 fledgling, 16 listed, "                         \
    "32 direct tech-SME route", SNAPSHOT)                                               \
  X(sector, SectorColumn, std::uint8_t, "sector", "", "index into the sectors attribute",         \
    SNAPSHOT)                                                                                     \
  X(origin, OriginColumn, std::uint8_t, "origin", "",                                             \
    "0 initial, 1 registration, 2 spin-off, 3 talent team", SNAPSHOT)                             \
  X(ipo_stage, IpoStage, std::uint8_t, "ipo_stage", "",                                           \
    "0 none, 1 counselling, 2 accepted, 3 listed", STATE_ONLY)                                    \
  X(age_months, AgeMonths, std::uint16_t, "age_months", "months", "age", SNAPSHOT)                \
  X(ip_class1, IpClass1, std::uint16_t, "ip_class1", "items", "class-I IP", SNAPSHOT)             \
  X(ip_class2, IpClass2, std::uint16_t, "ip_class2", "items", "class-II IP", SNAPSHOT)            \
  X(tech_sme_until, TechSmeUntil, std::uint16_t, "tech_sme_until_step", "step",                   \
    "tech-SME admission ends at this step (0: none)", SNAPSHOT)                                   \
  X(high_tech_since, HighTechSince, std::uint16_t, "high_tech_since_step", "step",                \
    "step + 1 of the latest (re)certification in the run (0: none, or before the run)",          \
    SNAPSHOT)                                                                                     \
  X(high_tech_until, HighTechUntil, std::uint16_t, "high_tech_until_step", "step",                \
    "high-tech certificate ends at this step (0: none)", SNAPSHOT)                                \
  X(employees, Employees, float, "employees", "employees", "employees", SNAPSHOT)                 \
  X(tech_staff_share, TechStaffShare, float, "tech_staff_share", "1", "tech staff / employees",    \
    SNAPSHOT)                                                                                     \
  X(revenue, Revenue, float, "revenue", "万元/year", "revenue (annual rate)", SNAPSHOT)            \
  X(rd_propensity, RdPropensity, float, "rd_propensity", "1",                                     \
    "R&D intensity the firm chooses at its reference cost (start year's regime)", STATE_ONLY)     \
  X(rd_real, RdReal, float, "rd_intensity_real", "1", "real R&D / revenue this year", SNAPSHOT)   \
  X(rd_reported, RdReported, float, "rd_intensity_reported", "1",                                 \
    "reported R&D / revenue this year", SNAPSHOT)                                                 \
  X(knowledge, Knowledge, float, "knowledge", "万元", "knowledge stock", SNAPSHOT)                 \
  X(high_tech_share, HighTechShare, float, "high_tech_revenue_share", "1",                        \
    "share of revenue from high-tech products", SNAPSHOT)                                         \
  X(cash, Cash, sim::MoneyColumn, "cash", "万元", "cash", SNAPSHOT)                                \
  X(debt, Debt, sim::MoneyColumn, "debt", "万元", "debt", SNAPSHOT)                                \
  X(revenue_ytd, RevenueYtd, float, "revenue_ytd", "万元", "sales so far this year", STATE_ONLY)   \
  X(rd_reported_ytd, RdReportedYtd, float, "rd_reported_ytd", "万元",                              \
    "reported R&D so far this year", STATE_ONLY)                                                  \
  X(revenue_y1, RevenueY1, float, "revenue_y1", "万元", "sales of the last completed year",        \
    STATE_ONLY)                                                                                   \
  X(revenue_y2, RevenueY2, float, "revenue_y2", "万元", "sales two years back", STATE_ONLY)        \
  X(revenue_y3, RevenueY3, float, "revenue_y3", "万元", "sales three years back", STATE_ONLY)      \
  X(revenue_y4, RevenueY4, float, "revenue_y4", "万元", "sales four years back", STATE_ONLY)       \
  X(rd_reported_y1, RdReportedY1, float, "rd_reported_last_year", "万元",                          \
    "reported R&D of the last completed year", SNAPSHOT)                                          \
  X(rd_reported_y2, RdReportedY2, float, "rd_reported_y2", "万元", "reported R&D two years back",  \
    STATE_ONLY)                                                                                   \
  X(rd_reported_y3, RdReportedY3, float, "rd_reported_y3", "万元",                                 \
    "reported R&D three years back", STATE_ONLY)                                                  \
  X(gazelle_until, GazelleUntil, std::uint16_t, "gazelle_until_step", "step",                     \
    "the gazelle label's hold ends at this step's round (with the flag)", STATE_ONLY)             \
  X(leader_until, LeaderUntil, std::uint16_t, "leader_until_step", "step",                        \
    "the leader label's hold ends at this step's round (with the flag)", STATE_ONLY)              \
  X(little_giant_until, LittleGiantUntil, std::uint16_t, "little_giant_until_step", "step",       \
    "the little-giant label's hold ends at this step's round (with the flag)", STATE_ONLY)        \
  X(fledgling_until, FledglingUntil, std::uint16_t, "fledgling_until_step", "step",               \
    "the fledgling label's hold ends at this step's round (with the flag)", STATE_ONLY) \
  X(equity_base, EquityBase, float, "equity_base", "万元",                                         \
    "net assets less (cash - debt): paid-in capital at entry less the cash it brought",          \
    STATE_ONLY)                                                                                   \
  X(net_assets_y1, NetAssetsY1, float, "net_assets_y1", "万元",                                    \
    "net assets at the end of the last completed year", STATE_ONLY)                               \
  X(net_assets_y2, NetAssetsY2, float, "net_assets_y2", "万元", "net assets two year-ends back",   \
    STATE_ONLY)                                                                                   \
  X(net_assets_y3, NetAssetsY3, float, "net_assets_y3", "万元", "net assets three year-ends back", \
    STATE_ONLY)                                                                                   \
  X(ip_class2_used, IpClass2Used, std::uint16_t, "ip_class2_used", "items",                       \
    "class-II IP already used by a high-tech certification (of ip_class2)", STATE_ONLY)           \
  X(ip_bought, IpBought, std::uint16_t, "ip_bought", "items",                                     \
    "class-II IP bought or licensed and not yet used (of ip_class2)", STATE_ONLY)                 \
  X(operating_margin, OperatingMargin, float, "operating_margin", "1",                            \
    "operating profit / revenue before R&D and interest (fixed trait)", STATE_ONLY)               \
  X(rd_reference_cost, RdReferenceCost, float, "rd_reference_cost", "1",                          \
    "after-tax cost of R&D at which the firm chooses its propensity (start year's regime)",       \
    STATE_ONLY)                                                                                   \
  X(tax_profit_ytd, TaxProfitYtd, float, "tax_profit_ytd", "万元",                                \
    "profit so far this tax year (before the super-deduction)", STATE_ONLY)                       \
  X(tax_deduction_ytd, TaxDeductionYtd, float, "tax_deduction_ytd", "万元",                       \
    "super-deduction so far this tax year", STATE_ONLY)                                           \
  X(tax_paid_ytd, TaxPaidYtd, float, "tax_paid_ytd", "万元",                                      \
    "provisional corporate tax paid so far this tax year", STATE_ONLY)                            \
  X(tax_reduced_rate, TaxReducedRate, std::uint8_t, "tax_reduced_rate", "",                       \
    "1 if this year's provisional tax so far is at the high-tech rate", STATE_ONLY)               \
  X(tax_losses, TaxLosses, float, "tax_losses", "万元",                                           \
    "tax losses carried into this tax year, usable (sum of tax_loss_1..10)", STATE_ONLY)          \
  X(tax_loss_from_deduction, TaxLossFromDeduction, float, "tax_loss_from_deduction", "万元",      \
    "part of tax_losses created by the super-deduction", STATE_ONLY)                              \
  X(tax_loss_extended, TaxLossExtended, std::uint16_t, "tax_loss_extended", "",                   \
    "bit k-1: the loss of k years back may be carried 10 years", STATE_ONLY)                      \
  X(tax_loss_1, TaxLoss1, float, "tax_loss_1", "万元",                                            \
    "unused tax loss of the year 1 year back", STATE_ONLY)                                        \
  X(tax_loss_2, TaxLoss2, float, "tax_loss_2", "万元",                                            \
    "unused tax loss of the year 2 years back", STATE_ONLY)                                       \
  X(tax_loss_3, TaxLoss3, float, "tax_loss_3", "万元",                                            \
    "unused tax loss of the year 3 years back", STATE_ONLY)                                       \
  X(tax_loss_4, TaxLoss4, float, "tax_loss_4", "万元",                                            \
    "unused tax loss of the year 4 years back", STATE_ONLY)                                       \
  X(tax_loss_5, TaxLoss5, float, "tax_loss_5", "万元",                                            \
    "unused tax loss of the year 5 years back", STATE_ONLY)                                       \
  X(tax_loss_6, TaxLoss6, float, "tax_loss_6", "万元",                                            \
    "unused tax loss of the year 6 years back", STATE_ONLY)                                       \
  X(tax_loss_7, TaxLoss7, float, "tax_loss_7", "万元",                                            \
    "unused tax loss of the year 7 years back", STATE_ONLY)                                       \
  X(tax_loss_8, TaxLoss8, float, "tax_loss_8", "万元",                                            \
    "unused tax loss of the year 8 years back", STATE_ONLY)                                       \
  X(tax_loss_9, TaxLoss9, float, "tax_loss_9", "万元",                                            \
    "unused tax loss of the year 9 years back", STATE_ONLY)                                       \
  X(tax_loss_10, TaxLoss10, float, "tax_loss_10", "万元",                                         \
    "unused tax loss of the year 10 years back", STATE_ONLY)                                      \
  X(application_support, ApplicationSupport, float, "application_support", "万元", "value of application services (cultivation, consulting) held for the next certification application", STATE_ONLY) \
  X(survival_until, SurvivalUntil, std::uint16_t, "survival_until_step", "step",                  \
    "survival support lowers the market exit hazard before this step (0: none)", STATE_ONLY)    \
  X(survival_hazard_cut, SurvivalHazardCut, float, "survival_hazard_cut", "1",                    \
    "while it lasts, the market exit hazard is multiplied by 1 - this", STATE_ONLY)           \
  X(graph_vertex, GraphVertex, std::uint32_t, "graph_vertex", "",                                 \
    "the firm's vertex in the network + 1 (0: no relation yet)", STATE_ONLY)                      \
  X(incubated_until, IncubatedUntil, std::uint16_t, "incubated_until_step", "step",               \
    "tenant of an incubator until this step (0: not in incubation)", SNAPSHOT)                    \
  X(credit_line, CreditLine, sim::MoneyColumn, "credit_line", "万元",                              \
    "credit a bank extended beyond collateral (a technology loan's principal)", SNAPSHOT)
// clang-format on

#define INNOSIM_CITY_COLUMN_TAG(member, Tag, Type, name, ...) \
  struct Tag : sim::Column<Type, name> {};
INNOSIM_CITY_FIRM_COLUMNS(INNOSIM_CITY_COLUMN_TAG)
#undef INNOSIM_CITY_COLUMN_TAG

namespace detail {
template <class Tuple, class Indices>
struct TableOf;
template <class Tuple, std::size_t... I>
struct TableOf<Tuple, std::index_sequence<I...>> {
  using type = sim::SoaTable<std::tuple_element_t<I, Tuple>...>;
};
#define INNOSIM_CITY_COLUMN_TYPE(member, Tag, ...) Tag,
// The list ends with void, which the table leaves out (a macro list cannot drop its last comma).
using ColumnTags = std::tuple<INNOSIM_CITY_FIRM_COLUMNS(INNOSIM_CITY_COLUMN_TYPE) void>;
#undef INNOSIM_CITY_COLUMN_TYPE
}  // namespace detail

using Firms =
    detail::TableOf<detail::ColumnTags,
                    std::make_index_sequence<std::tuple_size_v<detail::ColumnTags> - 1>>::type;

/// Raw column pointers of a table, fetched once per pass: processes read attributes by name
/// (firm.revenue[row]) without a template call per access. Valid until the table is resized.
/// Padding rows are included (zero: not alive), so kernels may run over whole row blocks.
template <bool READ_ONLY>
struct BasicFirmView {
  template <class T>
  using Pointer = std::conditional_t<READ_ONLY, const T*, T*>;
  using Table = std::conditional_t<READ_ONLY, const Firms, Firms>;
#define INNOSIM_CITY_VIEW_MEMBER(member, Tag, Type, ...) Pointer<Type> member;
  INNOSIM_CITY_FIRM_COLUMNS(INNOSIM_CITY_VIEW_MEMBER)
#undef INNOSIM_CITY_VIEW_MEMBER

  explicit BasicFirmView(Table& firms) {
#define INNOSIM_CITY_VIEW_INIT(member, Tag, ...) \
  member = firms.template padded_column<Tag>().data();
    INNOSIM_CITY_FIRM_COLUMNS(INNOSIM_CITY_VIEW_INIT)
#undef INNOSIM_CITY_VIEW_INIT
  }
};
using FirmView = BasicFirmView<false>;
using ConstFirmView = BasicFirmView<true>;

/// A column as snapshots describe it.
struct FirmColumnInfo {
  std::string_view name;
  std::string_view unit;
  std::string_view description;
  bool snapshot;
  bool integer;  ///< an integral value type (written as int64)
};

/// Every column, in table order.
[[nodiscard]] const std::vector<FirmColumnInfo>& firm_columns();

/// Moves every date column (unit "step": a step index, 0 for none) back by `steps`, so that
/// dates of the burn-in count from the first run step; dates that fall before it become 0.
void shift_step_columns(Firms& firms, int steps);

}  // namespace innosim::models::city
