// The annual rounds (docs/model.md, "certification and selection") and the events that
// instruments pay on.
#include <algorithm>
#include <cmath>
#include <numeric>

#include "models/city/city_model.hpp"
#include "sim/rng/distributions.hpp"

namespace innosim::models::city {

namespace {

/// Draw slots of PURPOSE_ROUNDS per firm and step (block index), one per decision.
enum RoundDraw : std::uint32_t { DRAW_TECH_SME = 0, DRAW_HIGH_TECH = 1 };

std::uint32_t name_hash(const std::string& name) {
  std::uint32_t hash = 2166136261u;  // FNV-1a: generated events are keyed by instrument name,
  for (const char c : name) {        // so adding an instrument does not shift another's draws
    hash ^= static_cast<std::uint8_t>(c);
    hash *= 16777619u;
  }
  return hash;
}

}  // namespace

void CityModel::apply(World& world, std::uint32_t row, Trigger trigger, const StepCalendar& when,
                      std::uint64_t seed, std::uint32_t replication, double base) const {
  if ((wanted_triggers_ >> static_cast<int>(trigger) & 1u) == 0) return;
  const FirmView f(world.firms);
  const sim::StreamKey order(seed, PURPOSE_ORDER, replication,
                             static_cast<std::uint32_t>(when.step));
  world.applications.push_back({row, f.id[row], trigger, -1,
                                order.block(f.id[row], static_cast<std::uint32_t>(trigger))[0],
                                base});
}

void CityModel::tech_sme_round(World& world, const StepCalendar& when, std::uint64_t seed,
                               std::uint32_t replication, StepTotals& totals) const {
  const CityParams& p = params_;
  FirmView f(world.firms);
  const sim::StreamKey stream(seed, PURPOSE_ROUNDS, replication,
                              static_cast<std::uint32_t>(when.step));
  const int until = when.step + steps_per_year();
  for (std::size_t row = 0; row < world.firms.size(); ++row) {
    if (f.alive[row] == 0) continue;
    const bool renewing = f.tech_sme_until[row] == when.step;
    const bool registered = f.tech_sme_until[row] > when.step;
    if (registered) continue;  // admitted this year already (e.g. at the start)
    const sim::PhiloxBlock words = stream.block(f.id[row], DRAW_TECH_SME);
    TechSmeInputs inputs;
    inputs.employees = f.employees[row];
    inputs.sales = f.revenue_y1[row];
    inputs.total_assets = f.cash[row] + p.assets_per_revenue * f.revenue[row];
    inputs.tech_staff_share = f.tech_staff_share[row];
    inputs.rd = f.rd_reported_y1[row];
    inputs.total_cost = f.revenue_y1[row] * (1.0 - p.operating_margin);
    inputs.ip_class1 = f.ip_class1[row];
    inputs.ip_class2 = f.ip_class2[row];
    inputs.high_tech = f.high_tech_until[row] > when.step;
    inputs.other_direct_route = (f.flags[row] & FLAG_DIRECT_ROUTE) != 0;
    // A firm without a completed year of sales has no annual report to be evaluated on.
    const bool has_report = f.revenue_y1[row] > 0.0f;
    const bool qualifies = has_report && evaluate_tech_sme(inputs, p.tech_sme_rules).admitted;
    // Registered firms re-submit out of habit; others evaluate themselves first (the rules
    // are public) and apply only when they qualify.
    const bool applies =
        renewing ? sim::bernoulli(words[0], static_cast<float>(p.tech_sme_reapply_probability))
                 : qualifies &&
                       sim::bernoulli(words[0], static_cast<float>(p.tech_sme_apply_probability));
    if (!applies) continue;
    if (qualifies) {
      f.tech_sme_until[row] = static_cast<std::uint16_t>(until);
      ++totals.tech_sme_admitted;
      if (!renewing)
        apply(world, static_cast<std::uint32_t>(row), Trigger::TECH_SME_ADMITTED, when, seed,
              replication);
    } else {
      ++totals.tech_sme_rejected;
    }
  }
}

void CityModel::high_tech_round(World& world, const StepCalendar& when, std::uint64_t seed,
                                std::uint32_t replication, StepTotals& totals) const {
  const CityParams& p = params_;
  FirmView f(world.firms);
  const sim::StreamKey stream(seed, PURPOSE_ROUNDS, replication,
                              static_cast<std::uint32_t>(when.step));
  const int valid_until =
      when.step + static_cast<int>(p.high_tech_validity_years) * steps_per_year();
  for (std::size_t row = 0; row < world.firms.size(); ++row) {
    if (f.alive[row] == 0) continue;
    const sim::PhiloxBlock words = stream.block(f.id[row], DRAW_HIGH_TECH);
    const bool expiring = f.high_tech_until[row] == when.step;
    const bool certified = f.high_tech_until[row] > when.step;
    const auto row32 = static_cast<std::uint32_t>(row);
    HighTechInputs inputs;
    inputs.age_months = f.age_months[row];
    inputs.ip_class1 = f.ip_class1[row];
    inputs.ip_class2 = f.ip_class2[row];
    inputs.tech_staff_share = f.tech_staff_share[row];
    inputs.rd_recent_years = f.rd_reported_y1[row] + f.rd_reported_y2[row] + f.rd_reported_y3[row];
    inputs.sales_recent_years = f.revenue_y1[row] + f.revenue_y2[row] + f.revenue_y3[row];
    inputs.latest_sales = f.revenue_y1[row];
    inputs.high_tech_revenue_share = f.high_tech_share[row];
    inputs.sales_growth =
        high_tech_sales_growth(f.revenue_y3[row], f.revenue_y2[row], f.revenue_y1[row]);

    if (certified) {
      // Mid-term check: last year's R&D ratio below the threshold can cost the certificate.
      const double last_ratio =
          f.revenue_y1[row] > 0.0f ? f.rd_reported_y1[row] / f.revenue_y1[row] : 0.0;
      if (f.revenue_y1[row] > 0.0f &&
          last_ratio < high_tech_rd_threshold(f.revenue_y1[row], p.high_tech_rules) &&
          sim::bernoulli(words[2], static_cast<float>(p.high_tech_audit_probability))) {
        f.high_tech_until[row] = static_cast<std::uint16_t>(when.step);
        ++totals.high_tech_revoked;
      }
      continue;
    }
    const bool meets_criteria = evaluate_high_tech(inputs, p.high_tech_rules).passes();
    // Expiring firms re-apply out of habit; others check the public criteria first and apply
    // only when they meet them. The expert review then passes a share of applications.
    const bool applies =
        expiring ? sim::bernoulli(words[0], static_cast<float>(p.high_tech_reapply_probability))
                 : meets_criteria &&
                       sim::bernoulli(words[0], static_cast<float>(p.high_tech_apply_probability));
    if (!applies) {
      if (expiring) ++totals.high_tech_lapsed;
      continue;
    }
    const bool passes = meets_criteria &&
                        sim::bernoulli(words[1], static_cast<float>(p.high_tech_review_pass_rate));
    if (!passes) {
      ++totals.high_tech_failed;
      if (expiring) ++totals.high_tech_lapsed;
      continue;
    }
    f.high_tech_until[row] = static_cast<std::uint16_t>(valid_until);
    f.high_tech_since[row] = static_cast<std::uint16_t>(when.step + 1);
    if (expiring) {
      ++totals.high_tech_renewed;
      apply(world, row32, Trigger::HIGH_TECH_RECERTIFIED, when, seed, replication);
    } else {
      ++totals.high_tech_granted;
      apply(world, row32, Trigger::HIGH_TECH_CERTIFIED, when, seed, replication);
    }
  }
}

void CityModel::label_round(World& world, const StepCalendar& when, std::uint64_t seed,
                            std::uint32_t replication) const {
  const CityParams& p = params_;
  FirmView f(world.firms);
  struct Candidate {
    std::uint32_t row;
    double priority;  ///< larger first when a quota binds
  };
  struct Selection {
    Flag flag;
    Trigger trigger;
    std::int64_t quota;
    std::vector<Candidate> candidates;
  };
  Selection selections[] = {
      {FLAG_GAZELLE, Trigger::GAZELLE_SELECTED, p.gazelle_quota, {}},
      {FLAG_LEADER, Trigger::LEADER_SELECTED, p.leader_quota, {}},
      {FLAG_LITTLE_GIANT, Trigger::LITTLE_GIANT_SELECTED, p.little_giant_quota, {}},
      {FLAG_FLEDGLING, Trigger::FLEDGLING_SELECTED, p.fledgling_quota, {}}};
  for (std::size_t row = 0; row < world.firms.size(); ++row) {
    if (f.alive[row] == 0) continue;
    LabelInputs firm;
    firm.age_years = f.age_months[row] / 12.0;
    firm.sales_y1 = f.revenue_y1[row];
    firm.sales_y2 = f.revenue_y2[row];
    firm.sales_y3 = f.revenue_y3[row];
    firm.sales_y4 = f.revenue_y4[row];
    firm.rd_y1 = f.rd_reported_y1[row];
    firm.rd_y2 = f.rd_reported_y2[row];
    const double assets = f.cash[row] + p.assets_per_revenue * f.revenue[row];
    firm.debt_ratio = assets > 0.0 ? f.debt[row] / assets : 0.0;
    firm.ip_class1 = f.ip_class1[row];
    firm.high_tech = f.high_tech_until[row] > when.step;
    firm.tech_sme = f.tech_sme_until[row] > when.step;
    firm.niche = (f.flags[row] & FLAG_NICHE) != 0;
    const auto row32 = static_cast<std::uint32_t>(row);
    if (qualifies_gazelle(firm, p.label_rules))
      selections[0].candidates.push_back(
          {row32, compound_growth(firm.sales_y4, firm.sales_y1, 3.0)});
    if (qualifies_leader(firm, p.label_rules))
      selections[1].candidates.push_back({row32, firm.sales_y1});
    if (qualifies_little_giant(firm, p.label_rules))
      selections[2].candidates.push_back({row32, static_cast<double>(firm.ip_class1)});
    if (qualifies_fledgling(firm, p.label_rules))
      selections[3].candidates.push_back(
          {row32, compound_growth(firm.sales_y2, firm.sales_y1, 1.0)});
  }
  for (Selection& selection : selections) {
    auto& candidates = selection.candidates;
    if (selection.quota > 0 && candidates.size() > static_cast<std::size_t>(selection.quota)) {
      // Ties go to the lower firm id: the order never depends on row positions.
      std::partial_sort(candidates.begin(), candidates.begin() + selection.quota, candidates.end(),
                        [&](const Candidate& a, const Candidate& b) {
                          return a.priority != b.priority ? a.priority > b.priority
                                                          : f.id[a.row] < f.id[b.row];
                        });
      candidates.resize(static_cast<std::size_t>(selection.quota));
    }
    std::vector<std::uint8_t> chosen(world.firms.size(), 0);
    for (const Candidate& candidate : candidates) chosen[candidate.row] = 1;
    for (std::size_t row = 0; row < world.firms.size(); ++row) {
      const bool had = (f.flags[row] & selection.flag) != 0;
      if (chosen[row] != 0) {
        f.flags[row] |= selection.flag;
        if (!had)
          apply(world, static_cast<std::uint32_t>(row), selection.trigger, when, seed, replication);
      } else {
        f.flags[row] &= static_cast<std::uint8_t>(~selection.flag);
      }
    }
  }
}

void CityModel::rd_awards(World& world, const StepCalendar& when) const {
  FirmView f(world.firms);
  if ((wanted_triggers_ >> static_cast<int>(Trigger::ANNUAL_RD) & 1u) != 0) {
    for (std::size_t row = 0; row < world.firms.size(); ++row) {
      if (f.alive[row] == 0 || f.rd_reported_y1[row] <= 0.0f) continue;
      // Ordered by size of claim, largest first: budgets reach the largest spenders first.
      world.applications.push_back({static_cast<std::uint32_t>(row), f.id[row], Trigger::ANNUAL_RD,
                                    -1, 0, f.rd_reported_y1[row]});
    }
  }
  for (std::size_t index = 0; index < instruments_.size(); ++index) {
    const Instrument& instrument = instruments_[index];
    if (instrument.trigger != Trigger::TOP_RD_INVESTOR || !instrument.active_in(when.year))
      continue;
    std::vector<std::uint32_t> rows;
    for (std::size_t row = 0; row < world.firms.size(); ++row) {
      if (f.alive[row] != 0 && f.rd_reported_y1[row] > 0.0f)
        rows.push_back(static_cast<std::uint32_t>(row));
    }
    const std::size_t top = std::min(rows.size(), static_cast<std::size_t>(instrument.rank_top));
    std::partial_sort(rows.begin(), rows.begin() + static_cast<std::ptrdiff_t>(top), rows.end(),
                      [&](std::uint32_t a, std::uint32_t b) {
                        return f.rd_reported_y1[a] != f.rd_reported_y1[b]
                                   ? f.rd_reported_y1[a] > f.rd_reported_y1[b]
                                   : f.id[a] < f.id[b];
                      });
    for (std::size_t rank = 0; rank < top; ++rank) {
      world.applications.push_back(
          {rows[rank], f.id[rows[rank]], Trigger::TOP_RD_INVESTOR, static_cast<std::int32_t>(index),
           static_cast<std::uint32_t>(rank), f.rd_reported_y1[rows[rank]]});
    }
  }
  // annual_rd claims: largest first (order_key is the rank by claim)
  std::vector<Application*> claims;
  for (Application& application : world.applications) {
    if (application.trigger == Trigger::ANNUAL_RD) claims.push_back(&application);
  }
  std::sort(claims.begin(), claims.end(), [](const Application* a, const Application* b) {
    return a->base != b->base ? a->base > b->base : a->firm_id < b->firm_id;
  });
  for (std::size_t rank = 0; rank < claims.size(); ++rank)
    claims[rank]->order_key = static_cast<std::uint32_t>(rank);
}

void CityModel::generated_events(World& world, const StepCalendar& when, std::uint64_t seed,
                                 std::uint32_t replication) const {
  FirmView f(world.firms);
  const double dt = time_.step_months / 12.0;
  const sim::StreamKey stream(seed, PURPOSE_EVENTS, replication,
                              static_cast<std::uint32_t>(when.step));
  for (std::size_t index = 0; index < instruments_.size(); ++index) {
    const Instrument& instrument = instruments_[index];
    if (!is_generated(instrument.trigger) || !instrument.active_in(when.year) ||
        instrument.events_per_year <= 0.0)
      continue;
    sim::DrawSequence draws(stream, name_hash(instrument.name));
    const std::int64_t events = sim::poisson(draws, instrument.events_per_year * dt);
    if (events == 0) continue;
    std::vector<std::uint32_t> eligible;
    for (std::size_t row = 0; row < world.firms.size(); ++row) {
      const double revenue = f.revenue[row];
      if (f.alive[row] != 0 && (instrument.tier_mask >> f.tier[row] & 1u) != 0 &&
          (instrument.sector_mask >> f.sector[row] & 1u) != 0 &&
          revenue >= instrument.min_revenue && revenue <= instrument.max_revenue)
        eligible.push_back(static_cast<std::uint32_t>(row));
    }
    if (eligible.empty()) continue;
    for (std::int64_t event = 0; event < events; ++event) {
      const double pick = draws.next_u01();
      const std::uint32_t row =
          eligible[static_cast<std::size_t>(pick * static_cast<double>(eligible.size()))];
      const std::uint32_t radius = draws.next_word();
      const float z = sim::normal(radius, draws.next_word());
      const double base = instrument.base_median * std::exp(instrument.base_log_sd * z);
      world.applications.push_back({row, f.id[row], instrument.trigger,
                                    static_cast<std::int32_t>(index),
                                    static_cast<std::uint32_t>(event), base});
    }
  }
}

void CityModel::run_rounds(World& world, const StepCalendar& when, std::uint64_t seed,
                           std::uint32_t replication, StepTotals& totals) const {
  if (when.contains_month(static_cast<int>(params_.tech_sme_month)))
    tech_sme_round(world, when, seed, replication, totals);
  if (when.contains_month(static_cast<int>(params_.high_tech_month)))
    high_tech_round(world, when, seed, replication, totals);
  // Labels read registers as they stand after this step's rounds.
  if (when.contains_month(static_cast<int>(params_.label_month)))
    label_round(world, when, seed, replication);
  if (when.contains_month(static_cast<int>(params_.rd_award_month))) rd_awards(world, when);
  generated_events(world, when, seed, replication);
}

}  // namespace innosim::models::city
