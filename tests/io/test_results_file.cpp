// The results file: every provenance attribute is written, datasets round-trip, writes are
// atomic, and the reader refuses what is not ours.
#include <gtest/gtest.h>
#include <hdf5.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <regex>

#include "io/h5/results_file.hpp"
#include "io/version.hpp"
#include "models/ref1/ref1_model.hpp"
#include "sim/stats/summary.hpp"
#include "tests/sim/toy_model.hpp"

namespace innosim::io {
namespace {

namespace fs = std::filesystem;

class ResultsFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    directory_ = fs::temp_directory_path() /
                 ("innosim-test-" + std::to_string(::getpid()) + "-" +
                  ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(directory_);
  }
  void TearDown() override { fs::remove_all(directory_); }

  static sim::Ensemble small_ensemble() {
    auto params = models::ref1::Ref1Params::defaults();
    params.initial_firms = 300;
    sim::TimeAxis time;
    time.steps = 24;
    const models::ref1::Ref1Model model(params, time);
    sim::RunOptions options;
    options.replications = 5;
    return sim::run_ensemble(model, options);
  }
  static Provenance provenance() {
    Provenance p;
    p.scenario_path = "scenarios/信阳.toml";
    p.scenario_text = "# 信阳 scenario\n[scenario]\nmodel = \"ref1\"\n";
    p.scenario_name = "xinyang";
    p.model = "ref1";
    p.resolved_parameters = "[run]\nseed = 1\n";
    p.command_line = "innosim run scenarios/信阳.toml";
    p.seed = 1;
    return p;
  }
  std::vector<fs::path> files() const {
    std::vector<fs::path> found;
    for (const auto& entry : fs::directory_iterator(directory_)) found.push_back(entry.path());
    return found;
  }
  fs::path directory_;
};

TEST_F(ResultsFileTest, EveryRootAttributeIsWritten) {
  const fs::path output = directory_ / "out.h5";
  write_results(output, small_ensemble(), provenance());
  const ResultsReader reader(output);
  EXPECT_EQ(reader.string_attribute("filetype"), "innosim-results");
  EXPECT_EQ(reader.integer_attribute("format_version"), (std::vector<std::int64_t>{1, 7}));
  EXPECT_EQ(reader.string_attribute("innosim_version"), program_version());
  const std::string commit = reader.string_attribute("git_commit");
  EXPECT_EQ(commit, git_commit());
  EXPECT_TRUE(std::regex_match(commit, std::regex("[0-9a-f]{40}(-dirty)?|unknown"))) << commit;
  EXPECT_TRUE(std::regex_match(reader.string_attribute("created"),
                               std::regex(R"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z)")));
  EXPECT_EQ(reader.string_attribute("command_line"), "innosim run scenarios/信阳.toml");
  EXPECT_EQ(reader.integer_attribute("seed"), std::vector<std::int64_t>{1});
  EXPECT_EQ(reader.integer_attribute("replications"), std::vector<std::int64_t>{5});
  EXPECT_EQ(reader.integer_attribute("complete"), std::vector<std::int64_t>{1});
  EXPECT_EQ(reader.string_attribute("scenario_text"),
            provenance().scenario_text);  // verbatim, UTF-8
  EXPECT_EQ(reader.string_attribute("scenario_file"), "scenarios/信阳.toml");
  EXPECT_EQ(reader.string_attribute("resolved_parameters"), "[run]\nseed = 1\n");
  EXPECT_EQ(reader.string_attribute("model"), "ref1");
}

TEST_F(ResultsFileTest, SeriesAndCoordinatesRoundTrip) {
  const fs::path output = directory_ / "out.h5";
  const sim::Ensemble ensemble = small_ensemble();
  write_results(output, ensemble, provenance());
  const ResultsReader reader(output);
  std::vector<std::size_t> shape;
  const auto values = reader.dataset("/series/firms_candidate", &shape);
  EXPECT_EQ(shape, (std::vector<std::size_t>{5, 25}));
  EXPECT_EQ(values, ensemble.values[models::ref1::FIRMS_CANDIDATE]);
  const auto time = reader.dataset("/time");
  ASSERT_EQ(time.size(), 25u);
  EXPECT_DOUBLE_EQ(time[0], 2022.0);
  EXPECT_DOUBLE_EQ(time[12], 2023.0);
  EXPECT_EQ(reader.dataset("/replication"), (std::vector<double>{0, 1, 2, 3, 4}));
  EXPECT_EQ(reader.dataset("/summary/exits/p50").size(), 25u);
}

TEST_F(ResultsFileTest, TablesOtherThanTheAgentsGoInTheirOwnGroup) {
  // A snapshot of another table (the city's edge lists) lands in /<group>/<year>/<table>/ with its
  // id column as the dimension scale, beside the agents' snapshot of the same year. Fails if it
  // were written under the agents' group, or two tables of one year clashed.
  sim::Ensemble ensemble = small_ensemble();
  for (const char* table : {"loan", "equity"}) {
    sim::Snapshot edges;
    edges.year = 2025;
    edges.replication = 0;
    edges.group = "network";
    edges.table = table;
    edges.dimension = "edge";
    edges.columns.push_back({"edge_id", "", "row", true, {0, 1, 2}});
    edges.columns.push_back({"amount", "万元", "principal", false, {5.0, 6.0, 7.5}});
    ensemble.snapshots.push_back(edges);
  }
  const fs::path output = directory_ / "edges.h5";
  write_results(output, ensemble, provenance());
  const ResultsReader reader(output);
  EXPECT_EQ(reader.dataset("/network/2025/loan/amount"), (std::vector<double>{5.0, 6.0, 7.5}));
  EXPECT_EQ(reader.dataset("/network/2025/equity/edge"), (std::vector<double>{0, 1, 2}));
}

TEST_F(ResultsFileTest, SnapshotsOfOneReplicationOrOfSeveral) {
  const sim::testing::ToyModel model;
  sim::Study study = sim::testing::toy_study(model);
  sim::ThreadExecutor threads(2);
  auto write = [&](const std::string& name) {
    sim::EnsembleBuilder builder(model, study);
    EXPECT_TRUE(sim::run_study(study, builder, threads));
    write_results(directory_ / name, builder.take(), provenance());
    return directory_ / name;
  };
  const ResultsReader several(write("several.h5"));
  EXPECT_EQ(several.dataset("/agents/replication_1/2022/size"), (std::vector<double>{1, 2, 3}));
  EXPECT_EQ(several.dataset("/agents/replication_3/2023/size"), (std::vector<double>{3, 4, 5}));
  EXPECT_EQ(several.dataset("/agents/replication_3/2023/agent"), (std::vector<double>{0, 1, 2}));
  study.snapshot_replications = {2};  // one: the layout of 1.1, /agents/<year>
  const ResultsReader one(write("one.h5"));
  EXPECT_EQ(one.dataset("/agents/2023/size"), (std::vector<double>{2, 3, 4}));
  EXPECT_EQ(one.dataset("/agents/2022/age"), (std::vector<double>{1, 1, 1}));
}

TEST_F(ResultsFileTest, InterruptedRunsKeepOnlyCompletedReplications) {
  sim::Ensemble ensemble = small_ensemble();
  ensemble.completed[1] = 0;
  ensemble.completed[3] = 0;
  Provenance p = provenance();
  p.complete = false;
  const fs::path output = directory_ / "partial.h5";
  write_results(output, ensemble, p);
  const ResultsReader reader(output);
  EXPECT_EQ(reader.dataset("/replication"), (std::vector<double>{0, 2, 4}));
  EXPECT_EQ(reader.integer_attribute("complete"), std::vector<std::int64_t>{0});
  std::vector<std::size_t> shape;
  static_cast<void>(reader.dataset("/series/exits", &shape));
  EXPECT_EQ(shape[0], 3u);
}

TEST_F(ResultsFileTest, FailedWriteLeavesNothingAndKeepsTheOldFile) {
  const fs::path output = directory_ / "out.h5";
  { std::ofstream(output) << "previous results"; }
  // A metric name HDF5 refuses ("a/b" is a path into a missing group) fails mid-write.
  sim::Ensemble ensemble = small_ensemble();
  ensemble.metrics[2].name = "no_such_group/firms";
  EXPECT_THROW(write_results(output, ensemble, provenance()), std::exception);
  ASSERT_EQ(files(), std::vector<fs::path>{output});  // no temporary file left behind
  std::ifstream kept(output);
  std::string content;
  std::getline(kept, content);
  EXPECT_EQ(content, "previous results");
}

TEST_F(ResultsFileTest, MissingDirectoryIsAClearError) {
  try {
    write_results(directory_ / "missing" / "out.h5", small_ensemble(), provenance());
    FAIL();
  } catch (const std::exception& error) {
    EXPECT_NE(std::string(error.what()).find("does not exist"), std::string::npos) << error.what();
  }
}

TEST_F(ResultsFileTest, ReaderRefusesOtherFilesAndOtherMajorVersions) {
  const fs::path foreign = directory_ / "foreign.h5";
  const hid_t file = H5Fcreate(foreign.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  H5Fclose(file);
  EXPECT_THROW(ResultsReader{foreign}, std::runtime_error);

  const fs::path future = directory_ / "future.h5";
  write_results(future, small_ensemble(), provenance());
  const hid_t handle = H5Fopen(future.c_str(), H5F_ACC_RDWR, H5P_DEFAULT);
  const hid_t attribute = H5Aopen(handle, "format_version", H5P_DEFAULT);
  const int version[2] = {2, 0};
  H5Awrite(attribute, H5T_NATIVE_INT, version);
  H5Aclose(attribute);
  H5Fclose(handle);
  try {
    ResultsReader reader(future);
    FAIL();
  } catch (const std::runtime_error& error) {
    EXPECT_NE(std::string(error.what()).find("version 2.x"), std::string::npos) << error.what();
  }
}

}  // namespace
}  // namespace innosim::io

