// The rank farm (sim/run/rank_farm.hpp) under mpirun: ctest runs this program with -np 1, 2
// and 4. Every rank calls run_study with the same study, as the commands do; rank 0 checks
// what its sink received against the model's outcomes computed directly, one replication at a
// time, without the engine.
#include <gtest/gtest.h>

#include <chrono>
#include <stdexcept>
#include <thread>

#include "sim/run/cluster.hpp"
#include "sim/run/study.hpp"

namespace innosim::sim {
namespace {

/// One metric over two points whose value depends on the point, the replication and the seed
/// in ways an exchange of tasks or ranks would show; slower on `slow_rank`; throws for
/// replication `failing` (if not negative).
class RankModel final : public Model {
 public:
  RankModel(std::size_t point, int slow_rank, int failing = -1)
      : point_(point), slow_rank_(slow_rank), failing_(failing) {}
  [[nodiscard]] const std::vector<MetricInfo>& metrics() const override {
    static const std::vector<MetricInfo> metrics = {{"value", "1", "a value"}};
    return metrics;
  }
  [[nodiscard]] TimeAxis time_axis() const override { return {2022, 12, 1}; }
  bool run_replication(const ReplicationContext& context, SeriesBuffer& out) const override {
    if (static_cast<int>(context.replication) == failing_)
      throw std::invalid_argument("replication " + std::to_string(failing_) + " fails");
    if (cluster_rank() == slow_rank_) std::this_thread::sleep_for(std::chrono::milliseconds(4));
    out.at(0, 0) = 0.0;
    out.at(0, 1) = expected(point_, context.replication, context.seed);
    context.step_completed();
    return true;
  }
  static double expected(std::size_t point, std::uint32_t replication, std::uint64_t seed) {
    return 1000.0 * static_cast<double>(point) + replication + 1.0 / static_cast<double>(seed);
  }

