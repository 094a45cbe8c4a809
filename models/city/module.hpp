// The city model is a schedule of process modules (docs/model.md, process overview;
// docs/architecture.md).
// A module declares what it owns and uses, and implements the hooks of the phases it takes part
// in; the schedule (schedule.cpp) is the one table that orders them. Hooks of a phase run in
// schedule order. ROWS and SETTLE run per fixed chunk of rows, chunks in parallel: a hook there
// touches only the rows of its chunk and the chunk's scratch.
#pragma once

#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "models/city/metrics.hpp"
#include "models/city/world.hpp"
#include "sim/params/parameter_table.hpp"
#include "sim/rng/stream.hpp"
#include "sim/run/model.hpp"

namespace innosim::models::city {

struct CityParams;
class CityModel;

/// When hooks run. A step runs YEAR_START (in January), STEP, ROWS and SETTLE (per chunk),
/// ROUNDS, PAYMENTS, YEAR_END (in December), RECORD. INITIAL seeds the burn-in city, whose
/// steps run before the start year; START then builds the starting state from it (docs/model.md
/// §3.1). ENTRANTS runs for each batch of new firms, during STEP.
enum class Phase : std::uint8_t {
  INITIAL,
  START,
  ENTRANTS,
  YEAR_START,
  STEP,
  ROWS,
  SETTLE,
  ROUNDS,
  PAYMENTS,
  YEAR_END,
  RECORD,
  COUNT
};
inline constexpr std::string_view PHASE_NAMES[static_cast<std::size_t>(Phase::COUNT)] = {
    "initial", "start",  "entrants", "year_start", "step",  "rows",
    "settle",  "rounds", "payments", "year_end",   "record"};

/// Stream purposes (distinct purposes keep decisions independent; never renumber).
inline constexpr sim::StreamPurpose PURPOSE_ATTRIBUTES = 1;  ///< a firm's attributes at entry
inline constexpr sim::StreamPurpose PURPOSE_ENTRY_IP = 2;    ///< IP a firm brings at entry
inline constexpr sim::StreamPurpose PURPOSE_BIRTHS = 3;      ///< entries per channel and step
inline constexpr sim::StreamPurpose PURPOSE_STEP = 4;        ///< exit per firm-step (word 0 unused)
inline constexpr sim::StreamPurpose PURPOSE_IP = 5;          ///< IP arrivals and IPO per firm-step
inline constexpr sim::StreamPurpose PURPOSE_RD_CHOICE = 6;   ///< annual R&D choice (bunching)
inline constexpr sim::StreamPurpose PURPOSE_ROUNDS = 7;      ///< applying, expert review, audit
inline constexpr sim::StreamPurpose PURPOSE_ORDER = 8;       ///< application order for budgets
inline constexpr sim::StreamPurpose PURPOSE_EVENTS = 9;      ///< generated instrument events
inline constexpr sim::StreamPurpose PURPOSE_GROWTH_YEAR = 10;  ///< growth shock per firm-year
inline constexpr sim::StreamPurpose PURPOSE_LABELS = 12;       ///< initial label holds
inline constexpr sim::StreamPurpose PURPOSE_START = 14;        ///< choosing the starting firms
inline constexpr sim::StreamPurpose PURPOSE_INCUBATION =
    15;  ///< applying to and admission by incubators
inline constexpr sim::StreamPurpose PURPOSE_KNOWLEDGE = 18;   ///< knowledge sources' draws
inline constexpr sim::StreamPurpose PURPOSE_SPILLOVERS = 19;  ///< supply links of leaders

/// Draw slots of PURPOSE_ROUNDS per firm and step (block index), one per decision.
enum RoundDraw : std::uint32_t { DRAW_TECH_SME = 0, DRAW_HIGH_TECH = 1, DRAW_LABELS = 2 };

/// The random words a module draws: of `purpose`, blocks [first_block, last_block] of each
/// agent, the words whose bits are set in `words` (bit w: word w of a block). Two modules may
/// share a purpose only on disjoint words; the schedule refuses overlapping claims.
struct StreamClaim {
  sim::StreamPurpose purpose;
  std::uint32_t first_block = 0;
  std::uint32_t last_block = 0;
  std::uint8_t words = 0b1111;
};
inline constexpr std::uint32_t ALL_BLOCKS = 0xffff'ffffu;

/// What a module is, owns and uses. check_modules (schedule.hpp) refuses a firm column owned by
/// two modules or none, a column name no table has, a fixed metric filled by two modules or
/// none, and overlapping random-word claims; make_module refuses phases that differ from the
/// hooks the class overrides. docs/model.md lists the modules and their phases (tested).
struct ModuleInfo {
  std::string_view name;
  std::string_view summary;            ///< one line for the docs
  std::vector<Phase> phases;           ///< hooks it implements
  std::vector<std::string_view> owns;  ///< firm columns it creates or evolves
  std::vector<std::string_view> uses;  ///< other modules' columns it reads or adjusts
  std::vector<Metric> metrics;         ///< fixed metrics it fills
  std::vector<StreamClaim> streams;    ///< random words it draws
};

/// What every hook receives besides the world.
struct StepContext {
  const CityModel& model;
  StepCalendar when;
  std::uint64_t seed = 0;
  std::uint32_t replication = 0;
  const sim::ReplicationContext* run = nullptr;  ///< snapshots wanted, cancellation
  sim::SeriesBuffer* series = nullptr;           ///< where RECORD writes the metrics
  /// A step of the burn-in before the start year: `when` counts its own steps from 0, its
  /// draws come from stream steps of their own, and no scenario instrument exists yet.
  bool burn_in = false;

