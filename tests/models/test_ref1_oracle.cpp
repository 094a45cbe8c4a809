// REF-1 against its analytic oracle: with heterogeneity and growth noise off, expected tier
// counts follow a Markov chain over (tier, age) that Eigen projects exactly (docs/model-ref1.md).
#include <gtest/gtest.h>

#include <cmath>

#include "models/ref1/ref1_markov.hpp"
#include "ref1_fixtures.hpp"
#include "sim/stats/summary.hpp"

namespace innosim::models::ref1 {
namespace {

using testing::run;

/// Homogeneous firms whose revenue passes every threshold within ten years, so every
/// transition of the ladder (entry to tech_sme, the R&D bands, leader, lapse) is exercised.
Ref1Params homogeneous_ladder() {
  Ref1Params p = Ref1Params::defaults();
  p.initial_firms = 2000;
  p.births_per_step = 3.0;
  p.revenue_median = 15000.0f;  // crosses 20000 (tech SME cap, medium band) at ~12 months
  p.revenue_log_sd = 0.0f;
  p.rd_median = 0.06f;
  p.rd_log_sd = 0.0f;
  p.growth_drift = 0.0207f;  // with g1 r = 0.003: crosses 100000 (leader size) at ~80 months
  p.growth_sd = 0.0f;
  p.tech_sme_probability = 0.1f;
  p.high_tech_probability = 0.05f;
  p.leader_probability = 0.05f;
  p.lapse_probability = 0.01f;
  return p;
}

TEST(Ref1Oracle, ProjectionReproducesClosedFormSurvival) {
  // No tier moves and no births: candidates decay as N0 (1-h)^t while young, then (1-h/2).
  Ref1Params p = homogeneous_ladder();
  p.births_per_step = 0.0;
  p.tech_sme_probability = 0.0f;
  const MarkovProjection projection = project_expected_counts(p, 60);
  const double n0 = static_cast<double>(p.initial_firms);
  const double h = p.exit_hazard;
  for (int t = 0; t <= 60; ++t) {
    const double expected = t <= 36 ? n0 * std::pow(1.0 - h, t)
                                    : n0 * std::pow(1.0 - h, 36) * std::pow(1.0 - h / 2.0, t - 36);
    EXPECT_NEAR(projection.expected_firms(CANDIDATE, t), expected, 1e-9 * n0) << "t = " << t;
    EXPECT_NEAR(projection.expected_firms(TECH_SME, t), 0.0, 1e-12);
  }
}

TEST(Ref1Oracle, ProjectionConservesFirmsAcrossTiers) {
  const Ref1Params p = homogeneous_ladder();
  const MarkovProjection projection = project_expected_counts(p, 120);
  for (int t = 1; t <= 120; ++t) {
    const double before = projection.expected_firms.col(t - 1).sum();
    const double after = projection.expected_firms.col(t).sum();
    EXPECT_NEAR(after, before + p.births_per_step - projection.expected_exits(t), 1e-9 * before);
  }
}

TEST(Ref1Oracle, EnsembleMeanMatchesTheProjectionWithinFourStandardErrors) {
  const Ref1Params p = homogeneous_ladder();
  constexpr int STEPS = 120;
  constexpr std::uint32_t REPLICATIONS = 200;
  const MarkovProjection projection = project_expected_counts(p, STEPS);
  // Float rounding of revenue in the simulator must not decide a threshold comparison.
  ASSERT_GT(projection.closest_threshold_log_distance, 1e-4);
  // Every transition actually happens in this setting (the test would be weak otherwise).
  ASSERT_GT(projection.expected_firms(TECH_SME, 12), 100.0);
  ASSERT_GT(projection.expected_firms(HIGH_TECH, 60), 100.0);
  ASSERT_GT(projection.expected_firms(LEADER, STEPS), 50.0);

  const sim::Ensemble ensemble = run(p, STEPS, REPLICATIONS);
  std::vector<double> column(REPLICATIONS);
  int compared = 0;
  for (int point = 12; point <= STEPS; point += 12) {  // every year
    for (std::size_t tier = 0; tier < TIER_COUNT; ++tier) {
      for (std::uint32_t r = 0; r < REPLICATIONS; ++r)
        column[r] = ensemble.at(tier, r, static_cast<std::size_t>(point));
      const double average = sim::mean(column);
      const double standard_error =
          sim::standard_deviation(column) / std::sqrt(double{REPLICATIONS});
      const double expected = projection.expected_firms(static_cast<Eigen::Index>(tier), point);
      if (standard_error == 0.0) {
        EXPECT_EQ(average, expected) << "tier " << tier << " point " << point;
      } else {
        EXPECT_LE(std::fabs(average - expected), 4.0 * standard_error)
            << "tier " << tier << " point " << point << ": mean " << average << " expected "
            << expected;
      }
      ++compared;
    }
  }
  EXPECT_EQ(compared, 40);
}

TEST(Ref1Oracle, RefusesHeterogeneousParameters) {
  EXPECT_THROW(static_cast<void>(project_expected_counts(Ref1Params::defaults(), 12)),
               std::invalid_argument);
}

}  // namespace
}  // namespace innosim::models::ref1
