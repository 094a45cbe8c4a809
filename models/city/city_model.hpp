// The city model: the innovation ecosystem of one city (docs/model.md, ODD description).
// Firms climb the ladder candidate -> tech SME -> high-tech -> gazelle / leader through the
// national certification rules (rules.hpp), grow, do R&D, accumulate knowledge and IP, exit,
// and receive the scenario's policy instruments (instruments.hpp). The model is a schedule of
// process modules (schedule.hpp); this class holds the description and runs the phases.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "models/city/city_params.hpp"
#include "models/city/firms.hpp"
#include "models/city/instruments.hpp"
#include "models/city/metrics.hpp"
#include "models/city/module.hpp"
#include "models/city/world.hpp"
#include "sim/run/model.hpp"

namespace innosim::models::city {

/// Ids of firms entering during the run start here; ids below are initial firms: the burn-in's
/// seed firms from 0, copies made at the start from FIRST_COPY_ID, burn-in entrants as
/// entrant_id without bit 31 (from 2^29).
inline constexpr std::uint32_t FIRST_ENTRY_ID = 0x8000'0000u;
inline constexpr std::uint32_t FIRST_COPY_ID = 0x1000'0000u;
/// Entrants of one channel in one step are numbered below this (13 bits of the id).
inline constexpr std::uint32_t MAX_ENTRANTS_PER_STEP = 1u << 13;
/// An entrant's id, and so its random streams, is a function of its origin alone: bit 31, the
/// channel (2 bits), the step (16 bits) and its index among that step's entrants of the channel
/// (13 bits). A lever on one channel's rate then leaves every other entrant's draws as they
/// were (common random numbers across scenarios), which a running counter would not.
/// Entrants of the burn-in get the same layout without bit 31.
[[nodiscard]] constexpr std::uint32_t entrant_id(Origin origin, int step, std::uint32_t index,
                                                 bool burn_in = false) {
  return (burn_in ? 0u : FIRST_ENTRY_ID) | static_cast<std::uint32_t>(origin) << 29 |
         static_cast<std::uint32_t>(step) << 13 | index;
}

class CityModel final : public sim::Model {
 public:
  CityModel(const CityParams& params, std::vector<Instrument> instruments,
            const sim::TimeAxis& time);
  ~CityModel() override;

  [[nodiscard]] const std::vector<sim::MetricInfo>& metrics() const override { return metrics_; }
  [[nodiscard]] std::vector<sim::MetricBlock> metric_blocks() const override;
  [[nodiscard]] sim::TimeAxis time_axis() const override { return time_; }
  bool run_replication(const sim::ReplicationContext& context,
                       sim::SeriesBuffer& out) const override;
  /// Sees the whole firm table at the end of each run step (after RECORD, before compaction).
  using StepObserver = std::function<void(const World&, const StepCalendar&)>;
  /// run_replication, calling `observe` after every run step: for tests that measure what the
  /// metrics do not carry (e.g. every firm's annual accounts).
  bool run_observed(const sim::ReplicationContext& context, sim::SeriesBuffer& out,
                    const StepObserver& observe) const;
  [[nodiscard]] sim::AgentTable agent_table() const override { return {"firms", "firm"}; }
  [[nodiscard]] std::vector<std::string> snapshot_columns() const override;

  [[nodiscard]] const std::vector<std::unique_ptr<Module>>& modules() const { return modules_; }
  [[nodiscard]] StepCalendar calendar(int step) const;
  [[nodiscard]] int steps_per_year() const { return 12 / time_.step_months; }
  /// Steps of the burn-in that builds the starting population (0 when the scenario starts
  /// with no firms); they end with the December before the start year.
  [[nodiscard]] int burn_in_steps() const;
  /// The first step from `from` on (within a year of it) that contains `month`: where an annual
  /// round in that month falls next.
  [[nodiscard]] int first_step_in_month(int from, int month) const;
  /// Calendar position of burn-in step `step` (its own count from 0).
  [[nodiscard]] StepCalendar burn_in_calendar(int step) const;

  /// Work this model object has done, over every replication so far (for benchmarks):
  /// firm-steps (firms alive at the start of a step, summed over steps) of the run steps and of
  /// the burn-in steps that built the starting firms.
  struct Work {
    std::uint64_t run_firm_steps = 0;
    std::uint64_t burn_in_firm_steps = 0;
  };
  [[nodiscard]] Work work() const {
    return {run_firm_steps_.load(std::memory_order_relaxed),
            burn_in_firm_steps_.load(std::memory_order_relaxed)};
  }

  /// Runs the ENTRANTS hooks for new firms in rows [first_row, size) of one origin.
  void entrants_arrived(World& world, std::size_t first_row, Origin origin,
                        const StepContext& context) const;

  /// Rows per parallel chunk of the firm pass: fixed, so results cannot depend on threads.
  static constexpr std::size_t CHUNK_ROWS = 16384;
  /// Age (in months) beyond which the age tables hold their last value (100 years).
  static constexpr std::size_t MAX_TABLE_AGE_MONTHS = 1200;

 private:
  /// Modules taking part in a phase, in schedule order.
  [[nodiscard]] const std::vector<const Module*>& in(Phase phase) const {
    return by_phase_[static_cast<std::size_t>(phase)];
  }
  /// ROWS then SETTLE over fixed chunks of rows (in parallel), gathered in chunk order.
  void run_firm_pass(World& world, const StepContext& context, StepTotals& totals) const;
  void run_step(World& world, const StepContext& context,
                const StepObserver* observe = nullptr) const;
  /// INITIAL, the burn-in steps, then START: the state at point 0. False if cancelled.
  bool build_start(World& world, const sim::ReplicationContext& context,
                   sim::SeriesBuffer& out) const;

  CityParams params_;
  InstrumentSet instruments_;
  sim::TimeAxis time_;
  std::vector<sim::MetricInfo> metrics_;
  std::vector<std::unique_ptr<Module>> modules_;
  std::array<std::vector<const Module*>, static_cast<std::size_t>(Phase::COUNT)> by_phase_;
  // Counted once per step; replications running concurrently add to them (see work()).
  mutable std::atomic<std::uint64_t> run_firm_steps_{0};
  mutable std::atomic<std::uint64_t> burn_in_firm_steps_{0};
};

}  // namespace innosim::models::city