  /// The stream of a decision in this step. Burn-in steps draw from stream steps at
  /// BURN_IN_STREAM_STEP on, which run steps (16-bit) never reach.
  [[nodiscard]] sim::StreamKey stream(sim::StreamPurpose purpose) const {
    const auto step = static_cast<std::uint32_t>(when.step);
    return {seed, purpose, replication, burn_in ? BURN_IN_STREAM_STEP + step : step};
  }
  static constexpr std::uint32_t BURN_IN_STREAM_STEP = 0x8000'0000u;
};

/// A chunk's rows and what its hooks pass on to each other and to the step. SETTLE runs per
/// chunk right after that chunk's ROWS (other chunks may still be in ROWS): hooks of both
/// phases may touch only their chunk's rows. Sum flows in locals and add them to `totals` once
/// per chunk: a store through it in the per-firm loop costs throughput.
struct ChunkWork {
  std::size_t begin = 0;
  std::size_t end = 0;
  StepTotals totals;
  std::vector<Application> applications;
  std::vector<std::uint8_t> exit_codes;  ///< per row of the chunk: 0 stays, 1 market, 2 distress
  std::vector<std::uint8_t> ip_maybe;    ///< per row of the chunk: 1 if an IP event may occur
};

/// Module objects are built once per model and shared by every replication, which may run
/// concurrently: hooks are const and keep per-replication state in the World.
class Module {
 public:
  virtual ~Module() = default;
  [[nodiscard]] virtual const ModuleInfo& info() const = 0;

  virtual void initial(World&, const StepContext&) const {}
  virtual void start(World&, const StepContext&) const {}
  /// New firms in rows [first_row, size) of one origin.
  virtual void entrants(World&, std::size_t /*first_row*/, Origin, const StepContext&) const {}
  virtual void year_start(World&, const StepContext&) const {}
  virtual void step(World&, const StepContext&, StepTotals&) const {}
  virtual void rows(World&, const StepContext&, ChunkWork&) const {}
  virtual void settle(World&, const StepContext&, ChunkWork&) const {}
  virtual void rounds(World&, const StepContext&, StepTotals&) const {}
  virtual void payments(World&, const StepContext&, StepTotals&) const {}
  virtual void year_end(World&, const StepContext&) const {}
  /// Writes metrics at the point that ends the step (flows of the step are in `totals`).
  virtual void record(World&, const StepContext&, const StepTotals&) const {}
};

/// The phases whose hooks T overrides, in phase order (a hook T does not override keeps
/// Module's member-pointer type, which the compiler tells apart reliably).
template <class T>
[[nodiscard]] std::vector<Phase> overridden_phases() {
  std::vector<Phase> phases;
  const auto add = [&](bool overridden, Phase phase) {
    if (overridden) phases.push_back(phase);
  };
  add(!std::is_same_v<decltype(&T::initial), decltype(&Module::initial)>, Phase::INITIAL);
  add(!std::is_same_v<decltype(&T::start), decltype(&Module::start)>, Phase::START);
  add(!std::is_same_v<decltype(&T::entrants), decltype(&Module::entrants)>, Phase::ENTRANTS);
  add(!std::is_same_v<decltype(&T::year_start), decltype(&Module::year_start)>, Phase::YEAR_START);
  add(!std::is_same_v<decltype(&T::step), decltype(&Module::step)>, Phase::STEP);
  add(!std::is_same_v<decltype(&T::rows), decltype(&Module::rows)>, Phase::ROWS);
  add(!std::is_same_v<decltype(&T::settle), decltype(&Module::settle)>, Phase::SETTLE);
  add(!std::is_same_v<decltype(&T::rounds), decltype(&Module::rounds)>, Phase::ROUNDS);
  add(!std::is_same_v<decltype(&T::payments), decltype(&Module::payments)>, Phase::PAYMENTS);
  add(!std::is_same_v<decltype(&T::year_end), decltype(&Module::year_end)>, Phase::YEAR_END);
  add(!std::is_same_v<decltype(&T::record), decltype(&Module::record)>, Phase::RECORD);
  return phases;
}

/// Builds a module, refusing one whose declared phases differ from the hooks it overrides (a
/// hook in no declared phase would never run; a declared phase without a hook does nothing).
template <class T, class... Args>
[[nodiscard]] std::unique_ptr<Module> make_module(Args&&... args) {
  auto module = std::make_unique<T>(std::forward<Args>(args)...);
  if (module->info().phases != overridden_phases<T>())
    throw std::logic_error("module " + std::string(module->info().name) +
                           ": info().phases differ from the hooks it overrides");
  return module;
}

}  // namespace innosim::models::city