 private:
  std::size_t point_;
  int slow_rank_;
  int failing_;
};

Study rank_study(std::size_t points, std::uint32_t replications, int slow_rank, int failing = -1) {
  Study study;
  study.points = points;
  study.model_at = [=](std::size_t point) {
    return std::make_shared<const RankModel>(point, slow_rank, failing);
  };
  study.replications = replications;
  study.seed = 7;
  Outcome value;
  value.name = "value";
  value.first_point = 1;
  value.last_point = 1;
  study.outcomes = {value};
  return study;
}

class OrderSink final : public StudySink {
 public:
  void accept(TaskResult& result) override {
    tasks.push_back(std::uint64_t{result.point} * 1000 + result.replication_index);
    values.push_back(result.outcomes[0]);
  }
  void end_batch(bool complete) override { completes.push_back(complete); }
  std::vector<std::uint64_t> tasks;
  std::vector<double> values;
  std::vector<bool> completes;
};

// Would fail if a task were lost, run twice, delivered out of task order, or given another
// task's streams on another rank, or if the study did not end complete.
TEST(RankFarm, RankZeroReceivesEveryTaskInTaskOrder) {
  const Study study = rank_study(37, 11, -1);
  OrderSink sink;
  ThreadExecutor threads(1);
  StudyControl control;
  control.batches.first_tasks = 3;  // many small chunks: points split across ranks
  control.batches.target_seconds = 0.001;
  FarmReport farm;
  control.farm = &farm;
  ASSERT_TRUE(run_study(study, sink, threads, control));
  if (!is_coordinator()) {
    EXPECT_TRUE(sink.tasks.empty());  // only rank 0's sink receives
    return;
  }
  ASSERT_EQ(sink.tasks.size(), study.tasks());
  for (std::uint64_t task = 0; task < study.tasks(); ++task) {
    const std::size_t point = task / 11;
    const auto r = static_cast<std::uint32_t>(task % 11);
    EXPECT_EQ(sink.tasks[task], std::uint64_t{point} * 1000 + r);
    EXPECT_EQ(sink.values[task], RankModel::expected(point, r, 7)) << "task " << task;
  }
  ASSERT_FALSE(sink.completes.empty());
  EXPECT_TRUE(sink.completes.back());
  if (cluster_size() > 1) {
    std::uint64_t sum = 0;
    for (const auto tasks : farm.tasks_by_rank) sum += tasks;
    EXPECT_EQ(sum, study.tasks());
    EXPECT_GT(farm.chunks, static_cast<std::uint64_t>(cluster_size()));
  }
}

// Dynamic scheduling: rank 1 is 4 ms per task slower than the others, so a static split would
// wait for it; the farm gives it fewer tasks. Would fail with an even, static split.
TEST(RankFarm, ASlowRankGetsFewerTasks) {
  if (cluster_size() < 2) GTEST_SKIP() << "needs two ranks";
  const Study study = rank_study(60, 10, 1);
  OrderSink sink;
  ThreadExecutor threads(1);
  StudyControl control;
  control.batches.first_tasks = 4;
  control.batches.target_seconds = 0.02;
  FarmReport farm;
  control.farm = &farm;
  ASSERT_TRUE(run_study(study, sink, threads, control));
  if (!is_coordinator()) return;
  const double even = static_cast<double>(study.tasks()) / cluster_size();
  EXPECT_LT(static_cast<double>(farm.tasks_by_rank[1]), 0.5 * even)
      << "rank 1 ran " << farm.tasks_by_rank[1] << " of " << study.tasks() << " tasks";
}

// A calibration's next step needs the outcomes on every rank.
TEST(RankFarm, OutcomesReachEveryRankWhenAsked) {
  Study study = rank_study(9, 5, -1);
  study.independent_points = true;
  study.outcomes_on_every_rank = true;
  OutcomeTable table(study);
  ThreadExecutor threads(1);
  ASSERT_TRUE(run_study(study, table, threads));
  for (std::size_t point = 0; point < 9; ++point) {
    for (std::uint32_t r = 0; r < 5; ++r) {
      const auto id = static_cast<std::uint32_t>(point * 5 + r);
      EXPECT_EQ(table.value(0, point, r), RankModel::expected(point, id, 7))
          << "rank " << cluster_rank() << " point " << point << " r " << r;
    }
  }
}

// A task that throws on any rank fails the study on rank 0 with the same kind of error and
// message, and the ranks stay in step for the next study.
TEST(RankFarm, AFailingTaskFailsTheStudyOnRankZero) {
  const Study failing = rank_study(8, 8, -1, 5);
  OrderSink sink;
  ThreadExecutor threads(1);
  if (is_coordinator()) {
    try {
      static_cast<void>(run_study(failing, sink, threads));
      ADD_FAILURE() << "the study did not fail";
    } catch (const std::invalid_argument& error) {
      EXPECT_NE(std::string(error.what()).find("replication 5 fails"), std::string::npos);
    }
  } else {
    static_cast<void>(run_study(failing, sink, threads));
  }
  OrderSink after;
  ASSERT_TRUE(run_study(rank_study(3, 3, -1), after, threads));
  if (is_coordinator()) {
    EXPECT_EQ(after.tasks.size(), 9u);
  }
}

}  // namespace
}  // namespace innosim::sim

int main(int argc, char** argv) {
  innosim::sim::ClusterSession cluster(argc, argv);
  ::testing::InitGoogleTest(&argc, argv);
  // Only rank 0 reports (workers' output is closed); a worker's failed expectation shows as
  // its exit code, which mpirun returns.
  const int failed = RUN_ALL_TESTS();
  // A worker returns from a study only once rank 0 goes on: this lets the last one return
  // (otherwise it would end there, as a command's worker does, inside the test).
  std::vector<std::uint8_t> go_on;
  innosim::sim::share_from_coordinator(go_on);
  const int rank_zero = cluster.finish(failed);
  return rank_zero != 0 || failed != 0 ? 1 : 0;
}
