#include "models/city/firms.hpp"

namespace innosim::models::city {

// padded_column: kernels may run over whole row blocks; padding rows are zero (not alive).
FirmView::FirmView(Firms& firms)
    : id(firms.padded_column<FirmId>().data()),
      tier(firms.padded_column<TierColumn>().data()),
      alive(firms.padded_column<Alive>().data()),
      flags(firms.padded_column<Flags>().data()),
      sector(firms.padded_column<SectorColumn>().data()),
      origin(firms.padded_column<OriginColumn>().data()),
      ipo_stage(firms.padded_column<IpoStage>().data()),
      age_months(firms.padded_column<AgeMonths>().data()),
      ip_class1(firms.padded_column<IpClass1>().data()),
      ip_class2(firms.padded_column<IpClass2>().data()),
      tech_sme_until(firms.padded_column<TechSmeUntil>().data()),
      high_tech_since(firms.padded_column<HighTechSince>().data()),
      high_tech_until(firms.padded_column<HighTechUntil>().data()),
      employees(firms.padded_column<Employees>().data()),
      tech_staff_share(firms.padded_column<TechStaffShare>().data()),
      revenue(firms.padded_column<Revenue>().data()),
      rd_propensity(firms.padded_column<RdPropensity>().data()),
      rd_real(firms.padded_column<RdReal>().data()),
      rd_reported(firms.padded_column<RdReported>().data()),
      knowledge(firms.padded_column<Knowledge>().data()),
      high_tech_share(firms.padded_column<HighTechShare>().data()),
      cash(firms.padded_column<Cash>().data()),
      debt(firms.padded_column<Debt>().data()),
      revenue_ytd(firms.padded_column<RevenueYtd>().data()),
      rd_real_ytd(firms.padded_column<RdRealYtd>().data()),
      rd_reported_ytd(firms.padded_column<RdReportedYtd>().data()),
      revenue_y1(firms.padded_column<RevenueY1>().data()),
      revenue_y2(firms.padded_column<RevenueY2>().data()),
      revenue_y3(firms.padded_column<RevenueY3>().data()),
      revenue_y4(firms.padded_column<RevenueY4>().data()),
      rd_reported_y1(firms.padded_column<RdReportedY1>().data()),
      rd_reported_y2(firms.padded_column<RdReportedY2>().data()),
      rd_reported_y3(firms.padded_column<RdReportedY3>().data()) {}

}  // namespace innosim::models::city
