// The study runner: a scenario with overrides, R replications and outcomes in a few lines;
// common random numbers across points; results independent of threads and batch sizes; the
// sink sees tasks in task order; cancellation; output selection and snapshots of several
// replications.
#include <gtest/gtest.h>

#include "io/scenario/scenario.hpp"
#include "sim/run/runner.hpp"
#include "sim/run/study.hpp"
#include "sim/run/task_batch.hpp"
#include "tests/sim/toy_model.hpp"

namespace innosim::sim {
namespace {

const char* const REF1_EXPERIMENT = R"([scenario]
model = "ref1"
steps = 36
[ref1]
initial_firms = 500
[experiment]
outcomes = ["firms_high_tech@2024", "exits@2024"]
)";

ParameterSet overrides(const std::string& key, double value) {
  ParameterSet set;
  set.set(key, value);
  return set;
}

TEST(Study, AScenarioWithOverridesRunsInAFewLinesWithCommonRandomNumbers) {
  const io::Scenario scenario = io::parse_scenario(REF1_EXPERIMENT, "test.toml");
  const std::vector<ParameterSet> points = {{}, {}, overrides("ref1.high_tech_support", 1.0)};

  Study study;
  study.points = points.size();
  study.model_at = [&](std::size_t point) { return io::create_model(scenario, points[point]); };
  study.replications = 8;
  study.seed = 5;
  study.outcomes = scenario.outcomes;
  OutcomeTable results(study);
  ThreadExecutor threads(2);
  ASSERT_TRUE(run_study(study, results, threads));

  // Points 0 and 1 have the same parameters: replication by replication the same outcomes.
  bool replications_differ = false;
  double without_support = 0.0, with_support = 0.0;
  for (std::uint32_t r = 0; r < 8; ++r) {
    EXPECT_EQ(results.value(0, 0, r), results.value(0, 1, r));
    EXPECT_EQ(results.value(1, 0, r), results.value(1, 1, r));
    without_support += results.value(0, 0, r);
    with_support += results.value(0, 2, r);
    if (r > 0 && results.value(0, 0, r) != results.value(0, 0, 0)) replications_differ = true;
  }
  EXPECT_TRUE(replications_differ);
  // Doubling the tech_sme -> high_tech probability on the same draws certifies more firms.
  EXPECT_GT(with_support, without_support);
}

TEST(Study, OverridesAreCheckedLikeTheScenario) {
  const io::Scenario scenario = io::parse_scenario(REF1_EXPERIMENT, "test.toml");
  EXPECT_THROW(static_cast<void>(io::create_model(scenario, overrides("ref1.no_such_key", 1.0))),
               std::invalid_argument);
  EXPECT_THROW(static_cast<void>(io::create_model(scenario, overrides("ref1.exit_hazard", 2.0))),
               std::invalid_argument);  // out of range
  EXPECT_THROW(
      static_cast<void>(io::create_model(scenario, overrides("ref1.small_revenue_limit", 1.0e9))),
      std::invalid_argument);  // contradicts ref1.medium_revenue_limit
}

/// Records what the runner hands over, in the order it does.
class RecordingSink final : public StudySink {
 public:
  void accept(TaskResult& result) override {
    tasks.emplace_back(result.point, result.replication);
    values.insert(values.end(), result.outcomes.begin(), result.outcomes.end());
  }
  void end_batch(bool complete) override {
    batch_ends.push_back(tasks.size());
    if (cancel_after_first_batch != nullptr) cancel_after_first_batch->store(true);
    completes.push_back(complete);
  }
  std::vector<std::pair<std::size_t, std::uint32_t>> tasks;
  std::vector<double> values;
  std::vector<std::size_t> batch_ends;
  std::vector<bool> completes;
  std::atomic<bool>* cancel_after_first_batch = nullptr;
};

Study ref1_study(const io::Scenario& scenario, std::size_t points, std::uint32_t replications) {
  Study study;
  study.points = points;
  study.model_at = [&scenario](std::size_t point) {
    return io::create_model(scenario,
                            overrides("ref1.high_tech_support", 0.25 * static_cast<double>(point)));
  };
  study.replications = replications;
  study.seed = 3;
  study.outcomes = scenario.outcomes;
  return study;
}

TEST(Study, TasksArriveInTaskOrderWhateverTheThreadsAndBatches) {
  const io::Scenario scenario = io::parse_scenario(REF1_EXPERIMENT, "test.toml");
  const Study study = ref1_study(scenario, 5, 3);
  RecordingSink single, small;
  {
    ThreadExecutor one(1);
    StudyControl control;
    control.batches = BatchPolicy::single(study.tasks());
    ASSERT_TRUE(run_study(study, single, one, control));
  }
  {
    ThreadExecutor two(2);
    StudyControl control;
    control.batches.first_tasks = 2;  // smaller than a point: points split across batches
    control.batches.max_tasks = 4;
    control.batches.target_seconds = 1.0e9;  // always doubles, however slow the build
    ASSERT_TRUE(run_study(study, small, two, control));
  }
  ASSERT_EQ(single.tasks.size(), 15u);
  for (std::size_t task = 0; task < 15; ++task) {
    EXPECT_EQ(single.tasks[task].first, task / 3);
    EXPECT_EQ(single.tasks[task].second, task % 3);
  }
  EXPECT_EQ(small.tasks, single.tasks);
  EXPECT_EQ(small.values, single.values);  // bit for bit
  EXPECT_EQ(single.batch_ends, std::vector<std::size_t>{15});
  // 2 tasks, then 4 (whole points once a point fits): 0-1, 2-5 (ends at a point), 6-8, ...
  ASSERT_GE(small.batch_ends.size(), 2u);
  EXPECT_EQ(small.batch_ends[0], 2u);
  for (std::size_t b = 1; b < small.batch_ends.size(); ++b)
    EXPECT_EQ(small.batch_ends[b] % 3, 0u) << "batch " << b << " does not end at a point";
}

TEST(Study, CancellationStopsAfterTheRunningTasks) {
  const io::Scenario scenario = io::parse_scenario(REF1_EXPERIMENT, "test.toml");
  const Study study = ref1_study(scenario, 4, 2);
  std::atomic<bool> cancel{false};
  std::atomic<std::uint64_t> tasks_done{0};
  RecordingSink sink;
  sink.cancel_after_first_batch = &cancel;
  ThreadExecutor threads(2);
  StudyControl control;
  control.cancel = &cancel;
  control.tasks_done = &tasks_done;
  control.batches.first_tasks = 2;
  EXPECT_FALSE(run_study(study, sink, threads, control));
  EXPECT_EQ(sink.tasks.size(), 2u);  // the first batch; the second never started a task
  EXPECT_EQ(tasks_done.load(), 2u);
  EXPECT_EQ(sink.completes, (std::vector<bool>{true, false}));
}

TEST(Study, EnsembleKeepsTheSelectedMetricsAndColumnsOfEverySnapshotReplication) {
  const testing::ToyModel model;
  const Study study = testing::toy_study(model);
  OutputSelection selection;
  selection.metrics = {"total"};
  selection.snapshot_columns = {"size"};
  EnsembleBuilder builder(model, study, selection);
  ThreadExecutor threads(2);
  ASSERT_TRUE(run_study(study, builder, threads));
  const Ensemble ensemble = builder.take();
  ASSERT_EQ(ensemble.metrics.size(), 1u);
  EXPECT_EQ(ensemble.metrics[0].name, "total");
  EXPECT_EQ(ensemble.at(0, 2, 1), 9.0);
  // By replication, then year; the id column stays as the agents' scale.
  ASSERT_EQ(ensemble.snapshots.size(), 4u);
  const std::vector<std::uint32_t> replications = {1, 1, 3, 3};
  for (std::size_t i = 0; i < 4; ++i) {
    const Snapshot& snapshot = ensemble.snapshots[i];
    EXPECT_EQ(snapshot.replication, replications[i]);
    EXPECT_EQ(snapshot.year, i % 2 == 0 ? 2022 : 2023);
    ASSERT_EQ(snapshot.columns.size(), 2u);
    EXPECT_EQ(snapshot.columns[0].name, "agent_id");
    EXPECT_EQ(
        snapshot.columns[1].values,
        (std::vector<double>{1.0 * replications[i], replications[i] + 1.0, replications[i] + 2.0}));
  }
}

TEST(Study, AnUnknownSnapshotColumnIsRefusedAtTheFirstSnapshot) {
  const testing::ToyModel model;
  const Study study = testing::toy_study(model);
  OutputSelection selection;
  selection.snapshot_columns = {"sise"};
  EnsembleBuilder builder(model, study, selection);
  ThreadExecutor threads(2);
  EXPECT_THROW(run_study(study, builder, threads), std::invalid_argument);
}

}  // namespace
}  // namespace innosim::sim

