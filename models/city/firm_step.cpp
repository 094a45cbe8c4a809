// The monthly firm process (docs/model.md, "growth", "R&D", "cash", "IPO", "exit"): one pass
// over the rows, in fixed chunks that may run in parallel (each row touches only itself).
#include <algorithm>
#include <cmath>

#include "models/city/city_model.hpp"
#include "sim/rng/distributions.hpp"
#include "sim/run/parallel.hpp"

namespace innosim::models::city {

void StepTotals::add(const StepTotals& other) {
  for (int origin = 0; origin < 4; ++origin) entries[origin] += other.entries[origin];
  exits_market += other.exits_market;
  exits_distress += other.exits_distress;
  tech_sme_admitted += other.tech_sme_admitted;
  tech_sme_rejected += other.tech_sme_rejected;
  high_tech_granted += other.high_tech_granted;
  high_tech_renewed += other.high_tech_renewed;
  high_tech_failed += other.high_tech_failed;
  high_tech_lapsed += other.high_tech_lapsed;
  high_tech_revoked += other.high_tech_revoked;
  ip_class1_new += other.ip_class1_new;
  ip_class2_new += other.ip_class2_new;
  rd_real += other.rd_real;
  rd_reported += other.rd_reported;
  tax_forgone_deduction += other.tax_forgone_deduction;
  tax_forgone_rate += other.tax_forgone_rate;
}

namespace {

struct IpArrivals {
  std::int64_t class1 = 0;
  std::int64_t class2 = 0;
};

/// IP arrivals of one firm-step: N ~ Poisson(mean1 + mean2) by inversion, each arrival of
/// class I with probability mean1 / (mean1 + mean2) (the two counts are then independent
/// Poissons). Most firm-steps have none, decided by one Philox call and one exp.
IpArrivals ip_arrivals(const sim::StreamKey& stream, std::uint32_t firm_id, double mean1,
                       double mean2) {
  IpArrivals arrivals;
  const double mean = mean1 + mean2;
  if (!(mean > 0.0)) return arrivals;
  const sim::PhiloxBlock words = stream.block(firm_id, 0);
  const double u = sim::u01_double(words[0], words[1]);
  double probability = std::exp(-mean);
  double cumulative = probability;
  if (u <= cumulative) return arrivals;
  if (mean >= 10.0) {  // far beyond what firms see; exact, slower path
    sim::DrawSequence draws(stream, firm_id);
    for (int skip = 0; skip < 4; ++skip) draws.next_word();
    arrivals.class1 = sim::poisson(draws, mean1);
    arrivals.class2 = sim::poisson(draws, mean2);
    return arrivals;
  }
  std::int64_t count = 0;
  while (u > cumulative && count < 1000) {
    ++count;
    probability *= mean / static_cast<double>(count);
    cumulative += probability;
  }
  const double class1_share = mean1 / mean;
  // Block 0 decided the count (words 0-1; word 2 is the IPO draw); the split uses block 1 on.
  sim::DrawSequence draws(stream, firm_id);
  for (int skip = 0; skip < 4; ++skip) draws.next_word();
  for (std::int64_t arrival = 0; arrival < count; ++arrival) {
    if (sim::u01_closed_open(draws.next_word()) < class1_share) {
      ++arrivals.class1;
    } else {
      ++arrivals.class2;
    }
  }
  return arrivals;
}

}  // namespace

StepTotals CityModel::advance_firms(World& world, const StepCalendar& when, std::uint64_t seed,
                                    std::uint32_t replication) const {
  const std::size_t rows = world.firms.padded_size();
  const std::size_t chunk_count = (rows + CHUNK_ROWS - 1) / CHUNK_ROWS;
  if (chunk_count <= 1) {
    return advance_rows(world, 0, rows, when, seed, replication, world.applications);
  }
  std::vector<StepTotals> chunk_totals(chunk_count);
  std::vector<std::vector<Application>> chunk_applications(chunk_count);
  sim::parallel_for_index(chunk_count, [&](std::size_t chunk) {
    const std::size_t begin = chunk * CHUNK_ROWS;
    chunk_totals[chunk] = advance_rows(world, begin, std::min(rows, begin + CHUNK_ROWS), when, seed,
                                       replication, chunk_applications[chunk]);
  });
  StepTotals totals;
  for (std::size_t chunk = 0; chunk < chunk_count; ++chunk) {  // fixed (chunk) order
    totals.add(chunk_totals[chunk]);
    world.applications.insert(world.applications.end(), chunk_applications[chunk].begin(),
                              chunk_applications[chunk].end());
  }
  return totals;
}

namespace {

/// Constants of the growth-and-exit pass, in single precision.
struct GrowthConstants {
  float dt, sqrt_dt, min_revenue, laplace_scale;
  float growth_sd, growth_sd_min, growth_sd_max, sd_exponent, log_sd_reference;
  float young_size, growth_drift, growth_knowledge;
  float exit_size_exponent, log_exit_reference, distress_rate, distress_leverage;
  std::uint32_t max_age_index;
};

/// Pass 1 of the firm step: growth of revenue, and the exit draw (0 stays, 1 exits for the
/// age-and-size hazard, 2 for distress). The columns are __restrict function parameters and
/// every condition is a select, as in REF-1, so GCC vectorises the pass with its transcendental
/// functions and Philox; rows that are not alive compute but change nothing.
void grow_and_draw_exits(const GrowthConstants c, const sim::StreamKey stream, std::size_t rows,
                         const std::uint32_t* __restrict ids,
                         const std::uint8_t* __restrict alive_flags,
                         const std::uint16_t* __restrict ages, const float* __restrict knowledge,
                         const float* __restrict debts, const float* __restrict youth_by_age,
                         const float* __restrict exit_by_age, float* __restrict revenues,
                         std::uint8_t* __restrict exit_codes) {
  for (std::size_t row = 0; row < rows; ++row) {
    const sim::PhiloxBlock words = stream.block(ids[row]);
    const std::int32_t alive = alive_flags[row];
    const float before = revenues[row];
    const std::uint32_t age = ages[row];
    const std::uint32_t age_index = age < c.max_age_index ? age : c.max_age_index;
    // Volatility falls with size, drift is raised by youth at small size and by knowledge.
    const float volatility_raw =
        c.growth_sd *
        sim::fastmath::exp(-c.sd_exponent * (sim::fastmath::log(before) - c.log_sd_reference));
    const float volatility_low =
        volatility_raw > c.growth_sd_min ? volatility_raw : c.growth_sd_min;
    const float volatility = volatility_low < c.growth_sd_max ? volatility_low : c.growth_sd_max;
    const float youth = youth_by_age[age_index] * c.young_size / (c.young_size + before);
    const float knowledge_ratio = knowledge[row] / before;
    const float drift =
        c.growth_drift + youth + c.growth_knowledge * knowledge_ratio / (1.0f + knowledge_ratio);
    const float shock = sim::laplace(words[0], 0.0f, c.laplace_scale);
    const float grown_raw =
        before * sim::fastmath::exp(drift * c.dt + volatility * c.sqrt_dt * shock);
    const float grown = grown_raw > c.min_revenue ? grown_raw : c.min_revenue;
    const float revenue = alive != 0 ? grown : before;
    // Exit: a hazard falling with age and size, plus distress for debt above the leverage.
    const float size_raw = sim::fastmath::exp(-c.exit_size_exponent *
                                              (sim::fastmath::log(revenue) - c.log_exit_reference));
    const float size_factor = size_raw < 3.0f ? size_raw : 3.0f;
    const float market = exit_by_age[age_index] * size_factor;
    const float leverage_excess = debts[row] / revenue - c.distress_leverage;
    const float distress = c.distress_rate * (leverage_excess > 0.0f ? leverage_excess : 0.0f);
    const float hazard = market + distress;
    const float exit_probability = 1.0f - sim::fastmath::exp(-hazard * c.dt);
    const std::int32_t exits = alive & (sim::bernoulli(words[1], exit_probability) ? 1 : 0);
    // The cause is the part of the hazard the exit is attributed to, in proportion.
    const std::int32_t cause = sim::u01_closed_open(words[2]) * hazard < market ? 1 : 2;
    revenues[row] = revenue;
    exit_codes[row] = static_cast<std::uint8_t>(exits * cause);
  }
}

}  // namespace

StepTotals CityModel::advance_rows(World& world, std::size_t begin, std::size_t end,
                                   const StepCalendar& when, std::uint64_t seed,
                                   std::uint32_t replication,
                                   std::vector<Application>& applications) const {
  const CityParams& p = params_;
  const FirmView f(world.firms);
  const auto step = static_cast<std::uint32_t>(when.step);
  const sim::StreamKey step_stream(seed, PURPOSE_STEP, replication, step);
  const sim::StreamKey ip_stream(seed, PURPOSE_IP, replication, step);
  const sim::StreamKey order_stream(seed, PURPOSE_ORDER, replication, step);

  const float dt = static_cast<float>(time_.step_months) / 12.0f;
  GrowthConstants c{};
  c.dt = dt;
  c.sqrt_dt = std::sqrt(dt);
  c.min_revenue = static_cast<float>(p.min_revenue);
  c.laplace_scale = 1.0f / std::sqrt(2.0f);  // unit variance
  c.growth_sd = static_cast<float>(p.growth_sd);
  c.growth_sd_min = static_cast<float>(p.growth_sd_min);
  c.growth_sd_max = static_cast<float>(p.growth_sd_max);
  c.sd_exponent = static_cast<float>(p.growth_sd_size_exponent);
  c.log_sd_reference = std::log(static_cast<float>(p.growth_sd_size_reference));
  c.young_size = static_cast<float>(p.growth_young_size);
  c.growth_drift = static_cast<float>(p.growth_drift);
  c.growth_knowledge = static_cast<float>(p.growth_knowledge);
  c.exit_size_exponent = static_cast<float>(p.exit_size_exponent);
  c.log_exit_reference = std::log(static_cast<float>(p.exit_size_reference));
  c.distress_rate = static_cast<float>(p.distress_hazard);
  c.distress_leverage = static_cast<float>(p.distress_leverage);
  c.max_age_index = static_cast<std::uint32_t>(MAX_TABLE_AGE_MONTHS);
  std::vector<std::uint8_t> exit_codes(end - begin);
  grow_and_draw_exits(c, step_stream, end - begin, f.id + begin, f.alive + begin,
                      f.age_months + begin, f.knowledge + begin, f.debt + begin,
                      youth_by_age_.data(), exit_by_age_.data(), f.revenue + begin,
                      exit_codes.data());

  // Pass 2: employees, R&D, knowledge, IP, cash, IPO pipeline, then the exit drawn in pass 1.
  const float revenue_per_employee = static_cast<float>(p.revenue_per_employee);
  const float adjustment =
      1.0f - std::exp(-dt / static_cast<float>(std::max(1e-6, p.employee_adjustment_years)));
  const float knowledge_keep = std::exp(-static_cast<float>(p.knowledge_depreciation) * dt);
  const double class1_rate = dt / p.class1_ip_knowledge;
  const double class2_rate = dt / p.class2_ip_knowledge;
  const bool ipo_wanted = (wanted_triggers_ & ((1u << static_cast<int>(Trigger::IPO_COUNSELLING)) |
                                               (1u << static_cast<int>(Trigger::IPO_ACCEPTED)) |
                                               (1u << static_cast<int>(Trigger::IPO_LISTED)))) != 0;
  // The super-deduction rate by (tech SME, manufacturing) for this year.
  double deduction_by_kind[2][2];
  for (int tech_sme = 0; tech_sme < 2; ++tech_sme) {
    deduction_by_kind[tech_sme][0] = deduction_rate(when.year, tech_sme != 0, OTHER_SECTOR);
    deduction_by_kind[tech_sme][1] =
        deduction_rate(when.year, tech_sme != 0, EQUIPMENT_MANUFACTURING);
  }

  StepTotals totals;
  for (std::size_t row = begin; row < end; ++row) {
    if (f.alive[row] == 0) continue;
    const float revenue = f.revenue[row];
    f.employees[row] = std::max(
        1.0f, f.employees[row] + adjustment * (revenue / revenue_per_employee - f.employees[row]));

    // R&D spending of the step, knowledge and IP
    const float sales = revenue * dt;
    const float rd_real = f.rd_real[row] * sales;
    const float rd_reported = f.rd_reported[row] * sales;
    f.knowledge[row] = f.knowledge[row] * knowledge_keep + rd_real;
    f.revenue_ytd[row] += sales;
    f.rd_real_ytd[row] += rd_real;
    f.rd_reported_ytd[row] += rd_reported;
    totals.rd_real += rd_real;
    totals.rd_reported += rd_reported;
    const IpArrivals ip = ip_arrivals(ip_stream, f.id[row], f.knowledge[row] * class1_rate,
                                      f.knowledge[row] * class2_rate);
    if (ip.class1 + ip.class2 > 0) {
      f.ip_class1[row] =
          static_cast<std::uint16_t>(std::min<std::int64_t>(65535, f.ip_class1[row] + ip.class1));
      f.ip_class2[row] =
          static_cast<std::uint16_t>(std::min<std::int64_t>(65535, f.ip_class2[row] + ip.class2));
      totals.ip_class1_new += ip.class1;
      totals.ip_class2_new += ip.class2;
    }

    // cash: operating profit less real R&D and interest; tax on it after the super-deduction
    // of reported R&D, at 15% for certified high-tech firms. Shortfalls are borrowed; cash above
    // the buffer repays debt.
    const bool high_tech = f.high_tech_until[row] > when.step;
    const bool tech_sme = f.tech_sme_until[row] > when.step;
    const double tax_rate = high_tech ? p.high_tech_tax_rate : p.corporate_tax_rate;
    const double deduction =
        deduction_by_kind[tech_sme ? 1 : 0][is_manufacturing(f.sector[row]) ? 1 : 0];
    const double profit = p.operating_margin * sales - rd_real - p.interest_rate * f.debt[row] * dt;
    const double taxable = profit - deduction * rd_reported;
    const double tax = tax_rate * std::max(0.0, taxable);
    totals.tax_forgone_deduction += tax_rate * (std::max(0.0, profit) - std::max(0.0, taxable));
    totals.tax_forgone_rate += (p.corporate_tax_rate - tax_rate) * std::max(0.0, taxable);
    float cash = f.cash[row] + static_cast<float>(profit - tax);
    float debt = f.debt[row];
    const float buffer = revenue * static_cast<float>(p.cash_buffer_months / 12.0);
    if (cash < 0.0f) {
      debt -= cash;
      cash = 0.0f;
    } else if (debt > 0.0f && cash > buffer) {
      const float repaid = std::min(debt, cash - buffer);
      debt -= repaid;
      cash -= repaid;
    }
    f.cash[row] = cash;
    f.debt[row] = debt;

    // IPO pipeline: counselling, accepted, listed (one stage per step at most)
    const std::uint8_t stage = f.ipo_stage[row];
    if (stage < 3) {
      const double rate =
          stage == 0   ? (high_tech && revenue >= p.ipo_min_revenue ? p.ipo_counselling_rate : 0.0)
          : stage == 1 ? p.ipo_acceptance_rate
                       : p.ipo_listing_rate;
      if (rate > 0.0 && sim::bernoulli(ip_stream.block(f.id[row], 0)[2],
                                       static_cast<float>(1.0 - std::exp(-rate * dt)))) {
        f.ipo_stage[row] = static_cast<std::uint8_t>(stage + 1);
        if (stage + 1 == 3) f.flags[row] |= FLAG_LISTED;
        if (ipo_wanted) {
          const auto trigger =
              static_cast<Trigger>(static_cast<int>(Trigger::IPO_COUNSELLING) + stage);
          applications.push_back(
              {static_cast<std::uint32_t>(row), f.id[row], trigger, -1,
               order_stream.block(f.id[row], static_cast<std::uint32_t>(trigger))[0], 0.0});
        }
      }
    }

    // exit, as drawn in pass 1
    if (exit_codes[row - begin] != 0) {
      f.alive[row] = 0;
      if (exit_codes[row - begin] == 1) {
        ++totals.exits_market;
      } else {
        ++totals.exits_distress;
      }
      continue;
    }
    f.age_months[row] =
        static_cast<std::uint16_t>(std::min(65535, f.age_months[row] + time_.step_months));
  }
  return totals;
}

}  // namespace innosim::models::city
