#include "models/city/city_model.hpp"

#include <algorithm>
#include <stdexcept>

#include "models/city/schedule.hpp"
#include "sim/run/parallel.hpp"

namespace innosim::models::city {

CityModel::CityModel(const CityParams& params, std::vector<Instrument> instruments,
                     const sim::TimeAxis& time)
    : params_(params), instruments_(std::move(instruments)), time_(time) {
  metrics_ = fixed_metrics();
  // Per instrument, in this order (recording.cpp writes them so): spending, claims, payments.
  for (const Instrument& instrument : instruments_.all()) {
    metrics_.push_back({"spending_" + instrument.name, "万元/step",
                        "paid by instrument " + instrument.name + " (trigger " +
                            std::string(trigger_info(instrument.trigger).name) + ")",
                        sim::MetricKind::FLOW});
  }
  for (const Instrument& instrument : instruments_.all()) {
    metrics_.push_back(
        {"claims_" + instrument.name, "claims/step",
         "eligible claims on instrument " + instrument.name + ", paid or not (budget run out)",
         sim::MetricKind::FLOW});
  }
  for (const Instrument& instrument : instruments_.all()) {
    metrics_.push_back({"payments_" + instrument.name, "payments/step",
                        "claims paid by instrument " + instrument.name, sim::MetricKind::FLOW});
  }
  // The flow block (/flows), source kind-major: what the book moved in the step, in yuan.
  for (std::size_t source = 0; source < ACCOUNT_KIND_COUNT; ++source) {
    for (std::size_t recipient = 0; recipient < RECIPIENT_CLASS_COUNT; ++recipient) {
      const std::string from(ACCOUNT_KIND_NAMES[source]);
      const std::string to(recipient_class_name(recipient));
      metrics_.push_back({"flow_" + from + "_to_" + to, "yuan/step",
                          "yuan paid by " + from + " accounts to " + to + " in the step",
                          sim::MetricKind::FLOW});
    }
  }
  const ModuleSetup setup{params_, time_, instruments_};
  for (const ModuleRegistration& registration : schedule()) {
    modules_.push_back(registration.create(setup));
    for (const Phase phase : modules_.back()->info().phases)
      by_phase_[static_cast<std::size_t>(phase)].push_back(modules_.back().get());
  }
  const std::vector<std::string> problems = check_modules(modules_);
  if (!problems.empty()) {
    std::string text = "city model schedule:";
    for (const std::string& problem : problems) text.append("\n  ").append(problem);
    throw std::logic_error(text);
  }
}

CityModel::~CityModel() = default;

std::vector<sim::MetricBlock> CityModel::metric_blocks() const {
  sim::MetricBlock flows;
  flows.name = "flows";
  flows.unit = "yuan/step";
  flows.description =
      "money moved in the step, by the kind of the paying account and the class of the "
      "recipient (a firm by its tier, an institution by its kind)";
  flows.row_dimension = "source_kind";
  for (const std::string_view name : ACCOUNT_KIND_NAMES) flows.row_labels.emplace_back(name);
  flows.column_dimension = "recipient";
  for (std::size_t recipient = 0; recipient < RECIPIENT_CLASS_COUNT; ++recipient)
    flows.column_labels.emplace_back(recipient_class_name(recipient));
  flows.first_metric = flow_metric_base(instruments_.all().size());
  return {flows};
}

std::vector<std::string> CityModel::snapshot_columns() const {
  std::vector<std::string> names;
  for (const FirmColumnInfo& column : firm_columns()) {
    if (column.snapshot) names.emplace_back(column.name);
  }
  return names;
}

int CityModel::burn_in_steps() const {
  return starting_firms_to_draw_from(params_) > 0.0
             ? static_cast<int>(params_.burn_in_years) * steps_per_year()
             : 0;
}

int CityModel::first_step_in_month(int from, int month) const {
  for (int step = from; step < from + steps_per_year(); ++step) {
    if (calendar(step).contains_month(month)) return step;
  }
  return from;  // unreachable: a year of steps contains every month
}

StepCalendar CityModel::burn_in_calendar(int step) const {
  StepCalendar when = calendar(step);
  when.year -= burn_in_steps() / steps_per_year();
  return when;
}

StepCalendar CityModel::calendar(int step) const {
  const int months = step * time_.step_months;
  StepCalendar when;
  when.step = step;
  when.year = time_.start_year + months / 12;
  when.first_month = months % 12 + 1;
  when.last_month = when.first_month + time_.step_months - 1;
  return when;
}

void CityModel::entrants_arrived(World& world, std::size_t first_row, Origin origin,
                                 const StepContext& context) const {
  for (const Module* module : in(Phase::ENTRANTS))
    module->entrants(world, first_row, origin, context);
}

void CityModel::run_firm_pass(World& world, const StepContext& context, StepTotals& totals) const {
  const std::size_t rows = world.firms.padded_size();
  const std::size_t chunk_count = std::max<std::size_t>(1, (rows + CHUNK_ROWS - 1) / CHUNK_ROWS);
  std::vector<ChunkWork> chunks(chunk_count);
  auto pass = [&](std::size_t chunk) {
    ChunkWork& work = chunks[chunk];
    work.begin = chunk * CHUNK_ROWS;
    work.end = std::min(rows, work.begin + CHUNK_ROWS);
    for (const Module* module : in(Phase::ROWS)) module->rows(world, context, work);
    for (const Module* module : in(Phase::SETTLE)) module->settle(world, context, work);
  };
  if (chunk_count == 1) {
    pass(0);
  } else {
    sim::parallel_for_index(chunk_count, pass);
  }
  for (ChunkWork& work : chunks) {  // fixed (chunk) order
    totals.add(work.totals);
    world.applications.insert(world.applications.end(), work.applications.begin(),
                              work.applications.end());
  }
}

void CityModel::run_step(World& world, const StepContext& context,
                         const StepObserver* observe) const {
  // The step's work: the firms alive at its start (entrants of the step not yet in).
  const std::uint8_t* alive = world.firms.column<Alive>().data();
  std::uint64_t alive_at_start = 0;
  for (std::size_t row = 0; row < world.firms.size(); ++row)
    alive_at_start += alive[row] != 0 ? 1 : 0;
  (context.burn_in ? burn_in_firm_steps_ : run_firm_steps_)
      .fetch_add(alive_at_start, std::memory_order_relaxed);
  StepTotals totals;
  if (context.when.starts_year()) {
    // The ledger opens the year first: the year's budgets, and what firms expect of each
    // instrument, are known to every January decision.
    world.ledger.start_year();
    for (const Module* module : in(Phase::YEAR_START)) module->year_start(world, context);
  }
  for (const Module* module : in(Phase::STEP)) module->step(world, context, totals);
  run_firm_pass(world, context, totals);
  for (const Module* module : in(Phase::ROUNDS)) module->rounds(world, context, totals);
  for (const Module* module : in(Phase::PAYMENTS)) module->payments(world, context, totals);
  if (context.when.ends_year()) {
    for (const Module* module : in(Phase::YEAR_END)) module->year_end(world, context);
  }
  if (!context.burn_in) {
    for (const Module* module : in(Phase::RECORD)) module->record(world, context, totals);
  }
  if (observe != nullptr) (*observe)(world, context.when);

  // Each mechanism has settled the relations of the firms that exited in the step (defaults,
  // write-offs); the graph now drops them.
  world.network.release_exited_firms(FirmView(world.firms));
  // Exited rows are dropped once they are an eighth of the table (as in REF-1).
  world.exited_rows += static_cast<std::size_t>(totals[EXITS_MARKET] + totals[EXITS_DISTRESS]);
  if (world.exited_rows * 8 > world.firms.size()) {
    world.firms.compact(world.firms.column<Alive>());
    world.network.rows_moved(ConstFirmView(world.firms), world.firms.size());
    world.exited_rows = 0;
  }
}

bool CityModel::build_start(World& world, const sim::ReplicationContext& context,
                            sim::SeriesBuffer& out) const {
  const int burn_in = burn_in_steps();
  StepContext seed{*this, burn_in_calendar(0), context.seed, context.replication, &context, &out};
  seed.burn_in = burn_in > 0;
  for (const Module* module : in(Phase::INITIAL)) module->initial(world, seed);
  for (int step = 0; step < burn_in; ++step) {
    if (context.cancelled()) return false;
    StepContext burn{*this, burn_in_calendar(step), context.seed, context.replication, &context,
                     &out};
    burn.burn_in = true;
    run_step(world, burn);
  }
  // Dates in the firm table count run steps from here on.
  shift_step_columns(world.firms, burn_in);
  world.applications.clear();
  const StepContext start{*this, calendar(0), context.seed, context.replication, &context, &out};
  for (const Module* module : in(Phase::START)) module->start(world, start);
  return true;
}

bool CityModel::run_replication(const sim::ReplicationContext& context,
                                sim::SeriesBuffer& out) const {
  return run_observed(context, out, nullptr);
}

bool CityModel::run_observed(const sim::ReplicationContext& context, sim::SeriesBuffer& out,
                             const StepObserver& observe) const {
  World world(instruments_.all());
  if (!build_start(world, context, out)) return false;
  for (int step = 0; step < time_.steps; ++step) {
    if (context.cancelled()) return false;
    run_step(world, {*this, calendar(step), context.seed, context.replication, &context, &out},
             observe ? &observe : nullptr);
    context.step_completed();
  }
  return true;
}

}  // namespace innosim::models::city
