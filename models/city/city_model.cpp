#include "models/city/city_model.hpp"

#include <algorithm>
#include <cmath>

#include "sim/rng/distributions.hpp"

namespace innosim::models::city {

CityModel::CityModel(const CityParams& params, std::vector<Instrument> instruments,
                     const sim::TimeAxis& time)
    : params_(params), instruments_(std::move(instruments)), time_(time) {
  // Functions of age alone are tabulated by month: two fewer exp/log pairs per firm-step.
  for (std::size_t age = 0; age <= MAX_TABLE_AGE_MONTHS; ++age) {
    const double years = static_cast<double>(age) / 12.0;
    exit_by_age_.push_back(static_cast<float>(params_.exit_hazard *
                                              std::pow(1.0 + years, -params_.exit_age_exponent)));
    youth_by_age_.push_back(static_cast<float>(params_.growth_young *
                                               std::exp(-years / params_.growth_young_age_years)));
  }
  metrics_ = {
      {"firms_alive", "firms", "alive firms"},
      {"firms_candidate", "firms", "alive firms in no register (tier candidate)"},
      {"firms_tech_sme", "firms", "tier tech_sme: in the tech-SME register, no higher rung"},
      {"firms_high_tech", "firms", "tier high_tech: certified, neither gazelle nor leader"},
      {"firms_gazelle", "firms", "tier gazelle: gazelle label, not leader"},
      {"firms_leader", "firms", "tier leader: innovation-leader label"},
      {"register_tech_sme", "firms", "firms in the tech-SME register (the documents' count)"},
      {"register_high_tech", "firms", "firms with a valid high-tech certificate"},
      {"label_gazelle", "firms", "firms labelled gazelle (瞪羚)"},
      {"label_leader", "firms", "firms labelled innovation leader (创新龙头)"},
      {"label_little_giant", "firms", "firms labelled little giant (专精特新小巨人)"},
      {"label_fledgling", "firms", "firms labelled fledgling (雏鹰)"},
      {"firms_listed", "firms", "alive listed firms"},
      {"entries_registration", "firms/step", "new technology firms registered in the step",
       sim::MetricKind::FLOW},
      {"entries_spinoff", "firms/step", "university and laboratory spin-offs founded",
       sim::MetricKind::FLOW},
      {"entries_talent_team", "firms/step", "talent-team firms founded", sim::MetricKind::FLOW},
      {"exits_market", "firms/step", "exits attributed to the age and size hazard",
       sim::MetricKind::FLOW},
      {"exits_distress", "firms/step", "exits attributed to debt (cash shortfall)",
       sim::MetricKind::FLOW},
      {"tech_sme_admitted", "firms/step", "tech-SME admissions (new and renewed)",
       sim::MetricKind::FLOW},
      {"tech_sme_rejected", "firms/step", "tech-SME applications refused", sim::MetricKind::FLOW},
      {"high_tech_granted", "firms/step", "new high-tech certificates", sim::MetricKind::FLOW},
      {"high_tech_renewed", "firms/step", "high-tech certificates renewed at expiry",
       sim::MetricKind::FLOW},
      {"high_tech_failed", "firms/step", "high-tech applications refused (criteria or review)",
       sim::MetricKind::FLOW},
      {"high_tech_lapsed", "firms/step", "certificates that expired without renewal",
       sim::MetricKind::FLOW},
      {"high_tech_revoked", "firms/step", "certificates revoked at the mid-term R&D check",
       sim::MetricKind::FLOW},
      {"revenue_total", "万元/year", "revenue of alive firms (annual rate)"},
      {"rd_real", "万元/step",
       "real R&D spending in the step (firms' own; grants spent on R&D are in their instrument's "
       "spending)",
       sim::MetricKind::FLOW},
      {"rd_reported", "万元/step", "R&D reported in the step (real plus relabelled)",
       sim::MetricKind::FLOW},
      {"knowledge_total", "万元", "knowledge stock of alive firms"},
      {"ip_class1", "items", "class-I IP held by alive firms"},
      {"ip_class2", "items", "class-II IP held by alive firms"},
      {"ip_class1_new", "items/step", "class-I IP granted in the step", sim::MetricKind::FLOW},
      {"ip_class2_new", "items/step", "class-II IP granted in the step", sim::MetricKind::FLOW},
      {"spending_rd_super_deduction", "万元/step",
       "tax forgone through the R&D super-deduction (national instrument)", sim::MetricKind::FLOW},
      {"spending_high_tech_tax_rate", "万元/step",
       "tax forgone through the 15% rate of high-tech firms (national instrument)",
       sim::MetricKind::FLOW},
      {"spending_instruments", "万元/step", "paid by all scenario instruments together",
       sim::MetricKind::FLOW},
  };
  for (const Instrument& instrument : instruments_) {
    metrics_.push_back(
        {"spending_" + instrument.name, "万元/step",
         "paid by instrument " + instrument.name + " (trigger " +
             std::string(TRIGGER_NAMES[static_cast<std::size_t>(instrument.trigger)]) + ")",
         sim::MetricKind::FLOW});
    wanted_triggers_ |= 1u << static_cast<int>(instrument.trigger);
  }
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

void CityModel::close_year(World& world) {
  FirmView f(world.firms);
  for (std::size_t row = 0; row < world.firms.size(); ++row) {
    f.revenue_y4[row] = f.revenue_y3[row];
    f.revenue_y3[row] = f.revenue_y2[row];
    f.revenue_y2[row] = f.revenue_y1[row];
    f.revenue_y1[row] = f.revenue_ytd[row];
    f.rd_reported_y3[row] = f.rd_reported_y2[row];
    f.rd_reported_y2[row] = f.rd_reported_y1[row];
    f.rd_reported_y1[row] = f.rd_reported_ytd[row];
    f.revenue_ytd[row] = 0.0f;
    f.rd_real_ytd[row] = 0.0f;
    f.rd_reported_ytd[row] = 0.0f;
  }
}

void CityModel::assign_tiers(World& world, int step) {
  FirmView f(world.firms);
  for (std::size_t row = 0; row < world.firms.size(); ++row) {
    const std::uint8_t flags = f.flags[row];
    Tier tier = CANDIDATE;
    if ((flags & FLAG_LEADER) != 0) {
      tier = LEADER;
    } else if ((flags & FLAG_GAZELLE) != 0) {
      tier = GAZELLE;
    } else if (f.high_tech_until[row] > step) {
      tier = HIGH_TECH;
    } else if (f.tech_sme_until[row] > step) {
      tier = TECH_SME;
    }
    f.tier[row] = tier;
  }
}

void CityModel::record_stocks(const World& world, int step, sim::SeriesBuffer& out,
                              std::size_t point) const {
  FirmView f(const_cast<Firms&>(world.firms));  // read only
  std::int64_t tiers[TIER_COUNT] = {};
  std::int64_t alive = 0, tech_sme = 0, high_tech = 0, listed = 0;
  std::int64_t labels[4] = {};
  std::int64_t class1 = 0, class2 = 0;
  double revenue = 0.0, knowledge = 0.0;
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
    class1 += f.ip_class1[row];
    class2 += f.ip_class2[row];
    revenue += f.revenue[row];
    knowledge += f.knowledge[row];
  }
  out.at(FIRMS_ALIVE, point) = static_cast<double>(alive);
  for (int tier = 0; tier < TIER_COUNT; ++tier)
    out.at(FIRMS_CANDIDATE + static_cast<std::size_t>(tier), point) =
        static_cast<double>(tiers[tier]);
  out.at(REGISTER_TECH_SME, point) = static_cast<double>(tech_sme);
  out.at(REGISTER_HIGH_TECH, point) = static_cast<double>(high_tech);
  for (std::size_t label = 0; label < 4; ++label)
    out.at(LABEL_GAZELLE + label, point) = static_cast<double>(labels[label]);
  out.at(FIRMS_LISTED, point) = static_cast<double>(listed);
  out.at(REVENUE_TOTAL, point) = revenue;
  out.at(KNOWLEDGE_TOTAL, point) = knowledge;
  out.at(IP_CLASS1, point) = static_cast<double>(class1);
  out.at(IP_CLASS2, point) = static_cast<double>(class2);
}

bool CityModel::run_replication(const sim::ReplicationContext& context,
                                sim::SeriesBuffer& out) const {
  const std::uint64_t seed = context.seed;
  const std::uint32_t replication = context.replication;
  World world;
  Ledger ledger(instruments_);
  add_initial_firms(world, seed, replication);
  assign_tiers(world, 0);
  record_stocks(world, 0, out, 0);
  auto take_snapshot = [&](int year) {
    if (context.snapshots == nullptr) return;
    const auto& years = context.snapshot_years;
    if (std::find(years.begin(), years.end(), year) != years.end())
      context.snapshots->push_back(snapshot(world, year));
  };
  take_snapshot(time_.start_year - 1);

  const double dt = time_.step_months / 12.0;
  const double entry_rates[] = {0.0, params_.registrations_per_year * params_.tech_firm_share,
                                params_.spinoffs_per_year, params_.talent_teams_per_year};
  for (int step = 0; step < time_.steps; ++step) {
    if (context.cancelled()) return false;
    const StepCalendar when = calendar(step);
    StepTotals totals;
    if (when.first_month == 1) {
      ledger.start_year();
      if (step > 0) choose_rd(world, 0, when, seed, replication);
    }
    // 1. entry
    const sim::StreamKey births(seed, PURPOSE_BIRTHS, replication,
                                static_cast<std::uint32_t>(step));
    for (int origin = REGISTRATION; origin <= TALENT_TEAM; ++origin) {
      sim::DrawSequence draws(births, static_cast<std::uint32_t>(origin));
      // The cap is unreachable: check_city keeps the mean at most half of it.
      const std::int64_t count = std::min<std::int64_t>(
          sim::poisson(draws, entry_rates[origin] * dt), MAX_ENTRANTS_PER_STEP);
      add_entrants(world, static_cast<Origin>(origin), static_cast<std::size_t>(count), when, seed,
                   replication);
      totals.entries[origin] = count;
    }
    // 2. growth, R&D, knowledge, IP, cash, IPO, exit
    totals.add(advance_firms(world, when, seed, replication));
    // 3. certification and selection rounds, generated events; 4. instruments pay
    assign_tiers(world, step);
    run_rounds(world, when, seed, replication, totals);
    assign_tiers(world, step);
    ledger.pay(world.applications, FirmView(world.firms), when.year);
    // 5. year end
    if (when.last_month == 12) close_year(world);

    const auto point = static_cast<std::size_t>(step + 1);
    out.at(ENTRIES_REGISTRATION, point) = static_cast<double>(totals.entries[REGISTRATION]);
    out.at(ENTRIES_SPINOFF, point) = static_cast<double>(totals.entries[SPINOFF]);
    out.at(ENTRIES_TALENT_TEAM, point) = static_cast<double>(totals.entries[TALENT_TEAM]);
    out.at(EXITS_MARKET, point) = static_cast<double>(totals.exits_market);
    out.at(EXITS_DISTRESS, point) = static_cast<double>(totals.exits_distress);
    out.at(TECH_SME_ADMITTED, point) = static_cast<double>(totals.tech_sme_admitted);
    out.at(TECH_SME_REJECTED, point) = static_cast<double>(totals.tech_sme_rejected);
    out.at(HIGH_TECH_GRANTED, point) = static_cast<double>(totals.high_tech_granted);
    out.at(HIGH_TECH_RENEWED, point) = static_cast<double>(totals.high_tech_renewed);
    out.at(HIGH_TECH_FAILED, point) = static_cast<double>(totals.high_tech_failed);
    out.at(HIGH_TECH_LAPSED, point) = static_cast<double>(totals.high_tech_lapsed);
    out.at(HIGH_TECH_REVOKED, point) = static_cast<double>(totals.high_tech_revoked);
    out.at(RD_REAL, point) = totals.rd_real;
    out.at(RD_REPORTED, point) = totals.rd_reported;
    out.at(IP_CLASS1_NEW, point) = static_cast<double>(totals.ip_class1_new);
    out.at(IP_CLASS2_NEW, point) = static_cast<double>(totals.ip_class2_new);
    out.at(SPENDING_RD_SUPER_DEDUCTION, point) = totals.tax_forgone_deduction;
    out.at(SPENDING_HIGH_TECH_TAX_RATE, point) = totals.tax_forgone_rate;
    const std::vector<double> spending = ledger.take_spending();
    double instruments_total = 0.0;
    for (std::size_t index = 0; index < spending.size(); ++index) {
      out.at(FIXED_METRIC_COUNT + index, point) = spending[index];
      instruments_total += spending[index];
    }
    out.at(SPENDING_INSTRUMENTS, point) = instruments_total;
    record_stocks(world, step, out, point);
    if (when.last_month == 12) take_snapshot(when.year);

    // Exited rows are dropped once they are an eighth of the table (as in REF-1).
    world.exited_rows += static_cast<std::size_t>(totals.exits_market + totals.exits_distress);
    if (world.exited_rows * 8 > world.firms.size()) {
      world.firms.compact(world.firms.column<Alive>());
      world.exited_rows = 0;
    }
    context.step_completed();
  }
  return true;
}

sim::Snapshot CityModel::snapshot(const World& world, int year) const {
  FirmView f(const_cast<Firms&>(world.firms));  // read only
  sim::Snapshot snap;
  snap.year = year;
  auto add = [&](const char* name, const char* unit, const char* description, bool integer,
                 auto value_of) {
    sim::SnapshotColumn column{name, unit, description, integer, {}};
    for (std::size_t row = 0; row < world.firms.size(); ++row) {
      if (f.alive[row] != 0) column.values.push_back(static_cast<double>(value_of(row)));
    }
    snap.columns.push_back(std::move(column));
  };
  add("firm_id", "",
      "firm identity (initial firms from 0; entrants from 2^31, by channel, step and index)", true,
      [&](std::size_t r) { return f.id[r]; });
  add("tier", "", "0 candidate, 1 tech_sme, 2 high_tech, 3 gazelle, 4 leader", true,
      [&](std::size_t r) { return f.tier[r]; });
  add("flags", "",
      "bits: 1 gazelle, 2 leader, 4 little giant, 8 fledgling, 16 listed, "
      "32 direct tech-SME route, 64 niche",
      true, [&](std::size_t r) { return f.flags[r]; });
  add("sector", "", "index into the sectors attribute", true,
      [&](std::size_t r) { return f.sector[r]; });
  add("origin", "", "0 initial, 1 registration, 2 spin-off, 3 talent team", true,
      [&](std::size_t r) { return f.origin[r]; });
  add("age_months", "months", "age", true, [&](std::size_t r) { return f.age_months[r]; });
  add("revenue", "万元/year", "revenue (annual rate)", false,
      [&](std::size_t r) { return f.revenue[r]; });
  add("employees", "employees", "employees", false, [&](std::size_t r) { return f.employees[r]; });
  add("tech_staff_share", "1", "tech staff / employees", false,
      [&](std::size_t r) { return f.tech_staff_share[r]; });
  add("rd_intensity_real", "1", "real R&D / revenue this year", false,
      [&](std::size_t r) { return f.rd_real[r]; });
  add("rd_intensity_reported", "1", "reported R&D / revenue this year", false,
      [&](std::size_t r) { return f.rd_reported[r]; });
  add("rd_reported_last_year", "万元", "reported R&D of the last completed year", false,
      [&](std::size_t r) { return f.rd_reported_y1[r]; });
  add("knowledge", "万元", "knowledge stock", false, [&](std::size_t r) { return f.knowledge[r]; });
  add("ip_class1", "items", "class-I IP", true, [&](std::size_t r) { return f.ip_class1[r]; });
  add("ip_class2", "items", "class-II IP", true, [&](std::size_t r) { return f.ip_class2[r]; });
  add("high_tech_revenue_share", "1", "share of revenue from high-tech products", false,
      [&](std::size_t r) { return f.high_tech_share[r]; });
  add("cash", "万元", "cash", false, [&](std::size_t r) { return f.cash[r]; });
  add("debt", "万元", "debt", false, [&](std::size_t r) { return f.debt[r]; });
  add("tech_sme_until_step", "step", "tech-SME admission ends at this step (0: none)", true,
      [&](std::size_t r) { return f.tech_sme_until[r]; });
  add("high_tech_until_step", "step", "high-tech certificate ends at this step (0: none)", true,
      [&](std::size_t r) { return f.high_tech_until[r]; });
  add("high_tech_since_step", "step",
      "step + 1 of the latest (re)certification in the run (0: none, or before the run)", true,
      [&](std::size_t r) { return f.high_tech_since[r]; });
  return snap;
}

}  // namespace innosim::models::city
