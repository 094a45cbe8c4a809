// Outcomes of experiments: which points a "metric@year" reads, and targets as 0/1 (common random
// numbers across design points: test_study.cpp).
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

}  // namespace
}  // namespace innosim::sim
