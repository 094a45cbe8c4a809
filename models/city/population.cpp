// Initial population, entry and the annual R&D choice (docs/model.md, "entry" and "R&D").
#include <algorithm>
#include <cmath>

#include "models/city/city_model.hpp"
#include "sim/rng/distributions.hpp"

namespace innosim::models::city {

namespace {

float logistic(float x) { return 1.0f / (1.0f + std::exp(-x)); }

std::uint8_t draw_sector(float uniform, const std::array<double, SECTOR_COUNT>& shares) {
  double total = 0.0;
  for (const double share : shares) total += share;
  double cumulative = 0.0;
  for (int sector = 0; sector < SECTOR_COUNT - 1; ++sector) {
    cumulative += shares[sector] / total;
    if (uniform < cumulative) return static_cast<std::uint8_t>(sector);
  }
  return SECTOR_COUNT - 1;
}

/// The firm's persistent log deviation of its tech-staff share (recomputed from its id).
float tech_staff_deviation(const CityParams& p, std::uint64_t seed, std::uint32_t replication,
                           std::uint32_t id) {
  const sim::PhiloxBlock words =
      sim::StreamKey(seed, PURPOSE_ATTRIBUTES, replication, 0).block(id, 1);
  return static_cast<float>(p.tech_staff_log_sd) * sim::normal(words[0], words[1]);
}

float tech_staff_target(const CityParams& p, float rd_real, float deviation) {
  const float share =
      static_cast<float>(p.tech_staff_base + p.tech_staff_per_rd * rd_real) * std::exp(deviation);
  return std::clamp(share, 0.0f, 0.95f);
}

struct EntryProfile {
  double revenue_median;
  double revenue_log_sd;
  double rd_factor;
  double class1_mean;
  double direct_route_probability;
  Tier tier;
};

}  // namespace

/// Writes the attributes of rows [first_row, first_row + count) with ids from first_id.
static void draw_attributes(const CityModel& model, World& world, std::size_t first_row,
                            std::size_t count, std::uint32_t first_id, Origin origin,
                            const EntryProfile& profile, bool initial, std::uint64_t seed,
                            std::uint32_t replication) {
  const CityParams& p = model.params();
  FirmView f(world.firms);
  const sim::StreamKey attributes(seed, PURPOSE_ATTRIBUTES, replication, 0);
  const sim::StreamKey entry_ip(seed, PURPOSE_ENTRY_IP, replication, 0);
  for (std::size_t row = first_row; row < first_row + count; ++row) {
    const auto id = static_cast<std::uint32_t>(first_id + (row - first_row));
    const sim::PhiloxBlock block0 = attributes.block(id, 0);
    const sim::PhiloxBlock block1 = attributes.block(id, 1);  // words 0-1: tech-staff deviation
    const sim::PhiloxBlock block2 = attributes.block(id, 2);
    const sim::NormalPair z = sim::normal_pair(block0[0], block0[1]);
    const float z_share = sim::normal(block0[2], block0[3]);
    f.id[row] = id;
    f.alive[row] = 1;
    f.origin[row] = origin;
    f.tier[row] = profile.tier;
    f.sector[row] = draw_sector(sim::u01_closed_open(block1[2]), p.sector_shares);
    std::uint8_t flags = 0;
    if (sim::bernoulli(block1[3], static_cast<float>(profile.direct_route_probability)))
      flags |= FLAG_DIRECT_ROUTE;
    if (sim::bernoulli(block2[0], static_cast<float>(p.niche_probability))) flags |= FLAG_NICHE;
    f.flags[row] = flags;
    const float revenue =
        std::max(static_cast<float>(p.min_revenue),
                 sim::lognormal_from_normal(static_cast<float>(profile.revenue_median),
                                            static_cast<float>(profile.revenue_log_sd), z.first));
    f.revenue[row] = revenue;
    f.employees[row] = std::max(1.0f, revenue / static_cast<float>(p.revenue_per_employee));
    f.rd_propensity[row] = std::min(
        static_cast<float>(p.rd_max),
        static_cast<float>(profile.rd_factor) *
            sim::lognormal_from_normal(static_cast<float>(p.rd_propensity_median),
                                       static_cast<float>(p.rd_propensity_log_sd), z.second));
    const float logit_median = std::log(static_cast<float>(p.high_tech_share_median) /
                                        (1.0f - static_cast<float>(p.high_tech_share_median)));
    f.high_tech_share[row] =
        logistic(logit_median + static_cast<float>(p.high_tech_share_logit_sd) * z_share);
    f.cash[row] = revenue * static_cast<float>(p.cash_buffer_months / 12.0);

    sim::DrawSequence ip_draws(entry_ip, id);
    f.ip_class1[row] = static_cast<std::uint16_t>(
        std::min<std::int64_t>(65535, sim::poisson(ip_draws, profile.class1_mean)));
    f.ip_class2[row] = static_cast<std::uint16_t>(
        std::min<std::int64_t>(65535, sim::poisson(ip_draws, p.entry_class2_ip_mean)));

    if (initial) {
      // Initial firms have an age and a past: exponential ages, revenue history growing 10%
      // a year back from today's revenue, R&D at their propensity, knowledge in steady state.
      const float age_years =
          static_cast<float>(p.initial_age_mean_years) * -std::log(sim::u01_open_closed(block2[1]));
      f.age_months[row] =
          static_cast<std::uint16_t>(std::min(600.0f, std::floor(age_years * 12.0f)));
      float* history[] = {f.revenue_y1, f.revenue_y2, f.revenue_y3, f.revenue_y4};
      float* rd_history[] = {f.rd_reported_y1, f.rd_reported_y2, f.rd_reported_y3};
      float past = revenue;
      for (int year = 0; year < 4; ++year) {
        past /= 1.1f;
        const bool existed = age_years >= static_cast<float>(year + 1);
        history[year][row] = existed ? past : 0.0f;
        if (year < 3) rd_history[year][row] = existed ? past * f.rd_propensity[row] : 0.0f;
      }
      f.knowledge[row] = revenue * f.rd_propensity[row] /
                         static_cast<float>(std::max(0.01, p.knowledge_depreciation)) *
                         std::min(1.0f, age_years / 5.0f);
    } else {
      // Spin-offs and talent teams bring knowledge: a year of their R&D, doubled.
      f.knowledge[row] = origin == REGISTRATION ? 0.0f : 2.0f * revenue * f.rd_propensity[row];
    }
  }
}

void CityModel::add_initial_firms(World& world, std::uint64_t seed,
                                  std::uint32_t replication) const {
  const CityParams& p = params_;
  const std::size_t total =
      static_cast<std::size_t>(p.initial_candidates + p.initial_tech_sme + p.initial_high_tech);
  world.firms.reserve(total + total / 4);
  // Initial registered firms carry the profile of their register: more R&D and IP.
  const EntryProfile profiles[] = {
      {p.initial_revenue_median, p.initial_revenue_log_sd, 1.0, 0.1 * p.spinoff_class1_ip_mean,
       p.direct_route_probability, CANDIDATE},
      {p.initial_tech_sme_revenue_median, p.initial_revenue_log_sd, p.spinoff_rd_factor,
       p.spinoff_class1_ip_mean, p.direct_route_probability, TECH_SME},
      {p.initial_high_tech_revenue_median, p.initial_revenue_log_sd, p.spinoff_rd_factor,
       2.0 * p.spinoff_class1_ip_mean, p.spinoff_direct_route_probability, HIGH_TECH},
  };
  const std::int64_t counts[] = {p.initial_candidates, p.initial_tech_sme, p.initial_high_tech};
  std::uint32_t first_id = 0;
  const StepCalendar start = calendar(0);
  const int spy = steps_per_year();
  // Steps of the first rounds: registered firms' entries end there (or a year on if the round
  // is in step 0, when they count as just admitted).
  int sme_round = 0;
  int hte_round = 0;
  for (int step = 0; step < spy; ++step) {
    if (calendar(step).contains_month(static_cast<int>(p.tech_sme_month))) sme_round = step;
    if (calendar(step).contains_month(static_cast<int>(p.high_tech_month))) hte_round = step;
  }
  for (int group = 0; group < 3; ++group) {
    const auto count = static_cast<std::size_t>(counts[group]);
    const std::size_t first_row = world.firms.append(count);
    draw_attributes(*this, world, first_row, count, first_id, INITIAL, profiles[group], true, seed,
                    replication);
    FirmView f(world.firms);
    const sim::StreamKey attributes(seed, PURPOSE_ATTRIBUTES, replication, 0);
    for (std::size_t row = first_row; row < first_row + count; ++row) {
      if (group >= 1) {
        f.tech_sme_until[row] = static_cast<std::uint16_t>(sme_round == 0 ? spy : sme_round);
        // Registered firms meet their register's criteria at the start: a class-I IP item
        // (30 points) and R&D of at least 4.5% of sales (30 points) pass the tech-SME score.
        constexpr float REGISTERED_RD = 0.045f;
        f.ip_class1[row] = std::max<std::uint16_t>(f.ip_class1[row], 1);
        f.rd_propensity[row] = std::max(f.rd_propensity[row], REGISTERED_RD);
        f.rd_reported_y1[row] = std::max(f.rd_reported_y1[row], REGISTERED_RD * f.revenue_y1[row]);
        f.rd_reported_y2[row] = std::max(f.rd_reported_y2[row], REGISTERED_RD * f.revenue_y2[row]);
        f.rd_reported_y3[row] = std::max(f.rd_reported_y3[row], REGISTERED_RD * f.revenue_y3[row]);
        f.age_months[row] = std::max<std::uint16_t>(f.age_months[row], 12);
      }
      if (group == 2) {
        // Registered firms meet their register's criteria at the start.
        const float threshold = static_cast<float>(high_tech_rd_threshold(
            f.revenue_y1[row] > 0 ? f.revenue_y1[row] : f.revenue[row], p.high_tech_rules));
        f.rd_propensity[row] = std::max(f.rd_propensity[row], 1.1f * threshold);
        f.rd_reported_y1[row] =
            std::max(f.rd_reported_y1[row], 1.1f * threshold * f.revenue_y1[row]);
        f.rd_reported_y2[row] =
            std::max(f.rd_reported_y2[row], 1.1f * threshold * f.revenue_y2[row]);
        f.rd_reported_y3[row] =
            std::max(f.rd_reported_y3[row], 1.1f * threshold * f.revenue_y3[row]);
        f.high_tech_share[row] = std::max(f.high_tech_share[row], 0.6f);
        // Certificates were granted in the last three rounds: they expire over three years.
        const int years_left =
            static_cast<int>(attributes.block(f.id[row], 2)[2] % 3u) + (hte_round == 0 ? 1 : 0);
        f.high_tech_until[row] = static_cast<std::uint16_t>(hte_round + years_left * spy);
      }
    }
    first_id += static_cast<std::uint32_t>(count);
  }
  choose_rd(world, 0, start, seed, replication);
  // Tech staff starts at its target rather than converging to it.
  FirmView f(world.firms);
  for (std::size_t row = 0; row < world.firms.size(); ++row) {
    f.tech_staff_share[row] =
        tech_staff_target(p, f.rd_real[row], tech_staff_deviation(p, seed, replication, f.id[row]));
  }
}

void CityModel::add_entrants(World& world, Origin origin, std::size_t count,
                             const StepCalendar& when, std::uint64_t seed,
                             std::uint32_t replication) const {
  if (count == 0) return;
  const CityParams& p = params_;
  const double median = origin == SPINOFF       ? p.spinoff_revenue_median
                        : origin == TALENT_TEAM ? p.talent_team_revenue_median
                                                : p.entry_revenue_median;
  const bool science_based = origin != REGISTRATION;
  const EntryProfile profile = {
      median,
      p.entry_revenue_log_sd,
      science_based ? p.spinoff_rd_factor : 1.0,
      science_based ? p.spinoff_class1_ip_mean : 0.1 * p.spinoff_class1_ip_mean,
      science_based ? p.spinoff_direct_route_probability : p.direct_route_probability,
      CANDIDATE};
  const std::size_t first_row = world.firms.append(count);
  draw_attributes(*this, world, first_row, count, entrant_id(origin, when.step, 0), origin, profile,
                  false, seed, replication);
  choose_rd(world, first_row, when, seed, replication);
  FirmView f(world.firms);
  for (std::size_t row = first_row; row < world.firms.size(); ++row) {
    f.tech_staff_share[row] =
        tech_staff_target(p, f.rd_real[row], tech_staff_deviation(p, seed, replication, f.id[row]));
    if (origin == TALENT_TEAM)
      apply(world, static_cast<std::uint32_t>(row), Trigger::TALENT_TEAM_ENTRY, when, seed,
            replication);
  }
}

double CityModel::deduction_rate(int year, bool tech_sme, std::uint8_t sector) const {
  if (params_.super_deduction == "none") return 0.0;
  if (params_.super_deduction == "fixed") return params_.super_deduction_fixed_rate;
  return super_deduction_rate(year, tech_sme, is_manufacturing(sector));
}

void CityModel::choose_rd(World& world, std::size_t first_row, const StepCalendar& when,
                          std::uint64_t seed, std::uint32_t replication) const {
  const CityParams& p = params_;
  FirmView f(world.firms);
  const sim::StreamKey stream(seed, PURPOSE_RD_CHOICE, replication,
                              static_cast<std::uint32_t>(when.step));
  const double baseline_cost = 1.0 - p.corporate_tax_rate;  // deductible, no super-deduction
  const float adjustment =
      1.0f - std::exp(-1.0f / static_cast<float>(std::max(1e-6, p.employee_adjustment_years)));
  std::vector<const Instrument*> rd_subsidies;  // instruments paying a share of R&D this year
  for (const Instrument& instrument : instruments_) {
    if (instrument.trigger == Trigger::ANNUAL_RD && instrument.share > 0.0 &&
        instrument.active_in(when.year))
      rd_subsidies.push_back(&instrument);
  }
  for (std::size_t row = first_row; row < world.firms.size(); ++row) {
    if (f.alive[row] == 0) continue;
    const bool high_tech = f.high_tech_until[row] > when.step;
    const bool tech_sme = f.tech_sme_until[row] > when.step;
    const double tax_rate = high_tech ? p.high_tech_tax_rate : p.corporate_tax_rate;
    // After-tax cost of one yuan of R&D: the expense and the super-deduction save tax, and an
    // R&D subsidy the firm is eligible for pays its share, as long as its cap does not bind on
    // the firm's R&D at last year's intensity. Firms do not anticipate budgets running out.
    double subsidy_share = 0.0;
    const double expected_rd = static_cast<double>(f.rd_reported[row]) * f.revenue[row];
    for (const Instrument* subsidy : rd_subsidies) {
      const bool eligible = (subsidy->tier_mask >> f.tier[row] & 1u) != 0 &&
                            (subsidy->sector_mask >> f.sector[row] & 1u) != 0 &&
                            f.revenue[row] >= subsidy->min_revenue &&
                            f.revenue[row] <= subsidy->max_revenue;
      if (eligible && subsidy->fixed + subsidy->share * expected_rd < subsidy->cap)
        subsidy_share += subsidy->share;
    }
    const double user_cost =
        std::max(0.05, 1.0 - tax_rate * (1.0 + deduction_rate(when.year, tech_sme, f.sector[row])) -
                           subsidy_share);
    float real = std::min(
        static_cast<float>(p.rd_max),
        f.rd_propensity[row] *
            static_cast<float>(std::pow(user_cost / baseline_cost, -p.rd_price_elasticity)));
    float reported = real;
    // Bunching: a firm that could be certified and sits just below the R&D ratio threshold
    // reports just above it, closing the gap partly with real R&D and partly by relabelling.
    const float latest_sales = f.revenue_y1[row] > 0.0f ? f.revenue_y1[row] : f.revenue[row];
    const auto threshold =
        static_cast<float>(high_tech_rd_threshold(latest_sales, p.high_tech_rules));
    const bool could_certify =
        f.ip_class1[row] + f.ip_class2[row] > 0 &&
        f.high_tech_share[row] >= p.high_tech_rules.min_high_tech_revenue_share;
    const bool near =
        real < threshold && real >= threshold * (1.0f - static_cast<float>(p.bunching_window));
    if (could_certify && near &&
        sim::bernoulli(stream.block(f.id[row])[0], static_cast<float>(p.bunching_probability))) {
      reported = threshold * (1.0f + static_cast<float>(p.bunching_margin));
      real = std::max(real, (1.0f - static_cast<float>(p.relabel_share)) * reported);
    }
    f.rd_real[row] = real;
    f.rd_reported[row] = reported;
    if (row >= first_row && f.age_months[row] > 0) {
      // Yearly, tech staff moves toward the level the firm's R&D calls for.
      const float target =
          tech_staff_target(p, real, tech_staff_deviation(p, seed, replication, f.id[row]));
      f.tech_staff_share[row] += adjustment * (target - f.tech_staff_share[row]);
    }
  }
}

}  // namespace innosim::models::city
