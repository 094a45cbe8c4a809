// High-tech certification in the running model (docs/model.md §3.3): the application flows add
// up, the example city reaches the observed pass rate and revocation share, firms without IP
// buy it only when it is affordable, and IP lapses. The scored items themselves are tested
// against the guideline's bands in test_city_rules.cpp.
#include <gtest/gtest.h>

#include "city_fixtures.hpp"
#include "io/scenario/scenario.hpp"

namespace innosim::models::city {
namespace {

using testing::city_model;
using testing::city_scenario;

const char* SMALL_CITY =
    "[city]\ninitial_candidates = 1500\ninitial_tech_sme = 300\ninitial_high_tech = 150\n";

/// Sums of a metric over replications and the points of `year` (points 12y+1 .. 12y+12).
double year_sum(const sim::Ensemble& ensemble, std::size_t metric, std::uint32_t replications,
                int year) {
  double sum = 0.0;
  for (std::uint32_t replication = 0; replication < replications; ++replication) {
    for (int point = 12 * year + 1; point <= 12 * year + 12; ++point)
      sum += ensemble.at(metric, replication, static_cast<std::size_t>(point));
  }
  return sum;
}

// Fails if an application is counted without an outcome or an outcome without an application
// (e.g. a renewal that skipped the review, or a failure counted for a firm that never applied).
TEST(CityHighTech, EveryApplicationIsGrantedRenewedOrRefused) {
  const auto model = city_model(city_scenario(SMALL_CITY, 48));
  const sim::Ensemble ensemble = testing::run(*model, 3);
  double applications = 0.0;
  for (std::uint32_t replication = 0; replication < 3; ++replication) {
    for (std::size_t point = 1; point < ensemble.points(); ++point) {
      const double outcomes = ensemble.at(HIGH_TECH_GRANTED, replication, point) +
                              ensemble.at(HIGH_TECH_RENEWED, replication, point) +
                              ensemble.at(HIGH_TECH_FAILED, replication, point);
      ASSERT_EQ(outcomes, ensemble.at(HIGH_TECH_APPLICATIONS, replication, point))
          << "replication " << replication << " point " << point;
      applications += outcomes;
    }
  }
  EXPECT_GT(applications, 100.0);  // the run is not trivial
}

// The calibration targets on the example city (信阳 2022-2025), 20 replications of seed 1.
// Observed: the pass rate of all applications, first and renewal, 74.8-79.4% (data/observed:
// 郑州 2022, 许昌 2023); revocations 0.2-0.9% of the stock a year (docs/policy-rules.md §2.6).
// Tolerance: the pooled rate over ~10,000 applications has a sampling sd below 0.5 points; the
// band is the observed range widened by 3 points on each side, so that results moved by other
// modules do not fail it while a lost calibration (88% with a noise sd of 5 points, 100% without
// noise, or the old 63-66%) does. Revocations: the four-year mean share must lie in 0.1-1.5%, and
// 2025's must exceed 2022's (the model's rise comes from firms certified by relabelled R&D).
TEST(CityHighTech, TheExampleCityMeetsTheObservedPassRateAndRevocations) {
  const io::Scenario scenario =
      io::load_scenario(INNOSIM_SOURCE_DIR "/scenarios/examples/city.toml");
  const auto model = city_model(scenario);
  constexpr std::uint32_t REPLICATIONS = 20;
  const sim::Ensemble ensemble = testing::run(*model, REPLICATIONS, 0, 1);
  double applications = 0.0, passed = 0.0, revoked = 0.0, stock_years = 0.0;
  for (int year = 0; year < 4; ++year) {
    applications += year_sum(ensemble, HIGH_TECH_APPLICATIONS, REPLICATIONS, year);
    passed += year_sum(ensemble, HIGH_TECH_GRANTED, REPLICATIONS, year) +
              year_sum(ensemble, HIGH_TECH_RENEWED, REPLICATIONS, year);
    revoked += year_sum(ensemble, HIGH_TECH_REVOKED, REPLICATIONS, year);
    stock_years += year_sum(ensemble, REGISTER_HIGH_TECH, REPLICATIONS, year) / 12.0;
  }
  const double pass_rate = passed / applications;
  EXPECT_GE(pass_rate, 0.72);
  EXPECT_LE(pass_rate, 0.82);
  const double revocation_share = revoked / stock_years;
  EXPECT_GE(revocation_share, 0.001);
  EXPECT_LE(revocation_share, 0.015);
  EXPECT_GT(year_sum(ensemble, HIGH_TECH_REVOKED, REPLICATIONS, 3),
            year_sum(ensemble, HIGH_TECH_REVOKED, REPLICATIONS, 0));
}

// Firms that lack IP buy class-II items for an application only when they can pay for them:
// fails if purchases happen at a price no firm's cash covers, or never happen when IP is free.
TEST(CityHighTech, FirmsBuyIpOnlyWhenTheyCanPayForIt) {
  const auto free_ip =
      city_model(city_scenario(std::string(SMALL_CITY) + "high_tech_ip_price = 0.0\n", 48));
  const auto dear_ip =
      city_model(city_scenario(std::string(SMALL_CITY) + "high_tech_ip_price = 1.0e11\n", 48));
  const sim::Ensemble free_runs = testing::run(*free_ip, 3);
  const sim::Ensemble dear_runs = testing::run(*dear_ip, 3);
  double free_bought = 0.0, dear_bought = 0.0;
  for (int year = 0; year < 4; ++year) {
    free_bought += year_sum(free_runs, HIGH_TECH_IP_BOUGHT, 3, year);
    dear_bought += year_sum(dear_runs, HIGH_TECH_IP_BOUGHT, 3, year);
  }
  EXPECT_GT(free_bought, 0.0);
  EXPECT_EQ(dear_bought, 0.0);
}

// IP lapses at its hazard: with mean lives of a tenth of a year, the stock of valid items at
// the end is a small fraction of the stock with the longest legal lives, though the same
// knowledge keeps producing items. Fails if lapses are not applied (equal stocks). Tolerance: a
// stock 0.1 years deep against one of 4+ years of arrivals is below 10% of it by a wide margin.
TEST(CityHighTech, IpLapsesAtItsHazard) {
  const auto short_lives = city_model(
      city_scenario(std::string(SMALL_CITY) + "class1_ip_life = 0.1\nclass2_ip_life = 0.1\n", 48));
  const auto long_lives = city_model(city_scenario(
      std::string(SMALL_CITY) + "class1_ip_life = 20.0\nclass2_ip_life = 10.0\n", 48));
  const sim::Ensemble short_runs = testing::run(*short_lives, 2);
  const sim::Ensemble long_runs = testing::run(*long_lives, 2);
  const std::size_t last = short_runs.points() - 1;
  for (std::uint32_t replication = 0; replication < 2; ++replication) {
    const double held_short = short_runs.at(IP_CLASS2, replication, last);
    const double held_long = long_runs.at(IP_CLASS2, replication, last);
    EXPECT_GT(held_short, 0.0);
    EXPECT_LT(held_short, 0.1 * held_long);
    EXPECT_GT(short_runs.at(IP_CLASS2_NEW, replication, last), 0.0);
  }
}

}  // namespace
}  // namespace innosim::models::city
