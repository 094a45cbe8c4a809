// Recording (docs/model.md §3.6): the metrics at every point (stocks counted over the alive
// firms, flows from the step's totals, spending per instrument) and, for the replication and
// years the [output] table asks for, a snapshot of every alive firm's snapshotted columns.
#include <algorithm>

#include "models/city/city_model.hpp"
#include "models/city/modules/liquidity.hpp"
#include "models/city/modules/modules.hpp"

namespace innosim::models::city {

const sim::ParameterTable<CityParams>& recording_parameters() { return no_parameters(); }

namespace {

template <class T>
double as_double(T value) {
  return static_cast<double>(value);
}
template <class Rep>
double as_double(sim::Wan<Rep> value) {
  return static_cast<double>(value.value());
}

class Recording final : public Module {
 public:
  explicit Recording(const ModuleSetup& setup)
      : credit_per_revenue_(credit_per_revenue(setup.params)) {}

  [[nodiscard]] const ModuleInfo& info() const override {
    static const ModuleInfo info{
        "recording",
        "metrics at every point; snapshots of every alive firm at the year ends asked for",
        {Phase::START, Phase::RECORD},
        {},
        {"alive", "tier", "flags", "tech_sme_until_step", "high_tech_until_step", "ip_class1",
         "ip_class2", "revenue", "knowledge", "employees", "cash", "debt", "credit_line"},
        {FIRMS_ALIVE, FIRMS_CANDIDATE, FIRMS_TECH_SME, FIRMS_HIGH_TECH, FIRMS_GAZELLE, FIRMS_LEADER,
         REGISTER_TECH_SME, REGISTER_HIGH_TECH, LABEL_GAZELLE, LABEL_LEADER, LABEL_LITTLE_GIANT,
         LABEL_FLEDGLING, FIRMS_LISTED, FIRMS_OUT_OF_FUNDS, REVENUE_TOTAL, KNOWLEDGE_TOTAL,
         EMPLOYEES_TOTAL, IP_CLASS1, IP_CLASS2},
        {}};
    return info;
  }

  void start(World& world, const StepContext& context) const override {
    record_stocks(world, context, 0);
    take_snapshot(world, context, context.when.year - 1);
  }

  void record(World& world, const StepContext& context, const StepTotals& totals) const override {
    sim::SeriesBuffer& out = *context.series;
    const auto point = static_cast<std::size_t>(context.when.step + 1);
    const auto& metrics = fixed_metrics();
    for (std::size_t metric = 0; metric < FIXED_METRIC_COUNT; ++metric) {
      if (metrics[metric].flow()) out.at(metric, point) = totals.values[metric];
    }
    // Per instrument: spending, claims, payments (CityModel's metric order).
    const LedgerStep& paid = world.instrument_step;
    const std::size_t count = paid.spending.size();
    for (std::size_t index = 0; index < count; ++index) {
      out.at(FIXED_METRIC_COUNT + index, point) = paid.spending[index].value();
      out.at(FIXED_METRIC_COUNT + count + index, point) = paid.claims[index];
      out.at(FIXED_METRIC_COUNT + 2 * count + index, point) = paid.payments[index];
    }
    record_stocks(world, context, point);
    if (context.when.ends_year()) take_snapshot(world, context, context.when.year);
  }

 private:
  void record_stocks(const World& world, const StepContext& context, std::size_t point) const;
  static void take_snapshot(const World& world, const StepContext& context, int year);