namespace innosim::io {
namespace {

// `innosim run` streams replications to the file in batches (ResultsStream); the in-memory
// writer is the reference: every dataset must hold the same values, bit for bit, also when
// /summary is read back in blocks of one time point. Before ResultsStream existed this file did
// not compile; a block boundary or row-order mistake makes the comparison fail.
TEST(ResultsStreamTest, StreamedFileHoldsTheInMemoryValues) {
  const fs::path directory =
      fs::temp_directory_path() / ("innosim-stream-" + std::to_string(::getpid()));
  fs::create_directories(directory);
  auto params = models::ref1::Ref1Params::defaults();
  params.initial_firms = 300;
  sim::TimeAxis time;
  time.steps = 24;
  const models::ref1::Ref1Model model(params, time);
  sim::Study study;
  study.model_at = [&model](std::size_t) {
    return std::shared_ptr<const sim::Model>(std::shared_ptr<const sim::Model>(), &model);
  };
  study.replications = 37;
  study.seed = 5;
  study.keep_series = true;

  sim::EnsembleBuilder builder(model, study);
  sim::ThreadExecutor executor(2);
  sim::StudyControl single;
  single.batches = sim::BatchPolicy::single(study.tasks());
  ASSERT_TRUE(sim::run_study(study, builder, executor, single));
  Provenance provenance;
  provenance.scenario_name = "stream";
  write_results(directory / "memory.h5", builder.take(), provenance);

  ResultsStream stream(directory / "streamed.h5", model, study, {});
  stream.summary_block_bytes = 1;  // one time point per block
  sim::StudyControl batches;
  batches.batches = {5, 5, 0.0};  // batches of five: the last one partial
  ASSERT_TRUE(sim::run_study(study, stream, executor, batches));
  stream.finish(directory / "streamed.h5", provenance);

  const ResultsReader memory(directory / "memory.h5");
  const ResultsReader streamed(directory / "streamed.h5");
  std::vector<std::string> paths = {"time", "replication"};
  for (const sim::MetricInfo& info : model.metrics()) {
    paths.push_back("series/" + info.name);
    paths.push_back("summary/" + info.name + "/mean");
    for (const char* name : sim::SUMMARY_QUANTILE_NAMES)
      paths.push_back("summary/" + info.name + "/" + name);
  }
  for (const std::string& path : paths) {
    std::vector<std::size_t> memory_shape, streamed_shape;
    const std::vector<double> expected = memory.dataset(path, &memory_shape);
    const std::vector<double> actual = streamed.dataset(path, &streamed_shape);
    EXPECT_EQ(memory_shape, streamed_shape) << path;
    ASSERT_EQ(expected.size(), actual.size()) << path;
    for (std::size_t i = 0; i < expected.size(); ++i)
      ASSERT_EQ(std::memcmp(&expected[i], &actual[i], sizeof(double)), 0) << path << " at " << i;
  }
  EXPECT_EQ(streamed.integer_attribute("replications"), std::vector<std::int64_t>{37});
  fs::remove_all(directory);
}

/// REF-1 with four of its metrics declared as a 2 x 2 block (rows a, b; columns x, y).
class BlockModel final : public sim::Model {
 public:
  explicit BlockModel(const sim::Model& inner) : inner_(inner) {}
  [[nodiscard]] const std::vector<sim::MetricInfo>& metrics() const override {
    return inner_.metrics();
  }
  [[nodiscard]] std::vector<sim::MetricBlock> metric_blocks() const override {
    return {{"blocky", "firms", "a test block", "row", {"a", "b"}, "column", {"x", "y"}, 2}};
  }
  [[nodiscard]] sim::TimeAxis time_axis() const override { return inner_.time_axis(); }
  bool run_replication(const sim::ReplicationContext& context,
                       sim::SeriesBuffer& out) const override {
    return inner_.run_replication(context, out);
  }

