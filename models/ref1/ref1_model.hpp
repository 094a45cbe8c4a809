// REF-1, the reference ladder model (docs/model-ref1.md): a deliberately small model kept for
// benchmarks other engines can reproduce, as an oracle with an exact answer (ref1_markov.hpp),
// and as the first vertical slice through the engine.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "models/ref1/ref1_params.hpp"
#include "sim/rng/stream.hpp"
#include "sim/run/model.hpp"
#include "sim/table/soa_table.hpp"

namespace innosim::models::ref1 {

enum Tier : std::uint8_t { CANDIDATE = 0, TECH_SME = 1, HIGH_TECH = 2, LEADER = 3 };
inline constexpr int TIER_COUNT = 4;

// Columns of the REF-1 firm table: 16 bytes of state per firm.
struct FirmId : sim::Column<std::uint32_t, "firm_id"> {};
struct TierColumn : sim::Column<std::uint8_t, "tier"> {};
struct Alive : sim::Column<std::uint8_t, "alive"> {};
struct AgeSteps : sim::Column<std::uint16_t, "age"> {};
struct Revenue : sim::Column<float, "revenue"> {};
struct RdIntensity : sim::Column<float, "rd_intensity"> {};
using Firms = sim::SoaTable<FirmId, TierColumn, Alive, AgeSteps, Revenue, RdIntensity>;

/// Stream purposes of REF-1 (distinct purposes keep decisions independent).
inline constexpr sim::StreamPurpose PURPOSE_ATTRIBUTES = 1;  ///< initial R and r of a firm
inline constexpr sim::StreamPurpose PURPOSE_STEP = 2;        ///< exit, growth shock, tier move
inline constexpr sim::StreamPurpose PURPOSE_BIRTHS = 3;      ///< number of births in a step
/// Ids of firms born during the run start here; ids below are initial firms.
inline constexpr std::uint32_t FIRST_BIRTH_ID = 0x8000'0000u;

/// Metric indices, in the order of Ref1Model::metrics().
enum Metric : std::size_t {
  FIRMS_CANDIDATE,
  FIRMS_TECH_SME,
  FIRMS_HIGH_TECH,
  FIRMS_LEADER,
  BIRTHS,
  EXITS,
  METRIC_COUNT
};

/// Counts gathered by a pass over firm rows.
struct StepCounts {
  std::int64_t firms_by_tier[TIER_COUNT] = {0, 0, 0, 0};
  std::int64_t exits = 0;
  void add(const StepCounts& other);
};

class Ref1Model final : public sim::Model {
 public:
  Ref1Model(const Ref1Params& params, const sim::TimeAxis& time);

  [[nodiscard]] const std::vector<sim::MetricInfo>& metrics() const override;
  [[nodiscard]] sim::TimeAxis time_axis() const override { return time_; }
  bool run_replication(const sim::ReplicationContext& context,
                       sim::SeriesBuffer& out) const override;

  [[nodiscard]] const Ref1Params& params() const { return params_; }

  // The pieces of a replication, public for tests and benchmarks.
  /// Appends firms with the given ids range [first_id, first_id + count) drawn as at entry.
  void add_firms(Firms& firms, std::uint32_t first_id, std::size_t count, std::uint64_t seed,
                 std::uint32_t replication) const;
  /// Advances every row one step (exit, growth, tier move, ageing) and counts the survivors.
  /// Rows are processed in fixed chunks, in parallel when the table is large.
  StepCounts advance(Firms& firms, const sim::StreamKey& step_stream) const;
  /// Advances rows [begin, end) (multiples of Firms::ROW_BLOCK, within padded_size()).
  StepCounts advance_rows(Firms& firms, std::size_t begin, std::size_t end,
                          const sim::StreamKey& step_stream) const;

  /// Rows per parallel chunk: fixed, so results cannot depend on the thread count.
  static constexpr std::size_t CHUNK_ROWS = 16384;

 private:
  Ref1Params params_;
  sim::TimeAxis time_;
};

}  // namespace innosim::models::ref1
