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

// The pass rate metric is the round's passes (first and renewal) over its applications, and 0
// in steps without a round, so its sum over a year is the year's pass rate. Fails if it counts
// only first certifications, is set in months without applications, or is not the ratio.
TEST(CityHighTech, PassRateIsTheRoundsPassesOverItsApplications) {
  const auto model = city_model(city_scenario(SMALL_CITY, 48));
  const sim::Ensemble ensemble = testing::run(*model, 3);
  int rounds = 0;
  for (std::uint32_t replication = 0; replication < 3; ++replication) {
    for (std::size_t point = 1; point < ensemble.points(); ++point) {
      const double applications = ensemble.at(HIGH_TECH_APPLICATIONS, replication, point);
      const double passed = ensemble.at(HIGH_TECH_GRANTED, replication, point) +
                            ensemble.at(HIGH_TECH_RENEWED, replication, point);
      const double rate = ensemble.at(HIGH_TECH_PASS_RATE, replication, point);
      if (applications == 0.0) {
        ASSERT_EQ(rate, 0.0) << "replication " << replication << " point " << point;
        continue;
      }
      ++rounds;
      ASSERT_NEAR(rate, passed / applications, 1e-12)
          << "replication " << replication << " point " << point;
    }
  }
  EXPECT_EQ(rounds, 3 * 4);  // one round a year, four years, three replications
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
