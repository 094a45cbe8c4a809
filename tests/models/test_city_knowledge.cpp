// Knowledge sources and spillovers (docs/model.md §3.8.6-3.8.7): technology contracts need
// transfer capacity, the turnover metric is the sum of the contract edges, a zero subsidy budget
// changes nothing, a larger transfer subsidy raises turnover, and the leaders' spillover decays
// with supply distance and raises suppliers' growth. Response tests run on common random numbers:
// the arms share the seed and replication ids and differ only in the lever.
#include <gtest/gtest.h>

#include <cmath>
#include <set>
#include <string>
#include <vector>

#include "city_fixtures.hpp"
#include "models/city/modules/knowledge_rules.hpp"

namespace innosim::models::city {
namespace {

using testing::city_model;
using testing::city_scenario;
using testing::metric_index;
using testing::SMALL_CITY;

/// A small city with a few sources of each kind.
std::string knowledge_city(const std::string& extra = "") {
  return std::string(SMALL_CITY) +
         "knowledge_universities = 2\nknowledge_key_labs_provincial = 5\n"
         "knowledge_platforms_provincial = 20\n" +
         extra;
}

sim::SeriesBuffer run_one(const CityModel& model, std::uint32_t replication,
                          const CityModel::StepObserver& observe = {}) {
  sim::ReplicationContext context;
  context.seed = 5;
  context.replication = replication;
  sim::SeriesBuffer series(model.metrics().size(),
                           static_cast<std::size_t>(model.time_axis().points()));
  if (observe) {
    model.run_observed(context, series, observe);
  } else {
    model.run_observed(context, series, [](const World&, const StepCalendar&) {});
  }
  return series;
}

double sum_of(sim::SeriesBuffer& series, std::size_t metric, std::size_t points) {
  double total = 0.0;
  for (std::size_t point = 0; point < points; ++point) total += series.at(metric, point);
  return total;
}

// With every source's transfer capacity at 0 no contract is sold, in any year; with the default
// capacities the same city sells some. Fails if contracts were drawn without capacity, or if the
// round never ran (then the second half fails).
TEST(CityKnowledge, ZeroTransferCapacityMeansNoContracts) {
  const auto none = city_model(city_scenario(
      knowledge_city("contracts_per_university = 0.0\ncontracts_per_key_lab = 0.0\n"
                     "contracts_per_rd_institution = 0.0\ncontracts_per_platform = 0.0\n"),
      36));
  const auto some = city_model(city_scenario(knowledge_city(), 36));
  const std::size_t points = static_cast<std::size_t>(none->time_axis().points());
  sim::SeriesBuffer a = run_one(*none, 0);
  sim::SeriesBuffer b = run_one(*some, 0);
  EXPECT_EQ(sum_of(a, metric_index(*none, "tech_contracts"), points), 0.0);
  EXPECT_EQ(sum_of(a, metric_index(*none, "tech_contract_turnover_modelled"), points), 0.0);
  EXPECT_GT(sum_of(b, metric_index(*some, "tech_contracts"), points), 0.0);
}

// In each January (the round's step) the modelled turnover equals the sum of the values of the
// TECH_CONTRACT edges signed that month, and the turnover metric of that point equals it in
// 亿元. Exits are switched off so no buyer's edge is removed. Fails if a contract's money and its
// edge disagreed (value drawn twice, an edge not added, a contract counted twice).
TEST(CityKnowledge, TurnoverIsTheSumOfContractEdges) {
  const auto model = city_model(city_scenario(
      knowledge_city("exit_hazard_birth = 0.0\nexit_hazard_peak = 0.0\nexit_hazard_old = 0.0\n"
                     "distress_hazard = 0.0\n"),
      36));
  int januaries = 0;
  double turnover = 0.0;
  sim::SeriesBuffer series = run_one(*model, 1, [&](const World& world, const StepCalendar& when) {
    if (!when.starts_year()) return;
    const std::int32_t month = month_index(when.year, 1);
    const auto& graph = world.network.graph();
    double edges = 0.0;
    std::size_t count = 0;
    for (const auto edge : boost::make_iterator_range(boost::edges(graph))) {
      const EdgeProperties& e = graph[edge];
      if (e.type != EdgeType::TECH_CONTRACT || e.start_month != month) continue;
      edges += e.amount;
      ++count;
    }
    EXPECT_GT(count, 0u);
    EXPECT_EQ(static_cast<double>(count), world.knowledge.contracts_year);
    EXPECT_NEAR(edges, world.knowledge.turnover_year, 1e-5 * world.knowledge.turnover_year);
    turnover = world.knowledge.turnover_year;
    ++januaries;
  });
  EXPECT_EQ(januaries, 3);
  // The last January is step 24; its point is 25.
  EXPECT_NEAR(series.at(metric_index(*model, "tech_contract_turnover_modelled"), 25),
              turnover / 1.0e4, 1e-12);
}

std::string transfer_subsidy(double share, double cap, double budget) {
  return "[instruments.transfer]\ntrigger = \"tech_transfer\"\nshare = " + std::to_string(share) +
         "\ncap = " + std::to_string(cap) + "\nbudget_per_year = " + std::to_string(budget) +
         "\neffect = \"liquidity\"\n";
}

// A transfer subsidy with a zero budget leaves every fixed metric of every point bit-identical
// to the run without it. Fails if claiming consumed another agent's draws or a zero payment had
// an effect.
TEST(CityKnowledge, ZeroSubsidyBudgetIsBitIdenticalToNone) {
  const auto without = city_model(city_scenario(knowledge_city(), 30));
  const auto zero =
      city_model(city_scenario(knowledge_city(transfer_subsidy(0.02, 50.0, 0.0)), 30));
  const std::size_t points = static_cast<std::size_t>(without->time_axis().points());
  for (std::uint32_t r = 0; r < 2; ++r) {
    sim::SeriesBuffer a = run_one(*without, r);
    sim::SeriesBuffer b = run_one(*zero, r);
    for (std::size_t metric = 0; metric < FIXED_METRIC_COUNT; ++metric)
      for (std::size_t point = 0; point < points; ++point)
        ASSERT_EQ(a.at(metric, point), b.at(metric, point))
            << without->metrics()[metric].name << " at " << point;
  }
}

// 郑州 clause 十四's 2% (cap 50万) against 20% (cap 500万) of last year's turnover, on common
// random numbers, 8 replications of three years: the larger subsidy buys more capacity, so the
// turnover of years 2-3 is larger on average, with a paired t statistic above 3. The subsidy's
// effect is large (about 2.4 against 0.24 extra contracts per lab a year, on ~9.4), so the test
// has power near 1. Fails if the money did not reach the sources' capacity, or the bonus did not
// enter the next round.
TEST(CityKnowledge, LargerTransferSubsidyRaisesTurnover) {
  const auto small =
      city_model(city_scenario(knowledge_city(transfer_subsidy(0.02, 50.0, 1e7)), 36));
  const auto large =
      city_model(city_scenario(knowledge_city(transfer_subsidy(0.2, 500.0, 1e7)), 36));
  const std::size_t points = static_cast<std::size_t>(small->time_axis().points());
  const std::size_t metric = metric_index(*small, "tech_contract_turnover_modelled");
  std::vector<double> differences;
  for (std::uint32_t r = 0; r < 8; ++r) {
    sim::SeriesBuffer a = run_one(*small, r);
    sim::SeriesBuffer b = run_one(*large, r);
    double da = 0.0, db = 0.0;
    for (std::size_t point = 13; point < points; ++point) {
      da += a.at(metric, point);
      db += b.at(metric, point);
    }
    differences.push_back(db - da);
  }
  double mean = 0.0;
  for (const double d : differences) mean += d;
  mean /= static_cast<double>(differences.size());
  double variance = 0.0;
  for (const double d : differences) variance += (d - mean) * (d - mean);
  variance /= static_cast<double>(differences.size() - 1);
  const double t = mean / std::sqrt(variance / static_cast<double>(differences.size()));
  std::printf("turnover difference (亿元 summed over points 13-36): mean %.4f, t %.1f\n", mean, t);
  EXPECT_GT(mean, 0.0);
  EXPECT_GT(t, 3.0);
}

// A small graph with a known answer: leader L supplies A, A supplies B, B supplies C, L supplies
// D; a technology contract L -> E is no supply edge. Distances from L: A 1, B 2, C 3, D 1, E
// unreached; strengths 0.1, 0.05, 0.025 at rate 0.1 and decay 0.5. Fails if the search followed
// other edge types, missed a level, or the strength did not halve per step.
TEST(CityKnowledge, SpilloverDecaysWithSupplyDistance) {
  Firms firms;
  firms.append(6);
  FirmView f(firms);
  for (std::uint32_t row = 0; row < 6; ++row) {
    f.id[row] = row;
    f.alive[row] = 1;
  }
  Network network;
  const auto lab = network.add_institution(VertexKind::KNOWLEDGE_SOURCE, KEY_LAB, 1, 0);
  std::vector<Network::Vertex> v;
  for (std::size_t row = 0; row < 6; ++row) v.push_back(network.firm_vertex(f, row));
  const EdgeProperties supply{EdgeType::SUPPLY, 0, -1, 0.0f};
  network.connect(v[0], v[1], supply);
  network.connect(v[1], v[2], supply);
  network.connect(v[2], v[3], supply);
  network.connect(v[0], v[4], supply);
  network.connect(v[0], v[5], {EdgeType::TECH_CONTRACT, 0, 12, 10.0f});
  network.connect(lab, v[1], {EdgeType::TECH_CONTRACT, 0, 12, 10.0f});
  const std::vector<int> d = supply_distances(network, {v[0]});
  EXPECT_EQ(d[v[0]], 0);
  EXPECT_EQ(d[v[1]], 1);
  EXPECT_EQ(d[v[2]], 2);
  EXPECT_EQ(d[v[3]], 3);
  EXPECT_EQ(d[v[4]], 1);
  EXPECT_EQ(d[v[5]], -1);
  EXPECT_EQ(d[lab], -1);
  EXPECT_DOUBLE_EQ(spillover_strength(0.1, 0.5, d[v[1]]), 0.1);
  EXPECT_DOUBLE_EQ(spillover_strength(0.1, 0.5, d[v[2]]), 0.05);
  EXPECT_DOUBLE_EQ(spillover_strength(0.1, 0.5, d[v[3]]), 0.025);
  EXPECT_EQ(spillover_strength(0.1, 0.5, d[v[5]]), 0.0);
}

// Switching spillovers on (rate 0.2 against 0) raises the revenue of the firms that were
// suppliers at the start, at the end of three years, paired on common random numbers over 8
// replications: the mean difference of their summed revenue is positive with a paired t
// statistic above 2 (with a 0.2 knowledge gain per year per unit of revenue the drift rises by
// about 0.6 points a year for direct suppliers: far above the noise once the shocks are shared).
// Fails if the spillover did not reach suppliers' knowledge or knowledge did not reach growth.
TEST(CityKnowledge, SpilloversRaiseSuppliersGrowth) {
  const auto off =
      city_model(city_scenario(knowledge_city("initial_leaders = 3\nspillover_rate = 0.0\n"), 36));
  const auto on =
      city_model(city_scenario(knowledge_city("initial_leaders = 3\nspillover_rate = 0.2\n"), 36));
  std::vector<double> differences;
  for (std::uint32_t r = 0; r < 8; ++r) {
    std::set<std::uint32_t> suppliers;
    const auto revenue_of_suppliers = [&](const CityModel& model, bool collect) {
      double revenue = 0.0;
      run_one(model, r, [&](const World& world, const StepCalendar& when) {
        const ConstFirmView f(world.firms);
        if (collect && when.step == 0) {
          for (const Relation& relation : world.knowledge.supply)
            suppliers.insert(f.id[world.network.row_of(relation.firm)]);
        }
        if (when.step != 35) return;
        for (std::size_t row = 0; row < world.firms.size(); ++row)
          if (f.alive[row] != 0 && suppliers.count(f.id[row]) != 0) revenue += f.revenue[row];
      });
      return revenue;
    };
    const double revenue_off = revenue_of_suppliers(*off, true);
    const double revenue_on = revenue_of_suppliers(*on, false);
    ASSERT_FALSE(suppliers.empty());
    differences.push_back(std::log(revenue_on) - std::log(revenue_off));
  }
  double mean = 0.0;
  for (const double d : differences) mean += d;
  mean /= static_cast<double>(differences.size());
  double variance = 0.0;
  for (const double d : differences) variance += (d - mean) * (d - mean);
  variance /= static_cast<double>(differences.size() - 1);
  const double t = mean / std::sqrt(variance / static_cast<double>(differences.size()));
  std::printf("suppliers' log revenue, on - off: mean %.4f, t %.1f\n", mean, t);
  EXPECT_GT(mean, 0.0);
  EXPECT_GT(t, 2.0);
}

}  // namespace
}  // namespace innosim::models::city
