// The city model: the innovation ecosystem of one city (docs/model.md, ODD description).
// Firms climb the ladder candidate -> tech SME -> high-tech -> gazelle / leader through the
// national certification rules (rules.hpp), grow, do R&D, accumulate knowledge and IP, exit,
// and receive the scenario's policy instruments (instruments.hpp).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "models/city/city_params.hpp"
#include "models/city/firms.hpp"
#include "models/city/instruments.hpp"
#include "sim/rng/stream.hpp"
#include "sim/run/model.hpp"

namespace innosim::models::city {

/// Stream purposes (distinct purposes keep decisions independent; never renumber).
inline constexpr sim::StreamPurpose PURPOSE_ATTRIBUTES = 1;  ///< a firm's attributes at entry
inline constexpr sim::StreamPurpose PURPOSE_ENTRY_IP = 2;    ///< IP a firm brings at entry
inline constexpr sim::StreamPurpose PURPOSE_BIRTHS = 3;      ///< entries per channel and step
inline constexpr sim::StreamPurpose PURPOSE_STEP = 4;        ///< growth, exit, IPO per firm-step
inline constexpr sim::StreamPurpose PURPOSE_IP = 5;          ///< IP arrivals per firm-step
inline constexpr sim::StreamPurpose PURPOSE_RD_CHOICE = 6;   ///< annual R&D choice (bunching)
inline constexpr sim::StreamPurpose PURPOSE_ROUNDS = 7;      ///< applying, expert review, audit
inline constexpr sim::StreamPurpose PURPOSE_ORDER = 8;       ///< application order for budgets
inline constexpr sim::StreamPurpose PURPOSE_EVENTS = 9;      ///< generated instrument events
/// Ids of firms entering during the run start here; ids below are initial firms.
inline constexpr std::uint32_t FIRST_ENTRY_ID = 0x8000'0000u;
/// Entrants of one channel in one step are numbered below this (13 bits of the id).
inline constexpr std::uint32_t MAX_ENTRANTS_PER_STEP = 1u << 13;
/// An entrant's id, and so its random streams, is a function of its origin alone: bit 31, the
/// channel (2 bits), the step (16 bits) and its index among that step's entrants of the channel
/// (13 bits). A lever on one channel's rate then leaves every other entrant's draws as they
/// were (common random numbers across scenarios), which a running counter would not.
[[nodiscard]] constexpr std::uint32_t entrant_id(Origin origin, int step, std::uint32_t index) {
  return FIRST_ENTRY_ID | static_cast<std::uint32_t>(origin) << 29 |
         static_cast<std::uint32_t>(step) << 13 | index;
}

/// Fixed metrics, in the order of CityModel::metrics(); one spending metric per instrument
/// follows them.
enum Metric : std::size_t {
  FIRMS_ALIVE,
  FIRMS_CANDIDATE,  ///< the five exclusive tiers: they sum to FIRMS_ALIVE
  FIRMS_TECH_SME,
  FIRMS_HIGH_TECH,
  FIRMS_GAZELLE,
  FIRMS_LEADER,
  REGISTER_TECH_SME,  ///< registers and labels overlap the tiers
  REGISTER_HIGH_TECH,
  LABEL_GAZELLE,
  LABEL_LEADER,
  LABEL_LITTLE_GIANT,
  LABEL_FLEDGLING,
  FIRMS_LISTED,
  ENTRIES_REGISTRATION,
  ENTRIES_SPINOFF,
  ENTRIES_TALENT_TEAM,
  EXITS_MARKET,
  EXITS_DISTRESS,
  TECH_SME_ADMITTED,
  TECH_SME_REJECTED,
  HIGH_TECH_GRANTED,
  HIGH_TECH_RENEWED,
  HIGH_TECH_FAILED,
  HIGH_TECH_LAPSED,
  HIGH_TECH_REVOKED,
  REVENUE_TOTAL,
  RD_REAL,
  RD_REPORTED,
  KNOWLEDGE_TOTAL,
  IP_CLASS1,
  IP_CLASS2,
  IP_CLASS1_NEW,
  IP_CLASS2_NEW,
  SPENDING_RD_SUPER_DEDUCTION,
  SPENDING_HIGH_TECH_TAX_RATE,
  SPENDING_INSTRUMENTS,
  FIXED_METRIC_COUNT
};

/// Flows gathered during a step (summed over chunks in chunk order).
struct StepTotals {
  std::int64_t entries[4] = {0, 0, 0, 0};  ///< by Origin
  std::int64_t exits_market = 0;
  std::int64_t exits_distress = 0;
  std::int64_t tech_sme_admitted = 0;
  std::int64_t tech_sme_rejected = 0;
  std::int64_t high_tech_granted = 0;
  std::int64_t high_tech_renewed = 0;
  std::int64_t high_tech_failed = 0;
  std::int64_t high_tech_lapsed = 0;
  std::int64_t high_tech_revoked = 0;
  std::int64_t ip_class1_new = 0;
  std::int64_t ip_class2_new = 0;
  double rd_real = 0.0;
  double rd_reported = 0.0;
  double tax_forgone_deduction = 0.0;
  double tax_forgone_rate = 0.0;
  void add(const StepTotals& other);
};

/// Calendar position of a step.
struct StepCalendar {
  int step = 0;
  int year = 0;
  int first_month = 1;  ///< months [first_month, last_month] of `year` fall in the step
  int last_month = 1;
  [[nodiscard]] bool contains_month(int month) const {
    return month >= first_month && month <= last_month;
  }
};

/// One replication's state.
struct World {
  Firms firms;
  std::vector<Application> applications;
  std::size_t exited_rows = 0;
};

class CityModel final : public sim::Model {
 public:
  CityModel(const CityParams& params, std::vector<Instrument> instruments,
            const sim::TimeAxis& time);

