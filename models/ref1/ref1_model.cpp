#include "models/ref1/ref1_model.hpp"

#include <algorithm>
#include <cmath>

#include "sim/rng/distributions.hpp"
#include "sim/run/parallel.hpp"

namespace innosim::models::ref1 {

void StepCounts::add(const StepCounts& other) {
  for (int tier = 0; tier < TIER_COUNT; ++tier) firms_by_tier[tier] += other.firms_by_tier[tier];
  exits += other.exits;
}

Ref1Model::Ref1Model(const Ref1Params& params, const sim::TimeAxis& time)
    : params_(params), time_(time) {}

const std::vector<sim::MetricInfo>& Ref1Model::metrics() const {
  static const std::vector<sim::MetricInfo> metrics = {
      {"firms_candidate", "firms", "alive technology firms in no register (tier candidate)"},
      {"firms_tech_sme", "firms", "alive firms evaluated as tech SMEs (tier tech_sme)"},
      {"firms_high_tech", "firms", "alive certified high-tech enterprises (tier high_tech)"},
      {"firms_leader", "firms", "alive innovation leaders (tier leader)"},
      {"births", "firms/step", "firms born during the step (counted alive at its end)",
       sim::MetricKind::FLOW},
      {"exits", "firms/step", "firms that exited during the step", sim::MetricKind::FLOW},
  };
  return metrics;
}

void Ref1Model::add_firms(Firms& firms, std::uint32_t first_id, std::size_t count,
                          std::uint64_t seed, std::uint32_t replication) const {
  const std::size_t first_row = firms.append(count);
  const sim::StreamKey stream(seed, PURPOSE_ATTRIBUTES, replication, 0);
  auto ids = firms.column<FirmId>();
  auto alive = firms.column<Alive>();
  auto revenue = firms.column<Revenue>();
  auto rd = firms.column<RdIntensity>();
  const Ref1Params& p = params_;
  for (std::size_t row = first_row; row < first_row + count; ++row) {
    const auto id = static_cast<std::uint32_t>(first_id + (row - first_row));
    const sim::PhiloxBlock words = stream.block(id);
    const sim::NormalPair z = sim::normal_pair(words[0], words[1]);
    ids[row] = id;
    alive[row] = 1;
    revenue[row] = sim::lognormal_from_normal(p.revenue_median, p.revenue_log_sd, z.first);
    rd[row] =
        std::clamp(sim::lognormal_from_normal(p.rd_median, p.rd_log_sd, z.second), 0.0f, p.rd_max);
  }
  // tier (candidate) and age (0) are the zero the table initialises rows with
}

namespace {

/// The REF-1 step over `rows` rows. The columns are __restrict function parameters because GCC
/// trusts restrict only there; with it, the loop needs no run-time alias checks and vectorises.
StepCounts advance_columns(const Ref1Params p, const sim::StreamKey stream, std::size_t rows,
                           const std::uint32_t* __restrict ids, std::uint8_t* __restrict tiers,
                           std::uint8_t* __restrict alive_flags, std::uint16_t* __restrict ages,
                           float* __restrict revenues, const float* __restrict rds) {
  const auto young_age = static_cast<std::int32_t>(p.young_age_steps);
  const float hazard_young = p.exit_hazard;
  const float hazard_old = p.exit_hazard / 2.0f;
  const float high_tech_probability =
      std::min(1.0f, p.high_tech_probability * (1.0f + p.high_tech_support));

  // Branch-free over rows so the compiler vectorises the whole pass, Philox included: flags
  // are 0/1 integers and every condition is a select (no bool &&, ||, and no multi-way select
  // chains, which GCC cannot if-convert). Rows that are not alive (exited, or padding) compute
  // but change nothing and count nowhere.
  //
  // Survivors are counted by tier with one plain sum: survives << (16 * tier) adds 1 to the
  // tier's 16-bit field of a uint64, a reduction the vectoriser supports (four conditional
  // counters are not). Blocks of COUNT_BLOCK rows keep every field below 2^16.
  constexpr std::size_t COUNT_BLOCK = 4096;
  StepCounts counts;
  for (std::size_t block_begin = 0; block_begin < rows; block_begin += COUNT_BLOCK) {
    const std::size_t block_end = std::min(rows, block_begin + COUNT_BLOCK);
    std::int32_t exits = 0;
    std::uint64_t packed_tier_counts = 0;
    for (std::size_t row = block_begin; row < block_end; ++row) {
      const sim::PhiloxBlock words = stream.block(ids[row]);
      const std::int32_t alive = alive_flags[row];
      const std::int32_t age = ages[row];
      // 1. exit
      const float hazard = age < young_age ? hazard_young : hazard_old;
      const std::int32_t exits_now = alive & (sim::bernoulli(words[0], hazard) ? 1 : 0);
      const std::int32_t survives = alive - exits_now;
      // 2. growth
      const float r = rds[row];
      const float shock = sim::normal(words[1], words[2]);
      const float grown = revenues[row] * sim::fastmath::exp(p.growth_drift + p.growth_rd * r +
                                                             p.growth_sd * shock);
      const float revenue = survives != 0 ? grown : revenues[row];
      // 3. at most one tier move, with the probability of the firm's current rung
      const std::int32_t tier = tiers[row];
      const float rd_share = r / p.tech_sme_rd_reference;
      const float capped_rd_share = rd_share < 1.0f ? rd_share : 1.0f;
      const float to_tech_sme =
          revenue <= p.tech_sme_revenue_cap ? p.tech_sme_probability * capped_rd_share : 0.0f;
      const float threshold_upper =
          revenue <= p.medium_revenue_limit ? p.rd_threshold_medium : p.rd_threshold_large;
      const float rd_threshold =
          revenue < p.small_revenue_limit ? p.rd_threshold_small : threshold_upper;
      const float to_high_tech = r >= rd_threshold ? high_tech_probability : 0.0f;
      const std::int32_t leader_size = revenue >= p.leader_revenue ? 1 : 0;
      const float from_high_tech = leader_size != 0 ? p.leader_probability : p.lapse_probability;
      // Exactly one term is non-zero (none for leaders); adding zeros is exact.
      const float move_probability = (tier == CANDIDATE ? to_tech_sme : 0.0f) +
                                     (tier == TECH_SME ? to_high_tech : 0.0f) +
                                     (tier == HIGH_TECH ? from_high_tech : 0.0f);
      const std::int32_t moves = survives & (sim::bernoulli(words[3], move_probability) ? 1 : 0);
      // Every move is one rung up, except a lapse (high_tech below leader size) one rung down.
      const std::int32_t direction = (tier == HIGH_TECH) & (leader_size == 0) ? -1 : 1;
      const std::int32_t new_tier = tier + moves * direction;
      // 4. ageing, and write back
      tiers[row] = static_cast<std::uint8_t>(new_tier);
      revenues[row] = revenue;
      ages[row] = static_cast<std::uint16_t>(age + survives);
      alive_flags[row] = static_cast<std::uint8_t>(survives);
      exits += exits_now;
      packed_tier_counts += static_cast<std::uint64_t>(survives) << (16 * new_tier);
    }
    for (int tier = 0; tier < TIER_COUNT; ++tier) {
      counts.firms_by_tier[tier] +=
          static_cast<std::int64_t>((packed_tier_counts >> (16 * tier)) & 0xffff);
    }
    counts.exits += exits;
  }
  return counts;
}

}  // namespace

StepCounts Ref1Model::advance_rows(Firms& firms, std::size_t begin, std::size_t end,
                                   const sim::StreamKey& step_stream) const {
  return advance_columns(
      params_, step_stream, end - begin, firms.padded_column<FirmId>().data() + begin,
      firms.padded_column<TierColumn>().data() + begin, firms.padded_column<Alive>().data() + begin,
      firms.padded_column<AgeSteps>().data() + begin, firms.padded_column<Revenue>().data() + begin,
      firms.padded_column<RdIntensity>().data() + begin);
}

StepCounts Ref1Model::advance(Firms& firms, const sim::StreamKey& step_stream) const {
  const std::size_t rows = firms.padded_size();
  const std::size_t chunk_count = (rows + CHUNK_ROWS - 1) / CHUNK_ROWS;
  if (chunk_count <= 1) return advance_rows(firms, 0, rows, step_stream);
  std::vector<StepCounts> chunk_counts(chunk_count);
  // isolate: while waiting for its chunks, a thread must not pick up another replication.
  sim::parallel_for_index(chunk_count, [&](std::size_t chunk) {
    const std::size_t begin = chunk * CHUNK_ROWS;
    chunk_counts[chunk] =
        advance_rows(firms, begin, std::min(rows, begin + CHUNK_ROWS), step_stream);
  });
  StepCounts total;
  for (const StepCounts& counts : chunk_counts) total.add(counts);  // fixed (chunk) order
  return total;
}

bool Ref1Model::run_replication(const sim::ReplicationContext& context,
                                sim::SeriesBuffer& out) const {
  Firms firms;
  const auto initial_firms = static_cast<std::size_t>(params_.initial_firms);
  firms.reserve(initial_firms + initial_firms / 8);
  add_firms(firms, 0, initial_firms, context.seed, context.replication);
  out.at(FIRMS_CANDIDATE, 0) = static_cast<double>(initial_firms);

  std::uint32_t next_birth_id = FIRST_BIRTH_ID;
  std::size_t exited_rows = 0;
  for (int step = 0; step < time_.steps; ++step) {
    if (context.cancelled()) return false;
    const auto step_index = static_cast<std::uint32_t>(step);
    StepCounts counts =
        advance(firms, sim::StreamKey(context.seed, PURPOSE_STEP, context.replication, step_index));

    // Births come after the step's firms have moved and act from the next step.
    std::int64_t births = 0;
    if (params_.births_per_step > 0.0) {
      sim::DrawSequence draws(
          sim::StreamKey(context.seed, PURPOSE_BIRTHS, context.replication, step_index), 0);
      births = sim::poisson(draws, params_.births_per_step);
      add_firms(firms, next_birth_id, static_cast<std::size_t>(births), context.seed,
                context.replication);
      next_birth_id += static_cast<std::uint32_t>(births);
      counts.firms_by_tier[CANDIDATE] += births;
    }

    // Exited rows are dropped once they are an eighth of the table: a copy pass every few
    // steps instead of every step, while dead rows cost at most ~12% of a pass.
    exited_rows += static_cast<std::size_t>(counts.exits);
    if (exited_rows * 8 > firms.size()) {
      firms.compact(firms.column<Alive>());
      exited_rows = 0;
    }

    const auto point = static_cast<std::size_t>(step + 1);
    out.at(FIRMS_CANDIDATE, point) = static_cast<double>(counts.firms_by_tier[CANDIDATE]);
    out.at(FIRMS_TECH_SME, point) = static_cast<double>(counts.firms_by_tier[TECH_SME]);
    out.at(FIRMS_HIGH_TECH, point) = static_cast<double>(counts.firms_by_tier[HIGH_TECH]);
    out.at(FIRMS_LEADER, point) = static_cast<double>(counts.firms_by_tier[LEADER]);
    out.at(BIRTHS, point) = static_cast<double>(births);
    out.at(EXITS, point) = static_cast<double>(counts.exits);
    context.step_completed();
  }
  return true;
}

}  // namespace innosim::models::ref1