namespace innosim::sim {
namespace {

/// Keeps everything a sink is handed: ids, outcomes, series and snapshots.
class CopyingSink final : public StudySink {
 public:
  void accept(TaskResult& result) override {
    ids.emplace_back(result.point, result.replication);
    outcomes.insert(outcomes.end(), result.outcomes.begin(), result.outcomes.end());
    if (result.series) {
      const auto values = result.series->values();
      series.insert(series.end(), values.begin(), values.end());
    }
    for (const Snapshot& snapshot : result.snapshots) {
      snapshot_years.push_back(snapshot.year);
      for (const SnapshotColumn& column : snapshot.columns) {
        names.push_back(column.name + "|" + column.unit + "|" + column.description +
                        (column.integer ? "|int" : "|real"));
        snapshot_values.insert(snapshot_values.end(), column.values.begin(), column.values.end());
      }
    }
  }
  std::vector<std::pair<std::size_t, std::uint32_t>> ids;
  std::vector<double> outcomes, series, snapshot_values;
  std::vector<int> snapshot_years;
  std::vector<std::string> names;
};

// The MPI back-end sends a batch's results from rank to rank as a flat message: what a sink
// receives from the unpacked batch must be what it receives from the batch itself. Would fail
// if pack or unpack dropped, reordered or mistyped any field (ids, outcomes, series, snapshot
// columns and their metadata), or if unpack accepted a truncated message.
TEST(TaskBatch, ResultsSurviveAMessageUnchanged) {
  const testing::ToyModel model;
  Study study = testing::toy_study(model);
  study.points = 2;
  study.independent_points = true;  // replication ids then depend on the point too
  Outcome total;
  total.name = "total";
  total.metric = 1;
  total.first_point = 1;
  total.last_point = 2;
  study.outcomes = {total};
  TaskBatch batch(study, 1, 7);  // a batch that starts and ends inside a point
  ThreadExecutor threads(2);
  batch.build_models(threads, 99, nullptr);
  ASSERT_TRUE(batch.run(threads, {}));
  CopyingSink direct, received;
  batch.deliver(direct);
  const std::vector<std::uint8_t> message = batch.pack();
  TaskBatch::unpack(study, 1, 7, message)->deliver(received);
  ASSERT_EQ(direct.ids.size(), 6u);
  EXPECT_EQ(received.ids, direct.ids);
  EXPECT_EQ(received.outcomes, direct.outcomes);
  EXPECT_EQ(received.series, direct.series);
  EXPECT_FALSE(direct.snapshot_years.empty());  // replications 1 and 3 are snapshotted
  EXPECT_EQ(received.snapshot_years, direct.snapshot_years);
  EXPECT_EQ(received.names, direct.names);
  EXPECT_EQ(received.snapshot_values, direct.snapshot_values);
  const std::vector<std::uint8_t> truncated(message.begin(), message.end() - 3);
  EXPECT_THROW(static_cast<void>(TaskBatch::unpack(study, 1, 7, truncated)), std::length_error);
}

}  // namespace
}  // namespace innosim::sim
