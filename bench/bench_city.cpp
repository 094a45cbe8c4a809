// City-model throughput in firm-steps per second (firms alive at the start of a step, summed
// over steps) for a 50,000-firm city (initial registers of a large Henan city, 4,000 new
// technology firms a year) over 120 monthly steps with four instruments paying. A replication
// first builds its starting firms with the burn-in (burn_in_years of ordinary steps of a city
// burn_in_pool_factor times larger): firm_steps_per_s counts the firm-steps of the burn-in and
// of the run together (CityModel::work()), run_firm_steps_per_s those of the run alone, and
// burn_in_share the burn-in's part of the work:
//   CityReplication/threads:T  one replication; the firm pass is split into chunks over T threads
//   CityEnsemble/threads:T     2T replications as parallel tasks on T threads
// Results and the command are recorded in docs/performance.md.
#include <benchmark/benchmark.h>

#include <algorithm>

#include "bench_support.hpp"
#include "models/city/city_model.hpp"
#include "sim/run/runner.hpp"

namespace innosim {
namespace {

using namespace models::city;

constexpr int STEPS = 120;

std::vector<Instrument> instruments() {
  Instrument reward = instrument_defaults();
  reward.name = "high_tech_reward";
  reward.trigger = Trigger::HIGH_TECH_CERTIFIED;
  reward.fixed = sim::Money(10);
  reward.budget_per_year = sim::Money(2000);
  Instrument subsidy = instrument_defaults();
  subsidy.name = "rd_subsidy";
  subsidy.trigger = Trigger::ANNUAL_RD;
  subsidy.who.tier_mask = (1u << HIGH_TECH) | (1u << GAZELLE) | (1u << LEADER);
  subsidy.share = 0.05;
  subsidy.cap = sim::Money(1000);
  subsidy.budget_per_year = sim::Money(20000);
  subsidy.effect = Effect::RD;
  Instrument vouchers = instrument_defaults();
  vouchers.name = "vouchers";
  vouchers.trigger = Trigger::INNOVATION_VOUCHER;
  vouchers.events_per_year = 2000;
  vouchers.base_median = sim::Money(20);
  vouchers.share = 0.5;
  vouchers.cap = sim::Money(20);
  Instrument ipo = instrument_defaults();
  ipo.name = "ipo_listed";
  ipo.trigger = Trigger::IPO_LISTED;
  ipo.fixed = sim::Money(200);
  return {reward, subsidy, vouchers, ipo};
}

/// The institutions' instruments of the example city's kind: upgrade awards, the loss pool, an
/// interest subsidy, the guidance fund's capital, the investors' risk subsidy and a technology
/// transfer subsidy.
std::vector<Instrument> institution_instruments() {
  std::vector<Instrument> all = instruments();
  const auto add = [&](const char* name, Trigger trigger, double fixed, double share, double cap,
                       double budget) {
    Instrument instrument = instrument_defaults();
    instrument.name = name;
    instrument.trigger = trigger;
    instrument.fixed = sim::Money(fixed);
    instrument.share = share;
    if (cap > 0.0) instrument.cap = sim::Money(cap);
    instrument.budget_per_year = sim::Money(budget);
    all.push_back(instrument);
  };
  add("incubator_upgrade_award", Trigger::INCUBATOR_UPGRADED, 200, 0, 0, 4000);
  add("loan_loss_pool", Trigger::LOAN_LOSS, 0, 0.8, 500, 10000);
  add("loan_interest_subsidy", Trigger::LOAN_INTEREST, 0, 0.5, 0, 3000);
  add("guidance_fund_capital", Trigger::GUIDANCE_FUND_CAPITAL, 0, 1.0, 0, 20000);
  add("investor_risk_subsidy", Trigger::INVESTMENT_LOSS, 0, 0.3, 500, 3000);
  add("tech_transfer", Trigger::TECH_TRANSFER, 0, 0.02, 50, 3000);
  return all;
}

/// With `institutions`, every mechanism of docs/model.md §3.8 at the scale of a large city;
/// without, none (no knowledge sources, no supply links).
CityModel large_city(bool institutions = false) {
  CityParams params = CityParams::defaults();
  params.initial_candidates = 40000;
  params.initial_tech_sme = 7000;
  params.initial_high_tech = 3000;
  params.registrations_per_year = 4000 / params.tech_firm_share;
  if (institutions) {
    params.incubators_city = 40;
    params.incubators_provincial = 60;
    params.incubators_national = 20;
    params.incubators_opened_per_year = 10;
    params.banks = 6;
    params.guarantors = 2;
    params.equity_private_funds = 12;
    params.equity_guidance_commitment = 20000;
    params.knowledge_universities = 20;
    params.knowledge_key_labs_provincial = 40;
    params.knowledge_platforms_provincial = 400;
  } else {
    params.knowledge_universities = 0;
    params.knowledge_key_labs_provincial = 0;
    params.knowledge_key_labs_national = 0;
    params.knowledge_platforms_provincial = 0;
    params.knowledge_platforms_national = 0;
    params.knowledge_rd_institutions = 0;
    params.new_enterprise_labs_per_year = 0;
    params.new_national_key_labs_per_year = 0;
    params.new_platforms_per_year = 0;
    params.new_rd_institutions_per_year = 0;
    params.supply_links_per_leader = 0;
    params.supply_links_per_gazelle = 0;
  }
  sim::TimeAxis time;
  time.steps = STEPS;
  return CityModel(params, institutions ? institution_instruments() : instruments(), time);
}

/// Firm-steps of the run as the metrics show them: firms alive at points 0 to STEPS - 1.
double run_firm_steps(const sim::Ensemble& ensemble) {
  double total = 0.0;
  for (std::size_t r = 0; r < ensemble.replications; ++r) {
    for (std::size_t point = 0; point < static_cast<std::size_t>(STEPS); ++point)
      total += ensemble.at(FIRMS_ALIVE, r, point);
  }
  return total;
}

void run_and_count(benchmark::State& state, std::uint32_t replications, int threads,
                   bool institutions = false) {
  const CityModel model = large_city(institutions);
  CityModel::Work counted;  // model.work() after the previous ensemble
  double run_steps = 0.0, burn_in_steps = 0.0;
  // Every firm-step of an ensemble, burn-in included, from the model's work counter; its run
  // part must be what the FIRMS_ALIVE series shows.
  const auto firm_steps = [&](const sim::Ensemble& ensemble) {
    const CityModel::Work now = model.work();
    const auto run = static_cast<double>(now.run_firm_steps - counted.run_firm_steps);
    const auto burn_in = static_cast<double>(now.burn_in_firm_steps - counted.burn_in_firm_steps);
    counted = now;
    if (run != run_firm_steps(ensemble))
      state.SkipWithError("the work counter disagrees with the firms_alive series");
    run_steps += run;
    burn_in_steps += burn_in;
    return run + burn_in;
  };
  bench::run_and_count(state, model, replications, threads, firm_steps, Firms::BYTES_PER_ROW);
  state.counters["run_firm_steps_per_s"] =
      benchmark::Counter(run_steps, benchmark::Counter::kIsRate);
  state.counters["burn_in_share"] =
      run_steps + burn_in_steps > 0.0 ? burn_in_steps / (run_steps + burn_in_steps) : 0.0;
}

void CityReplication(benchmark::State& state) {
  run_and_count(state, 1, static_cast<int>(state.range(0)));
}
BENCHMARK(CityReplication)
    ->ArgName("threads")
    ->Arg(1)
    ->Arg(2)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

// The same city with every institution of docs/model.md §3.8 (the budget: a step
// costs at most 1.5 times the city without them); graph_bytes_per_firm: the graph's heap at the
// end of a replication per alive firm, to add to state_bytes_per_firm.
void CityInstitutions(benchmark::State& state) {
  run_and_count(state, 1, static_cast<int>(state.range(0)), true);
  // Memory of the graph (not timed): its heap at each run step per alive firm, the largest.
  const CityModel model = large_city(true);
  sim::ReplicationContext context;
  context.seed = 1;
  sim::SeriesBuffer out(model.metrics().size(),
                        static_cast<std::size_t>(model.time_axis().points()));
  double most = 0.0, edges = 0.0;
  model.run_observed(context, out, [&](const World& world, const StepCalendar&) {
    std::size_t alive = 0;
    const ConstFirmView f(world.firms);
    for (std::size_t row = 0; row < world.firms.size(); ++row) alive += f.alive[row];
    const double bytes = static_cast<double>(world.network.heap_bytes()) /
                         static_cast<double>(std::max<std::size_t>(alive, 1));
    if (bytes > most) {
      most = bytes;
      edges = static_cast<double>(boost::num_edges(world.network.graph())) /
              static_cast<double>(std::max<std::size_t>(alive, 1));
    }
  });
  state.counters["graph_bytes_per_firm"] = most;
  state.counters["edges_per_firm"] = edges;
}
BENCHMARK(CityInstitutions)
    ->ArgName("threads")
    ->Arg(1)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

void CityEnsemble(benchmark::State& state) {
  const int threads = static_cast<int>(state.range(0));
  run_and_count(state, static_cast<std::uint32_t>(2 * threads), threads);
}
BENCHMARK(CityEnsemble)
    ->ArgName("threads")
    ->Arg(1)
    ->Arg(2)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

}  // namespace
}  // namespace innosim
