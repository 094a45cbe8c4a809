// A model small enough to reason about, with snapshots: for tests of the engine and the writer.
#pragma once

#include <memory>

#include "sim/run/model.hpp"
#include "sim/run/study.hpp"

namespace innosim::sim::testing {

/// Three agents whose size is the replication + the agent id; snapshots on request.
class ToyModel final : public Model {
 public:
  [[nodiscard]] const std::vector<MetricInfo>& metrics() const override {
    static const std::vector<MetricInfo> metrics = {{"count", "agents", "agents"},
                                                    {"total", "1", "sum of sizes"}};
    return metrics;
  }
  [[nodiscard]] TimeAxis time_axis() const override { return {2022, 12, 2}; }
  bool run_replication(const ReplicationContext& context, SeriesBuffer& out) const override {
    for (std::size_t point = 0; point < 3; ++point) {
      out.at(0, point) = 3.0;
      out.at(1, point) = 3.0 * context.replication + 3.0;
    }
    if (context.snapshots != nullptr) {
      for (const int year : context.snapshot_years) {
        Snapshot snapshot;
        snapshot.year = year;
        snapshot.columns = {{"agent_id", "", "id", true, {0, 1, 2}},
                            {"size", "1", "size", false, {}},
                            {"age", "years", "age", true, {1, 1, 1}}};
        for (int id = 0; id < 3; ++id)
          snapshot.columns[1].values.push_back(context.replication + id);
        context.snapshots->push_back(std::move(snapshot));
      }
    }
    return true;
  }
};

/// Four replications, every series kept, snapshots of replications 3 and 1 in 2022 and 2023.
inline Study toy_study(const ToyModel& model) {
  Study study;
  study.model_at = [&model](std::size_t) {
    return std::shared_ptr<const Model>(std::shared_ptr<const Model>(), &model);
  };
  study.replications = 4;
  study.keep_series = true;
  study.snapshot_years = {2022, 2023};
  study.snapshot_replications = {3, 1};
  return study;
}

}  // namespace innosim::sim::testing