  [[nodiscard]] const std::vector<sim::MetricInfo>& metrics() const override { return metrics_; }
  [[nodiscard]] sim::TimeAxis time_axis() const override { return time_; }
  bool run_replication(const sim::ReplicationContext& context,
                       sim::SeriesBuffer& out) const override;
  [[nodiscard]] sim::AgentTable agent_table() const override { return {"firms", "firm"}; }

  [[nodiscard]] const CityParams& params() const { return params_; }
  [[nodiscard]] const std::vector<Instrument>& instruments() const { return instruments_; }
  [[nodiscard]] StepCalendar calendar(int step) const;
  [[nodiscard]] int steps_per_year() const { return 12 / time_.step_months; }

  // The processes, public for tests and benchmarks (docs/model.md gives their order).
  /// Adds the initial population (rows in id order).
  void add_initial_firms(World& world, std::uint64_t seed, std::uint32_t replication) const;
  /// Adds `count` entrants of one origin in step when.step (ids from entrant_id).
  void add_entrants(World& world, Origin origin, std::size_t count, const StepCalendar& when,
                    std::uint64_t seed, std::uint32_t replication) const;
  /// Each firm's R&D intensity for the year (January, and at entry for rows from `first_row`).
  void choose_rd(World& world, std::size_t first_row, const StepCalendar& when, std::uint64_t seed,
                 std::uint32_t replication) const;
  /// Growth, employees, R&D, knowledge, IP, cash, IPO pipeline and exit of every firm.
  StepTotals advance_firms(World& world, const StepCalendar& when, std::uint64_t seed,
                           std::uint32_t replication) const;
  /// The annual rounds whose month falls in the step (tech SME, high-tech, labels, R&D awards)
  /// and the instrument events generated in it. Adds applications to world.applications.
  void run_rounds(World& world, const StepCalendar& when, std::uint64_t seed,
                  std::uint32_t replication, StepTotals& totals) const;
  /// Closes a calendar year: year-to-date sums become last year's figures.
  static void close_year(World& world);
  /// Tier of every row from its registers and labels at the end of step `step`.
  static void assign_tiers(World& world, int step);
  /// Stock metrics of the table (tiers, registers, labels, totals) into `out` at `point`.
  void record_stocks(const World& world, int step, sim::SeriesBuffer& out, std::size_t point) const;
  /// Every alive firm's columns.
  [[nodiscard]] sim::Snapshot snapshot(const World& world, int year) const;

  /// Rows per parallel chunk of advance_firms: fixed, so results cannot depend on threads.
  static constexpr std::size_t CHUNK_ROWS = 16384;

 private:
  StepTotals advance_rows(World& world, std::size_t begin, std::size_t end,
                          const StepCalendar& when, std::uint64_t seed, std::uint32_t replication,
                          std::vector<Application>& applications) const;
  void tech_sme_round(World& world, const StepCalendar& when, std::uint64_t seed,
                      std::uint32_t replication, StepTotals& totals) const;
  void high_tech_round(World& world, const StepCalendar& when, std::uint64_t seed,
                       std::uint32_t replication, StepTotals& totals) const;
  void label_round(World& world, const StepCalendar& when, std::uint64_t seed,
                   std::uint32_t replication) const;
  void rd_awards(World& world, const StepCalendar& when) const;
  void generated_events(World& world, const StepCalendar& when, std::uint64_t seed,
                        std::uint32_t replication) const;
  void apply(World& world, std::uint32_t row, Trigger trigger, const StepCalendar& when,
             std::uint64_t seed, std::uint32_t replication, double base = 0.0) const;
  [[nodiscard]] double deduction_rate(int year, bool tech_sme, std::uint8_t sector) const;

  /// Age (in months) beyond which the age tables hold their last value (100 years).
  static constexpr std::size_t MAX_TABLE_AGE_MONTHS = 1200;

  CityParams params_;
  std::vector<float> exit_by_age_;   ///< exit_hazard * (1 + age in years)^-exit_age_exponent
  std::vector<float> youth_by_age_;  ///< growth_young * exp(-age / growth_young_age_years)
  std::vector<Instrument> instruments_;
  sim::TimeAxis time_;
  std::vector<sim::MetricInfo> metrics_;
  std::uint32_t wanted_triggers_ = 0;  ///< bit per Trigger some instrument pays on
};

}  // namespace innosim::models::city