 private:
  const sim::Model& inner_;
};

// A metric block (e.g. the city's /flows) is written as one [replication, time, row, column]
// dataset with its mean over replications, by the in-memory and the streamed writer alike, and
// its metrics are not repeated in /series. Fails if a value landed in the wrong cell (the
// block's cell (r, c) at point p of replication i must be metric first + 2r + c there), if the
// streamed batches were appended out of place, or if the block's metrics stayed in /series.
TEST(ResultsStreamTest, MetricBlocksAreWrittenAsOneArray) {
  const fs::path directory =
      fs::temp_directory_path() / ("innosim-block-" + std::to_string(::getpid()));
  fs::create_directories(directory);
  auto params = models::ref1::Ref1Params::defaults();
  params.initial_firms = 300;
  sim::TimeAxis time;
  time.steps = 12;
  const models::ref1::Ref1Model inner(params, time);
  const BlockModel model(inner);
  sim::Study study;
  study.model_at = [&model](std::size_t) {
    return std::shared_ptr<const sim::Model>(std::shared_ptr<const sim::Model>(), &model);
  };
  study.replications = 7;
  study.seed = 5;
  study.keep_series = true;
  sim::EnsembleBuilder builder(model, study);
  sim::ThreadExecutor executor(2);
  sim::StudyControl single;
  single.batches = sim::BatchPolicy::single(study.tasks());
  ASSERT_TRUE(sim::run_study(study, builder, executor, single));
  const sim::Ensemble ensemble = builder.take();
  Provenance provenance;
  provenance.scenario_name = "block";
  write_results(directory / "memory.h5", ensemble, provenance);
  ResultsStream stream(directory / "streamed.h5", model, study, {});
  sim::StudyControl batches;
  batches.batches = {3, 3, 0.0};
  ASSERT_TRUE(sim::run_study(study, stream, executor, batches));
  stream.finish(directory / "streamed.h5", provenance);

  for (const char* file : {"memory.h5", "streamed.h5"}) {
    const ResultsReader reader(directory / file);
    std::vector<std::size_t> shape;
    const std::vector<double> block = reader.dataset("blocky", &shape);
    ASSERT_EQ(shape, (std::vector<std::size_t>{7, 13, 2, 2})) << file;
    std::vector<double> mean(13 * 4, 0.0);
    for (std::size_t i = 0; i < 7; ++i) {
      for (std::size_t p = 0; p < 13; ++p) {
        for (std::size_t k = 0; k < 4; ++k) {
          ASSERT_EQ(block[(i * 13 + p) * 4 + k], ensemble.at(2 + k, i, p)) << file;
          mean[p * 4 + k] += ensemble.at(2 + k, i, p) / 7.0;
        }
      }
    }
    const std::vector<double> stored_mean = reader.dataset("blocky_mean", &shape);
    ASSERT_EQ(shape, (std::vector<std::size_t>{13, 2, 2})) << file;
    for (std::size_t i = 0; i < mean.size(); ++i) EXPECT_NEAR(stored_mean[i], mean[i], 1e-9);
    EXPECT_THROW((void)reader.dataset("series/" + inner.metrics()[2].name), std::exception) << file;
    EXPECT_NO_THROW((void)reader.dataset("series/" + inner.metrics()[0].name)) << file;
  }
  fs::remove_all(directory);
}

}  // namespace
}  // namespace innosim::io
