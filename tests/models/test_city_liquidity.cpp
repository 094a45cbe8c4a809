// The financing constraint (docs/model.md §3.2.5, "Financing constraint"): R&D and growth are
// limited by cash plus credit, a firm out of both exits at the distress hazard, and a cash grant
// acts through that constraint only. Response tests run on common random numbers: the arms of a
// comparison share the seed and the replication ids, and differ only in an instrument's amount.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "city_fixtures.hpp"
#include "models/city/modules/liquidity.hpp"

namespace innosim::models::city {
namespace {

using testing::city_model;

// ------------------------------------------------------------------ the R&D cap

TEST(CityLiquidity, AChoiceWithinTheFundsIsUnchanged) {
  // A firm with cash, credit and a positive margin: the cap (cash + unused credit + the year's
  // operating cash flow, per unit of revenue) is far above any intensity it may choose, so the
  // choice comes back bit for bit, bunched report included. Fails if the cap touched the choice
  // of an unconstrained firm (e.g. scaled it, or rebuilt the report).
  CityParams p;
  p.collateral_ratio = 0.5;
  p.assets_per_revenue = 0.8;
  p.interest_rate = 0.05;
  const float cap = rd_funding_cap(p, 250.0f, 0.0f, 1000.0f, 0.10f);
  // 250 cash + 0.4 x 1000 credit + 100 cash flow = 750 of 1000 revenue.
  EXPECT_NEAR(cap, 0.75f, 1e-6f);
  for (const float real : {0.0f, 0.03f, 0.2f, 0.5f}) {
    const RdReport chosen{real, real * 1.3f + 0.01f, true};
    const RdReport funded = fund_rd(chosen, cap);
    EXPECT_EQ(funded.real, chosen.real);
    EXPECT_EQ(funded.reported, chosen.reported);
    EXPECT_EQ(funded.bunched, chosen.bunched);
  }
}

TEST(CityLiquidity, AFirmOutOfFundsCanOnlyFinanceItsCashFlow) {
  // No cash, debt at twice its credit limit, margin 2%: the cap is the year's cash flow after
  // interest, (0.02 x 1000 - 0.05 x 800) < 0, so 0; with margin 10% it is (100 - 40)/1000 = 6%.
  // A choice of 10% with 2 points relabelled keeps the relabelled 2 points. Fails if unused
  // credit were counted when debt exceeds the limit, or the relabelled part were cut.
  CityParams p;
  p.collateral_ratio = 0.5;
  p.assets_per_revenue = 0.8;
  p.interest_rate = 0.05;
  EXPECT_EQ(rd_funding_cap(p, 0.0f, 800.0f, 1000.0f, 0.02f), 0.0f);
  const float cap = rd_funding_cap(p, 0.0f, 800.0f, 1000.0f, 0.10f);
  EXPECT_NEAR(cap, 0.06f, 1e-6f);
  const RdReport funded = fund_rd({0.10f, 0.12f, true}, cap);
  EXPECT_NEAR(funded.real, 0.06f, 1e-6f);
  EXPECT_NEAR(funded.reported, 0.08f, 1e-6f);
  EXPECT_TRUE(out_of_funds(0.0f, 800.0f, 1000.0f, credit_per_revenue(p)));
  EXPECT_FALSE(out_of_funds(1.0f, 800.0f, 1000.0f, credit_per_revenue(p)));
  EXPECT_FALSE(out_of_funds(0.0f, 400.0f, 1000.0f, credit_per_revenue(p)));
}

// ------------------------------------------------------------------ grants through the constraint

struct FirmPath {
  std::uint32_t id;
  int step;
  float rd_real;
  float revenue;
};

/// Every alive firm's real R&D intensity and revenue at every step of one replication.
std::vector<FirmPath> firm_paths(const CityModel& model, std::uint32_t replication) {
  std::vector<FirmPath> paths;
  sim::ReplicationContext context;
  context.seed = 3;
  context.replication = replication;
  sim::SeriesBuffer series(model.metrics().size(),
                           static_cast<std::size_t>(model.time_axis().points()));
  model.run_observed(context, series, [&](const World& world, const StepCalendar& when) {
    const ConstFirmView f(world.firms);
    for (std::size_t row = 0; row < world.firms.size(); ++row) {
      if (f.alive[row] != 0)
        paths.push_back({f.id[row], when.step, f.rd_real[row], f.revenue[row]});
    }
  });
  return paths;
}

/// A cash voucher of `amount` per award to the tiers and revenue range given, 3,000 awards a year.
std::string cash_vouchers(double amount, const std::string& range) {
  return "[instruments.liquidity_vouchers]\ntrigger = \"innovation_voucher\"\n"
         "events_per_year = 3000.0\nfixed = " +
         std::to_string(amount) + "\neffect = \"liquidity\"\n" + range;
}

TEST(CityLiquidity, AGrantToUnconstrainedFirmsChangesNoRdAndNoRevenue) {
  // Large certified firms (revenue above 20,000 万元) have cash and credit to spare: a cash grant
  // of 200 per award (3,000 awards a year for two years: 1.2 million 万元 paid) raises their cash
  // and nothing else. Every firm's real R&D intensity and revenue at every step equal the run
  // where the grant is 0, bit for bit, in two replications. Fails if the grant reached R&D or
  // growth of a firm whose constraint does not bind (e.g. an R&D cap or a growth factor that
  // moves with cash without binding), or changed any draw.
  const std::string range =
      "tiers = [\"high_tech\", \"gazelle\", \"leader\"]\nmin_revenue = 20000.0\n";
  const auto granted = city_model(
      testing::city_scenario(std::string(testing::SMALL_CITY) + cash_vouchers(200.0, range), 24));
  const auto nothing = city_model(
      testing::city_scenario(std::string(testing::SMALL_CITY) + cash_vouchers(0.0, range), 24));
  for (std::uint32_t r = 0; r < 2; ++r) {
    const std::vector<FirmPath> a = firm_paths(*granted, r);
    const std::vector<FirmPath> b = firm_paths(*nothing, r);
    ASSERT_EQ(a.size(), b.size()) << "replication " << r;
    for (std::size_t i = 0; i < a.size(); ++i) {
      ASSERT_EQ(a[i].id, b[i].id);
      ASSERT_EQ(a[i].rd_real, b[i].rd_real) << "firm " << a[i].id << " at step " << a[i].step;
      ASSERT_EQ(a[i].revenue, b[i].revenue) << "firm " << a[i].id << " at step " << a[i].step;
    }
  }
  // ... and the grant was paid.
  const sim::Ensemble paid = testing::run(*granted, 1, 0, 3);
  double spent = 0.0;
  const std::size_t spending = testing::metric_index(*granted, "spending_liquidity_vouchers");
  for (std::size_t point = 0; point < paid.points(); ++point) spent += paid.at(spending, 0, point);
  std::printf("paid to large certified firms: %.0f\n", spent);
  EXPECT_GT(spent, 1000.0);
}

using testing::paired;
using testing::PairedDifference;

/// What cash vouchers of 30 per award (against 0) to candidates and tech SMEs below 1,000 万元
/// of revenue change, 3,000 awards a year for three years of SMALL_CITY plus `city_keys`, on
/// common random numbers (same seed, same replications, the same awards: the amount moves no
/// draw): real R&D and distress exits summed over the three years, revenue at the end.
struct GrantResponse {
  PairedDifference rd, revenue, distress;
};
constexpr std::uint32_t RESPONSE_REPLICATIONS = 20;
GrantResponse grant_response(const std::string& city_keys) {
  const std::string range = "tiers = [\"candidate\", \"tech_sme\"]\nmax_revenue = 1000.0\n";
  const std::string city = std::string(testing::SMALL_CITY) + city_keys;
  const auto granted = city_model(testing::city_scenario(city + cash_vouchers(30.0, range), 36));
  const auto nothing = city_model(testing::city_scenario(city + cash_vouchers(0.0, range), 36));
  const sim::Ensemble a = testing::run(*nothing, RESPONSE_REPLICATIONS, 0, 3);
  const sim::Ensemble b = testing::run(*granted, RESPONSE_REPLICATIONS, 0, 3);
  const auto totals = [](const sim::Ensemble& e, Metric metric) {
    std::vector<double> sums(RESPONSE_REPLICATIONS, 0.0);
    for (std::uint32_t r = 0; r < RESPONSE_REPLICATIONS; ++r) {
      for (std::size_t point = 1; point < e.points(); ++point) sums[r] += e.at(metric, r, point);
    }
    return sums;
  };
  const auto at_end = [](const sim::Ensemble& e, Metric metric) {
    std::vector<double> values(RESPONSE_REPLICATIONS, 0.0);
    for (std::uint32_t r = 0; r < RESPONSE_REPLICATIONS; ++r)
      values[r] = e.at(metric, r, e.points() - 1);
    return values;
  };
  GrantResponse response;
  response.rd = paired(totals(a, RD_REAL), totals(b, RD_REAL));
  response.revenue = paired(at_end(a, REVENUE_TOTAL), at_end(b, REVENUE_TOTAL));
  response.distress = paired(totals(a, EXITS_DISTRESS), totals(b, EXITS_DISTRESS));
  std::printf(
      "grant response: R&D %+.1f (t %.2f), revenue %+.1f (t %.2f), distress exits %+.2f "
      "(t %.2f)\n",
      response.rd.mean, response.rd.t, response.revenue.mean, response.revenue.t,
      response.distress.mean, response.distress.t);
  return response;
}

TEST(CityLiquidity, ACashGrantToSmallFirmsRaisesRdAndRevenueAndCutsDistressExits) {
  // The grant relaxes the constraint of the recipients whose cash and credit bind, so their R&D
  // (January cap, no stop mid-year) and growth rise and fewer of them run out of funds. Paired
  // t-test over 20 replications (19 degrees of freedom), each outcome in its direction at
  // two-sided p < 0.01 (|t| > 2.861). Measured (seed 3): real R&D +697 万元 over the three
  // years (t = 12.1), revenue +4,597 万元/year at the end (t = 13.8), distress exits -21.3
  // (t = -19.6), for 90,000 万元 of vouchers a year (most recipients are not constrained); the
  // power to detect half these effects at this level is above 0.99 for each.
  // Fails if a grant moved only a cash balance nobody reads (the old model: every difference 0).
  const GrantResponse response = grant_response("");
  EXPECT_GT(response.rd.t, 2.861);
  EXPECT_GT(response.revenue.t, 2.861);
  EXPECT_LT(response.distress.t, -2.861);
}

TEST(CityLiquidity, WithoutTheConstraintTheSameGrantMovesRdLittle) {
  // The same grant when credit hardly ever binds (collateral_ratio 100: credit of 80 times
  // revenue) reaches R&D only through the interest on the debt it repays (the taxable income in
  // the user cost, §3.2.3): its effects on total real R&D, final revenue and distress exits are
  // each under a tenth of the constrained city's. Measured (seed 3, 20 replications): R&D -7.4
  // against +697, revenue -0.0 against +4,597, distress exits -0.15 against -21.3. Fails if the
  // responses of the test above came from something other than the financing constraint.
  const GrantResponse constrained = grant_response("");
  const GrantResponse slack = grant_response("collateral_ratio = 100.0\n");
  EXPECT_LT(std::abs(slack.rd.mean), 0.1 * constrained.rd.mean);
  EXPECT_LT(std::abs(slack.revenue.mean), 0.1 * constrained.revenue.mean);
  EXPECT_LT(std::abs(slack.distress.mean), 0.1 * std::abs(constrained.distress.mean));
}

// ------------------------------------------------------------------ distress in the example city

TEST(CityLiquidity, DistressExitsAreASmallShareOfTheExampleCitysExits) {
  // The example city over its four years, 5 replications (seed 1): distress exits occur (the
  // old leverage rule gave none), and are 5-25% of all exits (docs/model.md §3.2.6, the
  // calibrated range); the total exit rate stays in the observed 5-8% a year. Measured: 11.0%
  // of exits, 6.8% a year, 0.36% of firms out of funds at a time (x 2 a year = the distress
  // exits). Fails if firms never run out of funds, or if distress drove most exits.
  const io::Scenario scenario =
      io::load_scenario(INNOSIM_SOURCE_DIR "/scenarios/examples/city.toml");
  const auto model = city_model(scenario);
  const sim::Ensemble e = testing::run(*model, 5, 0, 1);
  double distress = 0.0, market = 0.0, firm_years = 0.0, out_of_funds_years = 0.0;
  for (std::uint32_t r = 0; r < 5; ++r) {
    for (std::size_t point = 1; point < e.points(); ++point) {
      distress += e.at(EXITS_DISTRESS, r, point);
      market += e.at(EXITS_MARKET, r, point);
      firm_years += e.at(FIRMS_ALIVE, r, point) / 12.0;
      out_of_funds_years += e.at(FIRMS_OUT_OF_FUNDS, r, point) / 12.0;
    }
  }
  const double share = distress / (distress + market);
  const double rate = (distress + market) / firm_years;
  std::printf("distress share of exits %.3f, exit rate %.4f a year, out of funds %.4f of firms\n",
              share, rate, out_of_funds_years / firm_years);
  EXPECT_GT(distress, 0.0);
  EXPECT_GT(out_of_funds_years, 0.0);
  EXPECT_GE(share, 0.05);
  EXPECT_LE(share, 0.25);
  EXPECT_GE(rate, 0.05);
  EXPECT_LE(rate, 0.08);
}

}  // namespace
}  // namespace innosim::models::city
