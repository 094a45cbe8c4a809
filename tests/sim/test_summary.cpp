#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "sim/run/progress.hpp"
#include "sim/stats/summary.hpp"

namespace innosim::sim {
namespace {

// Type-7 quantiles by their definition: h = (n - 1) q, x[floor h] + (h - floor h)(x[floor h + 1] -
// x[floor h]). (The Python test checks the written summaries against numpy.quantile as well.)
TEST(Summary, QuantilesInterpolateBetweenOrderStatistics) {
  const std::vector<double> sorted = {1.0, 2.0, 4.0, 8.0, 16.0};
  EXPECT_DOUBLE_EQ(quantile_sorted(sorted, 0.0), 1.0);
  EXPECT_DOUBLE_EQ(quantile_sorted(sorted, 1.0), 16.0);
  EXPECT_DOUBLE_EQ(quantile_sorted(sorted, 0.5), 4.0);
  EXPECT_DOUBLE_EQ(quantile_sorted(sorted, 0.05), 1.0 + 0.2 * 1.0);  // h = 0.2
  EXPECT_DOUBLE_EQ(quantile_sorted(sorted, 0.95), 8.0 + 0.8 * 8.0);  // h = 3.8
  EXPECT_DOUBLE_EQ(quantile_sorted(std::vector<double>{7.0}, 0.3), 7.0);
}

TEST(Summary, SummarizesEachTimePointOverTheChosenRows) {
  // 3 replications x 2 points; summarise rows 0 and 2 only.
  const std::vector<double> values = {1.0, 10.0, 100.0, 1000.0, 3.0, 30.0};
  const std::vector<std::uint32_t> rows = {0, 2};
  const SeriesSummary summary = summarize(values, 2, rows);
  EXPECT_DOUBLE_EQ(summary.mean[0], 2.0);
  EXPECT_DOUBLE_EQ(summary.mean[1], 20.0);
  EXPECT_DOUBLE_EQ(summary.quantiles[2][1], 20.0);  // p50
  EXPECT_DOUBLE_EQ(standard_deviation(std::vector<double>{1.0, 3.0}), std::sqrt(2.0));
}

TEST(Progress, LineShowsCompletedReplicationsRateAndEta) {
  // 120 of 1200 steps done after 2 s, spread over two half-done replications: none completed
  // yet, 10% done, 0.5 replications' worth per second, 18 s left.
  const std::string line = ProgressMeter::format_line(120, 1200, 0, 10, 2.0);
  EXPECT_NE(line.find("0/10 replications done"), std::string::npos) << line;
  EXPECT_NE(line.find("( 10%)"), std::string::npos) << line;
  EXPECT_NE(line.find("0.5 replications/s"), std::string::npos) << line;
  EXPECT_NE(line.find("ETA 0:18"), std::string::npos) << line;
  EXPECT_NE(
      ProgressMeter::format_line(1200, 1200, 10, 10, 4.0).find("10/10 replications done (100%)"),
      std::string::npos);
}

}  // namespace
}  // namespace innosim::sim
