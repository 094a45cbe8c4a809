// Corporate income tax with losses carried forward, the expected value of the R&D deductions, and
// the R&D choice at the high-tech threshold (docs/model.md §3.2.3, §3.2.5). The pure functions
// are checked against hand computations; the modules are run in isolation on populations built
// here, with fixed seeds (common random numbers between the arms of a comparison).
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "city_fixtures.hpp"
#include "models/city/tax.hpp"

namespace innosim::models::city {
namespace {

// ------------------------------------------------------------------ loss carry-forward

TEST(CityTaxRd, LossesAreUsedOldestFirst) {
  // Losses of 100 (two years back) and 50 (last year); an income of 120 uses the 100 first,
  // then 20 of the 50. Fails if the newest vintage were used first (30 would stay two years
  // back... and 70 of the older one would remain).
  LossVintages losses;
  settle_tax_year(losses, -100.0, 0.0, false);
  settle_tax_year(losses, -50.0, 0.0, false);
  EXPECT_FLOAT_EQ(losses.amount[0], 50.0f);
  EXPECT_FLOAT_EQ(losses.amount[1], 100.0f);
  const YearSettlement year = settle_tax_year(losses, 120.0, 0.0, false);
  EXPECT_DOUBLE_EQ(year.losses_used, 120.0);
  EXPECT_DOUBLE_EQ(year.taxable, 0.0);
  // A year on: the 30 left of last year's loss is now two years back; nothing else remains.
  EXPECT_FLOAT_EQ(losses.amount[0], 0.0f);
  EXPECT_FLOAT_EQ(losses.amount[1], 30.0f);
  EXPECT_FLOAT_EQ(losses.amount[2], 0.0f);
  EXPECT_DOUBLE_EQ(losses.total(), 30.0);
  const YearSettlement next = settle_tax_year(losses, 100.0, 0.0, false);
  EXPECT_DOUBLE_EQ(next.losses_used, 30.0);
  EXPECT_DOUBLE_EQ(next.taxable, 70.0);
  EXPECT_DOUBLE_EQ(losses.total(), 0.0);
}

TEST(CityTaxRd, LossesExpireAfterFiveYears) {
  // A loss of year 0 may be set against the income of years 1-5 (企业所得税法 §18). Fails if
  // it expired a year early or late.
  LossVintages losses;
  settle_tax_year(losses, -100.0, 0.0, false);  // year 0
  for (int year = 1; year <= 4; ++year) settle_tax_year(losses, 0.0, 0.0, false);
  EXPECT_DOUBLE_EQ(losses.total(), 100.0);  // usable in year 5
  LossVintages used = losses;
  EXPECT_DOUBLE_EQ(settle_tax_year(used, 100.0, 0.0, false).taxable, 0.0);  // year 5 uses it
  settle_tax_year(losses, 0.0, 0.0, false);                                 // year 5, no income
  EXPECT_DOUBLE_EQ(losses.total(), 0.0);                                    // gone by year 6
}

TEST(CityTaxRd, QualifiedFirmsCarryLossesTenYears) {
  // 财税〔2018〕76号: a firm certified (or admitted as a tech SME) in a year carries the losses
  // of that year and of the 5 years before it for 10 years. Fails if the extension were not
  // granted, granted to older losses, or lasted a year too long or short.
  LossVintages losses;
  settle_tax_year(losses, -100.0, 0.0, true);  // year 0, qualified
  for (int year = 1; year <= 9; ++year) settle_tax_year(losses, 0.0, 0.0, false);
  EXPECT_DOUBLE_EQ(losses.total(), 100.0);  // usable in year 10
  settle_tax_year(losses, 0.0, 0.0, false);
  EXPECT_DOUBLE_EQ(losses.total(), 0.0);  // gone by year 11

  // A loss of year 0 made before qualifying; the firm qualifies in year 5 (within the 5 years
  // before): extended. Another loss of year 0 when the firm qualifies only in year 6: by then
  // it has expired and stays so.
  LossVintages late;
  settle_tax_year(late, -100.0, 0.0, false);
  for (int year = 1; year <= 4; ++year) settle_tax_year(late, 0.0, 0.0, false);
  settle_tax_year(late, 0.0, 0.0, true);  // year 5, qualified
  for (int year = 6; year <= 9; ++year) settle_tax_year(late, 0.0, 0.0, false);
  EXPECT_DOUBLE_EQ(late.total(), 100.0);  // usable in year 10
  settle_tax_year(late, 0.0, 0.0, false);
  EXPECT_DOUBLE_EQ(late.total(), 0.0);

  LossVintages too_late;
  settle_tax_year(too_late, -100.0, 0.0, false);
  for (int year = 1; year <= 5; ++year) settle_tax_year(too_late, 0.0, 0.0, false);
  settle_tax_year(too_late, 0.0, 0.0, true);  // year 6
  EXPECT_DOUBLE_EQ(too_late.total(), 0.0);
}

TEST(CityTaxRd, TheSuperDeductionsPartOfLossesShrinksProRata) {
  // A year with profit 60 before a super-deduction of 100: a loss of 40, all of it the
  // deduction's. Half the loss used: half the deduction's part left. Fails if the part were
  // not kept or not reduced.
  LossVintages losses;
  settle_tax_year(losses, 60.0 - 100.0, 40.0, false);
  EXPECT_FLOAT_EQ(losses.from_deduction, 40.0f);
  settle_tax_year(losses, 20.0, 0.0, false);
  EXPECT_FLOAT_EQ(losses.from_deduction, 20.0f);
}

// ------------------------------------------------------------------ value of the deductions

TEST(CityTaxRd, TheSuperDeductionIsWorthNothingNowWithoutTaxableIncome) {
  // No taxable income this year nor later: the deduction saves no tax (the old user cost
  // assumed tax_rate x (1 + rate) always). With ample income it saves tax_rate x (1 + rate)
  // per yuan: 0.25 x 2 = 0.5 (2023, 100%). Exact arithmetic: tolerance 1e-12.
  TaxOutlook none;
  none.income_before_rd = 0.0;
  none.rd_deductions = 100.0;
  none.discount_rate = 0.05;
  EXPECT_DOUBLE_EQ(deduction_value(none), 0.0);
  none.rd_deductions = 0.0;  // the marginal yuan too
  EXPECT_DOUBLE_EQ(deduction_value(none), 0.0);

  TaxOutlook ample = none;
  ample.income_before_rd = 1000.0;
  ample.rd_deductions = 100.0;
  EXPECT_DOUBLE_EQ(deduction_value(ample), 1.0);
  const CityParams p = CityParams::defaults();
  const double rate = deduction_rate(p, 2023, false, OTHER_SECTOR, false);
  EXPECT_DOUBLE_EQ(rate, 1.0);
  EXPECT_NEAR(p.corporate_tax_rate * (1.0 + rate) * deduction_value(ample), 0.5, 1e-12);
}

TEST(CityTaxRd, DeferredDeductionsAreDiscountedAndLostBeyondTheHorizon) {
  // Income 120 before R&D deductions of 100, losses 150 carried in: this year's income goes to
  // the losses (30 of them left ahead of the deductions); later years earn 20 each, so the
  // deductions are used 10 in year 2, 20 in years 3, 4, 5, and (only with the 10-year
  // horizon) 20 in year 6 and 10 in year 7. Hand computation at 5% a year.
  TaxOutlook o;
  o.income_before_rd = 120.0;
  o.rd_deductions = 100.0;
  o.carried_losses = 150.0;
  o.discount_rate = 0.05;
  const double b = 1.0 / 1.05;
  const double five =
      (10 * std::pow(b, 2) + 20 * std::pow(b, 3) + 20 * std::pow(b, 4) + 20 * std::pow(b, 5)) /
      100.0;
  o.horizon_years = 5;
  EXPECT_NEAR(deduction_value(o), five, 1e-12);
  o.horizon_years = 10;
  EXPECT_NEAR(deduction_value(o), five + (20 * std::pow(b, 6) + 10 * std::pow(b, 7)) / 100.0,
              1e-12);
  // Part usable now: income 150, no losses, deductions 100 -> all now.
  // Income 50 -> 50 now, the rest never (later years lose 50 a year).
  TaxOutlook part;
  part.income_before_rd = 50.0;
  part.rd_deductions = 100.0;
  part.discount_rate = 0.05;
  EXPECT_NEAR(deduction_value(part), 0.5, 1e-12);
}

// ------------------------------------------------------------------ the threshold

TEST(CityTaxRd, BunchersRelabelTheirShareOfReportedRd) {
  // Chen et al. (2021): relabelling is 24.2% of the reported R&D of firms at the notch. Over
  // firms spread across the bunching window (fixed grid): every buncher reports just above the
  // threshold (threshold x (1 + margin)), never lowers its real R&D, and relabels at most
  // relabel_share of its report: exactly that share when its own R&D is below (1 - share) of
  // the report, less when its own R&D is closer (it relabels only the gap). Fails if bunchers
  // over-report (the earlier rule reported real / (1 - share), up to 1.32x the threshold) or
  // relabel more than the share. Tolerance 1e-4 (single precision).
  const CityParams p = CityParams::defaults();
  const float threshold = 0.05f;
  const float top = threshold * (1.0f + static_cast<float>(p.bunching_margin));
  const auto share = static_cast<float>(p.relabel_share);
  int bunchers = 0, full_share = 0;
  for (int i = 0; i < 1000; ++i) {
    const float r = threshold * (0.6f + 0.4f * static_cast<float>(i) / 1000.0f);
    const RdReport report = report_rd(r, r, threshold, true, false, true, p);
    if (!report.bunched) continue;
    ++bunchers;
    EXPECT_NEAR(report.reported, top, 1e-6f) << r;
    EXPECT_GE(report.real, r) << r;  // relabelling never lowers real R&D
    const float relabelled = (report.reported - report.real) / report.reported;
    EXPECT_LE(relabelled, share + 1e-4f) << r;
    if (r < (1.0f - share) * top) {
      EXPECT_NEAR(relabelled, share, 1e-4f) << r;
      ++full_share;
    }
  }
  EXPECT_GT(bunchers, 500);
  EXPECT_GT(full_share, 100);
}

/// A population for the R&D choice run in isolation: n firms with the same sales, IP and
/// high-tech share, propensities spread evenly over [low, high], and a history at their
/// propensity (constant sales).
void populate(World& world, int n, float low, float high) {
  world.firms.append(static_cast<std::size_t>(n));
  FirmView f(world.firms);
  for (int i = 0; i < n; ++i) {
    const auto row = static_cast<std::size_t>(i);
    f.id[row] = static_cast<std::uint32_t>(i);
    f.alive[row] = 1;
    f.sector[row] = EQUIPMENT_MANUFACTURING;
    f.age_months[row] = 120;
    f.revenue[row] = 2000.0f;
    f.rd_propensity[row] = low + (high - low) * static_cast<float>(i) / static_cast<float>(n);
    float* sales[] = {f.revenue_y1, f.revenue_y2, f.revenue_y3, f.revenue_y4};
    for (float* column : sales) column[row] = 2000.0f;
    f.rd_reported_y1[row] = f.rd_reported_y2[row] = f.rd_reported_y3[row] =
        f.rd_propensity[row] * 2000.0f;
    f.ip_class1[row] = 1;
    f.high_tech_share[row] = 0.8f;
  }
}

const Module& module_named(const CityModel& model, std::string_view name) {
  for (const auto& module : model.modules())
    if (module->info().name == name) return *module;
  throw std::out_of_range(std::string(name));
}

TEST(CityTaxRd, CertificationDoesNotLowerTheRdOfFirmsNearTheThreshold) {
  // The same firms (same ids: same draws) in January 2024 (start 2023, same regime), uncertified in
  // one arm and certified in the other; all with ample taxable income (margin 40%), where the 15%
  // rate lowers the value of the deductions most (the earlier rule cut their R&D by 1 - 0.5/0.7 =
  // 29%). Firms whose R&D at the standard rate is within the bunching window below the threshold
  // (5% of sales under 5000万) or up to its margin above must not do less real R&D when
  // certified. Fails with the earlier rule (certified firms bunched only by chance and chose at
  // the higher user cost). Exact comparison (same arithmetic in both arms) with 1e-7 slack.
  // Uncertified firms do not invest to qualify here (bunching_baseline 0: with a 40% margin the
  // certificate is worth far more than closing the gap, so at the default they nearly all would,
  // and the arms would not differ), so the notch is what raises the certified arm's R&D.
  const io::Scenario scenario = testing::city_scenario(
      "[city]\noperating_margin = 0.4\noperating_margin_sd = 0.0\nbunching_baseline = 0.0\n", 24,
      2023);
  const auto model = testing::city_model(scenario);
  const Module& rd = module_named(*model, "rd_choice");
  const std::vector<Instrument> none;
  World uncertified(none), certified(none);
  constexpr int N = 2000;
  populate(uncertified, N, 0.02f, 0.08f);
  populate(certified, N, 0.02f, 0.08f);
  const StepContext start{*model, model->calendar(0), 7, 0};
  rd.initial(uncertified, start);
  rd.initial(certified, start);
  FirmView c(certified.firms);
  for (int i = 0; i < N; ++i) c.high_tech_until[static_cast<std::size_t>(i)] = 30;
  const StepContext january{*model, model->calendar(12), 7, 0};
  rd.year_start(uncertified, january);
  rd.year_start(certified, january);
  const FirmView u(uncertified.firms);
  const CityParams& p = CityParams::defaults();
  const float threshold = 0.05f;
  int near = 0, raised = 0;
  for (std::size_t row = 0; row < static_cast<std::size_t>(N); ++row) {
    // The uncertified arm's own choice before bunching is its propensity (same regime, same
    // tax position as at the start): near if that is close to the threshold.
    const float standard = u.rd_propensity[row];
    if (standard < threshold * (1.0f - static_cast<float>(p.bunching_window)) ||
        standard > threshold * (1.0f + static_cast<float>(p.bunching_margin)))
      continue;
    ++near;
    EXPECT_GE(c.rd_real[row], u.rd_real[row] - 1e-7f) << "propensity " << standard;
    EXPECT_GE(c.rd_reported[row], threshold) << "propensity " << standard;
    // Real R&D carries the reported ratio less at most the relabelled share.
    EXPECT_GE(c.rd_real[row], (1.0f - static_cast<float>(p.relabel_share)) * threshold - 1e-7f)
        << "propensity " << standard;
    if (c.rd_real[row] > u.rd_real[row] + 1e-6f) ++raised;
  }
  EXPECT_GT(near, 500);
  EXPECT_GT(raised, 0);  // the notch raises those below the threshold
}

TEST(CityTaxRd, NoJumpInTheFirstJanuaryForAHistoryMadeAtTheSameRegime) {
  // Start in 2034: the national super-deduction is 100% for all from 2023 on, so the ten years
  // of history the carried-forward losses are built from were made at the start's regime, as
  // were the R&D histories (at the propensity, constant sales). No IP (no bunching: the
  // threshold is tested above); heterogeneous margins (the defaults: some firms loss-making,
  // some taxable). A year of cash flow and tax, then the first January: aggregate R&D
  // intensity at the start equals the history's (1e-4, single precision), and the January's
  // equals the start's within 0.1% (only float rounding in the tax positions moves). The
  // earlier rule chose 1.5x the history at the start (cost 0.5 against a reference 0.75); a
  // start from losses not at their steady state moves it by about 0.6%. Credit without limit:
  // the firms here hold no cash, and the financing constraint (test_city_liquidity.cpp) would
  // cap the R&D of the most loss-making ones (by 0.1% in the aggregate), which is not the tax
  // position this test measures.
  const io::Scenario scenario =
      testing::city_scenario("[city]\ncollateral_ratio = 100.0\n", 24, 2034);
  const auto model = testing::city_model(scenario);
  const Module& rd = module_named(*model, "rd_choice");
  const Module& cash = module_named(*model, "cash_tax");
  const std::vector<Instrument> none;
  World world(none);
  constexpr int N = 5000;
  populate(world, N, 0.005f, 0.08f);
  FirmView f(world.firms);
  double history = 0.0;
  for (std::size_t row = 0; row < static_cast<std::size_t>(N); ++row) {
    f.ip_class1[row] = 0;
    history += f.rd_reported_y1[row];
  }
  const auto intensity = [&] {
    double spent = 0.0, sales = 0.0;
    for (std::size_t row = 0; row < static_cast<std::size_t>(N); ++row) {
      spent += static_cast<double>(f.rd_real[row]) * f.revenue[row];
      sales += f.revenue[row];
    }
    return spent / sales;
  };
  rd.initial(world, {*model, model->calendar(0), 3, 0});
  const double start = intensity();
  EXPECT_NEAR(start / (history / (2000.0 * N)), 1.0, 1e-4);
  int taxable = 0;
  for (std::size_t row = 0; row < static_cast<std::size_t>(N); ++row)
    if (f.operating_margin[row] > 2.0f * f.rd_propensity[row]) ++taxable;
  EXPECT_GT(taxable, N / 10);  // the test covers both kinds of tax position
  EXPECT_LT(taxable, N * 9 / 10);
  for (int step = 0; step < 12; ++step) {
    ChunkWork work;
    work.begin = 0;
    work.end = static_cast<std::size_t>(N);
    cash.rows(world, {*model, model->calendar(step), 3, 0}, work);
  }
  rd.year_start(world, {*model, model->calendar(12), 3, 0});
  EXPECT_NEAR(intensity() / start, 1.0, 0.001);
}

// ------------------------------------------------------------------ the cash flow

TEST(CityTaxRd, ForgoneTaxOfBothInstrumentsOverAYear) {
  // One certified firm, 2023 (super-deduction 100%), sales 100 a month, margin 20% before R&D,
  // real = reported R&D 5%, no debt, 50 of losses carried in of which 20 the super-deduction
  // made. The year: profit before the deduction 180, deduction 60, losses 50: taxed 70.
  // Tax 0.15 x 70 = 10.5; forgone through the 15% rate 0.10 x 70 = 7; through the
  // super-deduction 0.15 x ((180 - 50 + 20) - 70) = 12. After the settlement no loss remains.
  // Tolerance 1e-3 (single-precision columns over 12 steps).
  const io::Scenario scenario = testing::city_scenario(
      "[city]\noperating_margin = 0.2\noperating_margin_sd = 0.0\ninterest_rate = 0.05\n", 24,
      2023);
  const auto model = testing::city_model(scenario);
  const Module& cash = module_named(*model, "cash_tax");
  const std::vector<Instrument> none;
  World world(none);
  world.firms.append(1);
  FirmView f(world.firms);
  f.alive[0] = 1;
  f.revenue[0] = 1200.0f;
  f.rd_real[0] = f.rd_reported[0] = 0.05f;
  f.operating_margin[0] = 0.2f;
  f.sector[0] = EQUIPMENT_MANUFACTURING;
  f.high_tech_until[0] = 100;
  f.cash[0] = sim::MoneyColumn(1000.0f);
  LossVintages losses;
  losses.amount[2] = 50.0f;
  losses.from_deduction = 20.0f;
  store_losses(f, 0, losses);
  double deduction = 0.0, rate = 0.0;
  for (int step = 0; step < 12; ++step) {
    ChunkWork work;
    work.begin = 0;
    work.end = 1;
    cash.rows(world, {*model, model->calendar(step), 1, 0}, work);
    deduction += work.totals[SPENDING_RD_SUPER_DEDUCTION];
    rate += work.totals[SPENDING_HIGH_TECH_TAX_RATE];
  }
  EXPECT_NEAR(rate, 7.0, 1e-3);
  EXPECT_NEAR(deduction, 12.0, 1e-3);
  // Cash: 1000 + profit 180 (after real R&D) - tax 10.5.
  EXPECT_NEAR(f.cash[0].value(), 1000.0 + 180.0 - 10.5, 1e-2);
  EXPECT_FLOAT_EQ(f.tax_losses[0], 0.0f);
  EXPECT_FLOAT_EQ(f.tax_paid_ytd[0], 0.0f);  // settled
}

}  // namespace
}  // namespace innosim::models::city