  float credit_per_revenue_;
};

void Recording::record_stocks(const World& world, const StepContext& context,
                              std::size_t point) const {
  const ConstFirmView f(world.firms);
  const int step = context.when.step;
  std::int64_t tiers[TIER_COUNT] = {};
  std::int64_t alive = 0, tech_sme = 0, high_tech = 0, listed = 0, out_of_cash = 0;
  std::int64_t labels[4] = {};
  std::int64_t class1 = 0, class2 = 0;
  double revenue = 0.0, knowledge = 0.0, employees = 0.0;
  for (std::size_t row = 0; row < world.firms.size(); ++row) {
    if (f.alive[row] == 0) continue;
    ++alive;
    ++tiers[f.tier[row]];
    tech_sme += f.tech_sme_until[row] > step;
    high_tech += f.high_tech_until[row] > step;
    const std::uint8_t flags = f.flags[row];
    labels[0] += (flags & FLAG_GAZELLE) != 0;
    labels[1] += (flags & FLAG_LEADER) != 0;
    labels[2] += (flags & FLAG_LITTLE_GIANT) != 0;
    labels[3] += (flags & FLAG_FLEDGLING) != 0;
    listed += (flags & FLAG_LISTED) != 0;
    out_of_cash += out_of_funds(f.cash[row].value(), f.debt[row].value(), f.revenue[row],
                                credit_per_revenue_, f.credit_line[row].value());
    class1 += f.ip_class1[row];
    class2 += f.ip_class2[row];
    revenue += f.revenue[row];
    knowledge += f.knowledge[row];
    employees += f.employees[row];
  }
  sim::SeriesBuffer& out = *context.series;
  out.at(FIRMS_ALIVE, point) = static_cast<double>(alive);
  for (int tier = 0; tier < TIER_COUNT; ++tier)
    out.at(FIRMS_CANDIDATE + static_cast<std::size_t>(tier), point) =
        static_cast<double>(tiers[tier]);
  out.at(REGISTER_TECH_SME, point) = static_cast<double>(tech_sme);
  out.at(REGISTER_HIGH_TECH, point) = static_cast<double>(high_tech);
  for (std::size_t label = 0; label < 4; ++label)
    out.at(LABEL_GAZELLE + label, point) = static_cast<double>(labels[label]);
  out.at(FIRMS_LISTED, point) = static_cast<double>(listed);
  out.at(FIRMS_OUT_OF_FUNDS, point) = static_cast<double>(out_of_cash);
  out.at(REVENUE_TOTAL, point) = revenue;
  out.at(KNOWLEDGE_TOTAL, point) = knowledge;
  out.at(EMPLOYEES_TOTAL, point) = employees;
  out.at(IP_CLASS1, point) = static_cast<double>(class1);
  out.at(IP_CLASS2, point) = static_cast<double>(class2);
}

void Recording::take_snapshot(const World& world, const StepContext& context, int year) {
  const sim::ReplicationContext* run = context.run;
  if (run == nullptr || run->snapshots == nullptr) return;
  const auto& years = run->snapshot_years;
  if (std::find(years.begin(), years.end(), year) == years.end()) return;
  const ConstFirmView f(world.firms);
  sim::Snapshot snapshot;
  snapshot.year = year;
  // The snapshotted columns of the firm table (firms.hpp), in table order: the id comes first.
  auto add = [&](const FirmColumnInfo& info, const auto* values) {
    sim::SnapshotColumn column{std::string(info.name),
                               std::string(info.unit),
                               std::string(info.description),
                               info.integer,
                               {}};
    for (std::size_t row = 0; row < world.firms.size(); ++row) {
      if (f.alive[row] != 0) column.values.push_back(as_double(values[row]));
    }
    snapshot.columns.push_back(std::move(column));
  };
  std::size_t index = 0;
#define INNOSIM_CITY_SNAPSHOT(member, Tag, Type, name, unit, description, snapshotted) \
  if (snapshotted) add(firm_columns()[index], f.member);                               \
  ++index;
  INNOSIM_CITY_FIRM_COLUMNS(INNOSIM_CITY_SNAPSHOT)
#undef INNOSIM_CITY_SNAPSHOT
  run->snapshots->push_back(std::move(snapshot));
}

}  // namespace

std::unique_ptr<Module> make_recording(const ModuleSetup& setup) {
  return make_module<Recording>(setup);
}

}  // namespace innosim::models::city
