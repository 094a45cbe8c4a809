// Reproducibility properties REF-1 inherits from identity-keyed streams: thread-count and
// chunking invariance, common random numbers, single-replication re-runs; and the model's
// accounting invariants.
#include <gtest/gtest.h>

#include "ref1_fixtures.hpp"
#include "sim/rng/stream.hpp"

namespace innosim::models::ref1 {
namespace {

using testing::alive_total;
using testing::run;

Ref1Params large_population() {
  Ref1Params p = Ref1Params::defaults();
  // More than two chunks, so steps are also split across threads inside a replication.
  p.initial_firms = static_cast<std::int64_t>(Ref1Model::CHUNK_ROWS) * 2 + 777;
  p.births_per_step = 20.0;
  return p;
}

TEST(Ref1Invariance, ResultsAreBitIdenticalForOneTwoAndFourThreads) {
  const Ref1Params p = large_population();
  const sim::Ensemble one = run(p, 36, 6, 1);
  const sim::Ensemble two = run(p, 36, 6, 2);
  const sim::Ensemble four = run(p, 36, 6, 4);
  EXPECT_EQ(one.values, two.values);
  EXPECT_EQ(one.values, four.values);
  EXPECT_EQ(one.completed_count(), 6u);
}

TEST(Ref1Invariance, ChunkedStepEqualsOneWholePass) {
  const Ref1Params p = large_population();
  const Ref1Model model(p, testing::monthly(1));
  Firms chunked, whole;
  model.add_firms(chunked, 0, static_cast<std::size_t>(p.initial_firms), 3, 0);
  model.add_firms(whole, 0, static_cast<std::size_t>(p.initial_firms), 3, 0);
  const sim::StreamKey stream(3, PURPOSE_STEP, 0, 0);
  const StepCounts a = model.advance(chunked, stream);
  const StepCounts b = model.advance_rows(whole, 0, whole.padded_size(), stream);
  EXPECT_EQ(a.exits, b.exits);
  for (int tier = 0; tier < TIER_COUNT; ++tier)
    EXPECT_EQ(a.firms_by_tier[tier], b.firms_by_tier[tier]);
  const auto ra = chunked.column<Revenue>();
  const auto rb = whole.column<Revenue>();
  EXPECT_TRUE(std::equal(ra.begin(), ra.end(), rb.begin()));
}

TEST(Ref1Invariance, AReplicationRerunAloneEqualsItsRowInTheFullRun) {
  Ref1Params p = Ref1Params::defaults();
  p.initial_firms = 3000;
  p.births_per_step = 2.5;
  const Ref1Model model(p, testing::monthly(48));
  sim::RunOptions all;
  all.seed = 11;
  all.replications = 8;
  const sim::Ensemble full = sim::run_ensemble(model, all);
  sim::RunOptions one = all;
  one.first_replication = 5;
  one.replications = 1;
  const sim::Ensemble alone = sim::run_ensemble(model, one);
  for (std::size_t metric = 0; metric < METRIC_COUNT; ++metric) {
    for (std::size_t point = 0; point < full.points(); ++point) {
      ASSERT_EQ(alone.at(metric, 0, point), full.at(metric, 5, point));
    }
  }
}

TEST(Ref1Invariance, OneMoreInitialFirmNeverMeansFewerFirms) {
  // Under common random numbers every firm keeps its own draws, so the extra firm only adds
  // itself: the total is never smaller, and never larger by more than one.
  Ref1Params p = Ref1Params::defaults();
  p.initial_firms = 5000;
  p.births_per_step = 4.0;
  Ref1Params plus_one = p;
  plus_one.initial_firms += 1;
  const sim::Ensemble base = run(p, 120, 20);
  const sim::Ensemble more = run(plus_one, 120, 20);
  for (std::uint32_t r = 0; r < 20; ++r) {
    for (std::size_t point = 0; point < base.points(); ++point) {
      const double difference = alive_total(more, r, point) - alive_total(base, r, point);
      ASSERT_GE(difference, 0.0) << "replication " << r << " point " << point;
      ASSERT_LE(difference, 1.0) << "replication " << r << " point " << point;
    }
  }
}

TEST(Ref1Invariance, ThePolicyLeverDoesNotDisturbOtherDecisions) {
  // Exits do not depend on tiers in REF-1, so with common random numbers a stronger
  // high-tech lever must leave every exit count exactly as it was, while changing the ladder.
  Ref1Params p = Ref1Params::defaults();
  p.initial_firms = 4000;
  Ref1Params supported = p;
  supported.high_tech_support = 1.0f;
  const sim::Ensemble base = run(p, 60, 10);
  const sim::Ensemble lever = run(supported, 60, 10);
  double high_tech_base = 0.0, high_tech_lever = 0.0;
  for (std::uint32_t r = 0; r < 10; ++r) {
    for (std::size_t point = 0; point < base.points(); ++point) {
      ASSERT_EQ(base.at(EXITS, r, point), lever.at(EXITS, r, point));
    }
    high_tech_base += base.at(FIRMS_HIGH_TECH, r, 60);
    high_tech_lever += lever.at(FIRMS_HIGH_TECH, r, 60);
  }
  EXPECT_GT(high_tech_lever, high_tech_base * 1.3);
}

TEST(Ref1Invariance, DifferentSeedsGiveDifferentResults) {
  Ref1Params p = Ref1Params::defaults();
  p.initial_firms = 2000;
  EXPECT_NE(run(p, 24, 2, 0, 1).values, run(p, 24, 2, 0, 2).values);
}

TEST(Ref1Accounting, PopulationChangeEqualsBirthsMinusExitsEveryStep) {
  Ref1Params p = Ref1Params::defaults();
  p.initial_firms = 5000;
  p.births_per_step = 15.0;
  const sim::Ensemble ensemble = run(p, 120, 4);
  for (std::uint32_t r = 0; r < 4; ++r) {
    EXPECT_EQ(alive_total(ensemble, r, 0), 5000.0);
    for (std::size_t point = 1; point < ensemble.points(); ++point) {
      EXPECT_EQ(alive_total(ensemble, r, point) - alive_total(ensemble, r, point - 1),
                ensemble.at(BIRTHS, r, point) - ensemble.at(EXITS, r, point))
          << "replication " << r << " point " << point;
    }
  }
}

TEST(Ref1Accounting, BirthsActFromTheNextStep) {
  // Every firm alive at the start of a step exits in it (h0 = 1): the firms alive at the end of
  // a step are exactly that step's births, and they are the next step's exits.
  Ref1Params p = Ref1Params::defaults();
  p.initial_firms = 100;
  p.births_per_step = 50.0;
  p.exit_hazard = 1.0f;
  p.young_age_steps = 1000;
  const sim::Ensemble ensemble = run(p, 24, 3);
  for (std::uint32_t r = 0; r < 3; ++r) {
    EXPECT_EQ(ensemble.at(EXITS, r, 1), 100.0);
    for (std::size_t point = 1; point < ensemble.points(); ++point) {
      EXPECT_EQ(alive_total(ensemble, r, point), ensemble.at(BIRTHS, r, point));
      EXPECT_EQ(ensemble.at(FIRMS_CANDIDATE, r, point), ensemble.at(BIRTHS, r, point));
      if (point >= 2) {
        EXPECT_EQ(ensemble.at(EXITS, r, point), ensemble.at(BIRTHS, r, point - 1));
      }
    }
  }
}

TEST(Ref1Accounting, CancelledRunsStopAndSaySo) {
  Ref1Params p = Ref1Params::defaults();
  p.initial_firms = 1000;
  const Ref1Model model(p, testing::monthly(12));
  std::atomic<bool> cancel{true};
  sim::RunOptions options;
  options.replications = 4;
  options.cancel = &cancel;
  const sim::Ensemble ensemble = sim::run_ensemble(model, options);
  EXPECT_EQ(ensemble.completed_count(), 0u);
}

TEST(Ref1Memory, StateIsAtMostThirtyTwoBytesPerFirm) {
  EXPECT_LE(Firms::BYTES_PER_ROW, 32u);
  EXPECT_EQ(Firms::BYTES_PER_ROW, 16u);
}

}  // namespace
}  // namespace innosim::models::ref1
