// Outcomes of experiments: which points a "metric@year" reads, targets as 0/1, and common
// random numbers across design points.
#include <gtest/gtest.h>

#include "io/scenario/scenario.hpp"
#include "models/ref1/ref1_model.hpp"
#include "sim/experiment/outcome.hpp"

namespace innosim::sim {
namespace {

io::Scenario ref1_experiment(const std::string& outcomes) {
  return io::parse_scenario(
      "[scenario]\nmodel = \"ref1\"\nstart_year = 2022\nsteps = 36\n[ref1]\ninitial_firms = 500\n"
      "[levers.support]\nparameter = \"ref1.high_tech_support\"\nlow = 0.0\nhigh = 1.0\n"
      "[experiment]\noutcomes = " +
          outcomes + "\n",
      "test.toml");
}

TEST(Outcomes, StocksAreReadAtTheYearsEndAndFlowsSummedOverIt) {
  const io::Scenario scenario = ref1_experiment(
      "[\"firms_high_tech@2021\", \"firms_high_tech@2023\", \"exits@2023\", "
      "\"firms_high_tech@2024<=10\"]");
  ASSERT_EQ(scenario.outcomes.size(), 4u);
  const Outcome& initial = scenario.outcomes[0];  // the end of 2021: the initial state
  EXPECT_EQ(initial.first_point, 0u);
  EXPECT_EQ(initial.last_point, 0u);
  const Outcome& stock = scenario.outcomes[1];  // the end of 2023: time 2024.0, point 24
  EXPECT_EQ(stock.first_point, 24u);
  EXPECT_EQ(stock.last_point, 24u);
  const Outcome& flow = scenario.outcomes[2];  // the steps ending in 2023: points 13..24
  EXPECT_EQ(flow.first_point, 13u);
  EXPECT_EQ(flow.last_point, 24u);
  const Outcome& target = scenario.outcomes[3];
  EXPECT_EQ(target.target_kind, TargetKind::AT_MOST);
  EXPECT_EQ(target.target, 10.0);

  SeriesBuffer series(6, 37);
  for (std::size_t point = 0; point < 37; ++point) {
    series.at(models::ref1::FIRMS_HIGH_TECH, point) = static_cast<double>(point);
    series.at(models::ref1::EXITS, point) = 1.0;
  }
  EXPECT_EQ(stock.evaluate(series), 24.0);
  EXPECT_EQ(flow.evaluate(series), 12.0);
  EXPECT_EQ(target.evaluate(series), 0.0);  // 36 > 10
  series.at(models::ref1::FIRMS_HIGH_TECH, 36) = 10.0;
  EXPECT_EQ(target.evaluate(series), 1.0);
}

TEST(Outcomes, ReplicationRSeesTheSameDrawsAtEveryDesignPoint) {
  // Two design points with the same parameters give the same outcome replication by
  // replication (common random numbers); replications differ from each other.
  const io::Scenario scenario = ref1_experiment("[\"firms_high_tech@2024\", \"exits@2024\"]");
  models::ref1::Ref1Params params;
  params.initial_firms = 500;
  const models::ref1::Ref1Model a(params, scenario.time), b(params, scenario.time);
  params.high_tech_support = 1.0;
  const models::ref1::Ref1Model supported(params, scenario.time);
  std::vector<double> values;
  ASSERT_TRUE(
      run_outcomes({&a, &b, &supported}, scenario.outcomes, 8, 5, nullptr, nullptr, values));
  auto at = [&](std::size_t outcome, std::size_t model, std::size_t replication) {
    return values[(outcome * 3 + model) * 8 + replication];
  };
  bool replications_differ = false;
  double without_support = 0.0, with_support = 0.0;
  for (std::size_t r = 0; r < 8; ++r) {
    EXPECT_EQ(at(0, 0, r), at(0, 1, r));
    EXPECT_EQ(at(1, 0, r), at(1, 1, r));
    without_support += at(0, 0, r);
    with_support += at(0, 2, r);
    if (r > 0 && at(0, 0, r) != at(0, 0, 0)) replications_differ = true;
  }
  EXPECT_TRUE(replications_differ);
  // Doubling the tech_sme -> high_tech probability on the same draws certifies more firms.
  EXPECT_GT(with_support, without_support);
}

}  // namespace
}  // namespace innosim::sim
