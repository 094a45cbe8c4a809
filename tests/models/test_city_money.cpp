// Money, exactly, and what the network outputs show (docs/model.md §3.8.8): the books balance at
// every step of random scenarios, /flows carries every yuan the book moved and the programmes'
// row equals the instruments' spending; a zero-budget instrument changes nothing; results with
// the network do not depend on the thread count. The scenarios start from the example city, so
// every mechanism it switches on (and every institution module merged later) takes part.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <variant>
#include <vector>

#include "city_fixtures.hpp"

namespace innosim::models::city {
namespace {

using testing::city_model;
using testing::metric_index;

/// The example city (its text, plus `extra` tables), run for `steps` steps.
io::Scenario example_city(const std::string& extra = "", int steps = 24) {
  std::ifstream file(INNOSIM_SOURCE_DIR "/scenarios/examples/city.toml");
  const std::string text{std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>()};
  io::Scenario scenario =
      io::parse_scenario(text + extra, INNOSIM_SOURCE_DIR "/scenarios/examples/city.toml");
  scenario.time.steps = steps;
  return scenario;
}

/// The example city with every instrument's budget and amounts scaled by random factors in
/// [0, 2] (a budget may come out near zero, so budgets run out at random moments).
io::Scenario random_city(std::uint32_t seed) {
  io::Scenario scenario = example_city();
  std::mt19937_64 random(seed);
  std::uniform_real_distribution<double> factor(0.0, 2.0);
  for (const auto& [key, value] : scenario.values.values()) {
    if (key.rfind("instruments.", 0) != 0 || !std::holds_alternative<double>(value)) continue;
    for (const char* field : {".budget_per_year", ".fixed", ".cap", ".share"}) {
      const std::string suffix(field);
      if (key.size() > suffix.size() &&
          key.compare(key.size() - suffix.size(), suffix.size(), suffix) == 0) {
        const double scaled = std::get<double>(value) * factor(random);
        scenario.values.set(key, suffix == ".share" ? std::min(scaled, 1.0) : scaled);
      }
    }
  }
  return scenario;
}

TEST(CityMoney, BooksBalanceAndFlowsCarryEveryYuanOnRandomScenarios) {
  // 12 random scenarios (seeds 0-11, one replication of 24 steps each). At every step: the
  // book's audit is empty (each account's opening + received - paid = balance, the balances sum
  // to zero); the step's /flows sum to what the book's accounts received in the step; the
  // programmes' row sums to the instruments' spending (万元 x 10^4, the yuan each payment was
  // rounded to). Fails if a transfer bypassed the book, a flow were counted twice or not taken
  // once per step, or an instrument paid a firm without a transfer.
  double total_public = 0.0;
  for (std::uint32_t seed = 0; seed < 12; ++seed) {
    const io::Scenario scenario = random_city(seed);
    const auto model = city_model(scenario);
    const std::size_t base = flow_metric_base(instruments_from(scenario.values).size());
    std::vector<std::size_t> spending;
    for (const Instrument& instrument : instruments_from(scenario.values))
      spending.push_back(metric_index(*model, "spending_" + instrument.name));
    sim::ReplicationContext context;
    context.seed = 100 + seed;
    context.replication = seed;
    sim::SeriesBuffer out(model->metrics().size(),
                          static_cast<std::size_t>(model->time_axis().points()));
    sim::Yuan received_before = -1;
    int steps = 0;
    model->run_observed(context, out, [&](const World& world, const StepCalendar& when) {
      ++steps;
      const std::vector<std::string> problems = world.book.audit();
      EXPECT_TRUE(problems.empty()) << "seed " << seed << " step " << when.step << ": "
                                    << (problems.empty() ? "" : problems.front());
      sim::Yuan received = 0;
      for (sim::AccountBook::AccountId a = 0; a < world.book.size(); ++a)
        received += world.book.received(a);
      const auto point = static_cast<std::size_t>(when.step + 1);
      double flows = 0.0;
      for (std::size_t k = 0; k < ACCOUNT_KIND_COUNT * RECIPIENT_CLASS_COUNT; ++k)
        flows += out.at(base + k, point);
      // The first step's flows are compared from the second on: the book's totals before the
      // first run step include the burn-in's (taken and dropped at the start).
      if (received_before >= 0) {
        EXPECT_EQ(flows, static_cast<double>(received - received_before))
            << "seed " << seed << " step " << when.step;
      }
      received_before = received;
      double programme = 0.0;
      for (std::size_t r = 0; r < RECIPIENT_CLASS_COUNT; ++r)
        programme += out.at(base + PROGRAMME_ACCOUNT * RECIPIENT_CLASS_COUNT + r, point);
      double spent = 0.0;
      for (const std::size_t metric : spending) spent += out.at(metric, point) * 1e4;
      EXPECT_NEAR(programme, spent, 1e-6 * spent + 1e-3)
          << "seed " << seed << " step " << when.step;
      total_public += programme;
    });
    EXPECT_EQ(steps, 24);
  }
  std::printf("public yuan paid over the 12 scenarios: %.0f\n", total_public);
  EXPECT_GT(total_public, 0.0);  // the scenarios did pay (else the comparisons were vacuous)
}

TEST(CityMoney, AZeroBudgetInstrumentIsBitIdenticalToNone) {
  // For each trigger of a mechanism the model raises, the example city with one more instrument
  // of budget 0 and the city without it: every fixed metric, every shared instrument's spending
  // and every flow are bit-identical (2 replications, 24 steps, common random numbers). Fails if
  // a claim on an empty budget drew random numbers, moved a firm's expectations or a yuan, or if
  // the extra programme vertex shifted an agent's draws.
  const io::Scenario base_scenario = example_city();
  const auto base_model = city_model(base_scenario);
  const sim::Ensemble base = testing::run(*base_model, 2, 0, 5);
  for (const char* trigger : {"high_tech_certified", "tech_sme_admitted", "gazelle_selected",
                              "ipo_listed", "talent_team_entry"}) {
    const io::Scenario scenario =
        example_city(std::string("\n[instruments.zero_budget]\ntrigger = \"") + trigger +
                     "\"\nfixed = 50.0\nbudget_per_year = 0.0\n"
                     "effect = \"liquidity\"\n");
    const auto model = city_model(scenario);
    const sim::Ensemble with = testing::run(*model, 2, 0, 5);
    for (std::size_t m = 0; m < base.metrics.size(); ++m) {
      const std::string& name = base.metrics[m].name;
      if (name.rfind("claims_", 0) == 0) continue;  // claims are counted whatever the budget
      const std::size_t w = metric_index(*model, name);
      for (std::uint32_t r = 0; r < 2; ++r) {
        for (std::size_t p = 0; p < base.points(); ++p) {
          ASSERT_EQ(base.at(m, r, p), with.at(w, r, p))
              << trigger << ": " << name << " replication " << r << " point " << p;
        }
      }
    }
  }
}

TEST(CityMoney, ResultsWithTheNetworkDoNotDependOnThreads) {
  // The example city (24 steps, 3 replications) with 1 and 2 threads: every metric, flows and
  // network shape included, is bit-identical. Fails if a flow or a graph measure depended on the
  // order replications or chunks finished in.
  const io::Scenario scenario = example_city();
  const auto model = city_model(scenario);
  const sim::Ensemble one = testing::run(*model, 3, 1, 9);
  const sim::Ensemble two = testing::run(*model, 3, 2, 9);
  ASSERT_EQ(one.metrics.size(), two.metrics.size());
  for (std::size_t m = 0; m < one.metrics.size(); ++m)
    EXPECT_EQ(one.values[m], two.values[m]) << one.metrics[m].name;
  ASSERT_EQ(one.blocks.size(), 1u);
  EXPECT_EQ(one.blocks[0].name, "flows");
}

TEST(CityMoney, LeverageAndNetworkShapeAreRecorded) {
  // Without private investors, private money per public yuan
  // is 0 at every point (0/0 before the first payment: documented as 0); the network measures
  // are carried between year ends (equal within a year) and never negative. Fails if the ratio
  // counted programme money as private, or the shape changed between year ends.
  io::Scenario scenario = example_city();
  // No private money: no private funds, no guarantee agency (capitalised privately).
  scenario.values.set("city.equity_private_funds", std::int64_t{0});
  scenario.values.set("city.guarantors", std::int64_t{0});
  const auto model = city_model(scenario);
  const sim::Ensemble e = testing::run(*model, 1, 0, 3);
  // With the example's private funds the ratio is positive once money has flowed.
  const io::Scenario with_funds = example_city();
  const sim::Ensemble funded = testing::run(*city_model(with_funds), 1, 0, 3);
  EXPECT_GT(funded.at(PRIVATE_PER_PUBLIC, 0, funded.points() - 1), 0.0);
  for (std::size_t p = 0; p < e.points(); ++p) {
    EXPECT_EQ(e.at(PRIVATE_PER_PUBLIC, 0, p), 0.0);
    EXPECT_GE(e.at(NETWORK_COMPONENTS, 0, p), 0.0);
    EXPECT_GE(e.at(NETWORK_LARGEST_COMPONENT, 0, p), 0.0);
    if (p % 12 != 0) {
      EXPECT_EQ(e.at(NETWORK_COMPONENTS, 0, p), e.at(NETWORK_COMPONENTS, 0, p - 1));
      EXPECT_EQ(e.at(NETWORK_MAX_INSTITUTION_DEGREE, 0, p),
                e.at(NETWORK_MAX_INSTITUTION_DEGREE, 0, p - 1));
    }
  }
}

}  // namespace
}  // namespace innosim::models::city

namespace innosim::models::city {
namespace {

TEST(CityMoney, AnInstitutionsInstrumentMovesNothingBeforeItsMoneyOrItsPromiseArrives) {
  // Common random numbers across scenarios: each institution instrument of the example city
  // (upgrade awards to incubators, transfer subsidies to knowledge sources, the investors' risk
  // subsidy, the banks' loss pool) at its budget against a zero budget. Every metric (every
  // mechanism's: incubation, loans, equity, knowledge, spillovers, the firms) is bit-identical
  // until the instrument first pays or, for the pool and the risk subsidy, until the first round
  // that expects it (banks lend in December, point 12, on the cover they expect; funds screen in
  // July, point 7, on the write-off cover they expect). Fails if switching an
  // instrument on moved the draws of mechanisms it does not touch (a new programme vertex, an
  // account or a claim shifting another agent's stream), and, through the last check, if the
  // lever moved nothing at all.
  struct Case {
    const char* instrument;
    std::size_t earliest_effect;  ///< 0: its first payment
  };
  for (const Case& c : {Case{"incubator_upgrade_award", 0}, Case{"tech_transfer", 0},
                        Case{"investor_risk_subsidy", 7}, Case{"loan_loss_pool", 12}}) {
    const io::Scenario on = example_city("", 36);
    io::Scenario off = on;
    off.values.set(std::string("instruments.") + c.instrument + ".budget_per_year", 0.0);
    const auto model_on = city_model(on);
    const auto model_off = city_model(off);
    const sim::Ensemble a = testing::run(*model_on, 2, 1, 21);
    const sim::Ensemble b = testing::run(*model_off, 2, 1, 21);
    const std::size_t spending = metric_index(*model_on, std::string("spending_") + c.instrument);
    for (std::size_t r = 0; r < 2; ++r) {
      std::size_t first_pay = a.points();
      for (std::size_t p = 0; p < a.points(); ++p) {
        if (a.at(spending, r, p) > 0.0) {
          first_pay = p;
          break;
        }
      }
      const std::size_t allowed = c.earliest_effect > 0 ? c.earliest_effect : first_pay;
      std::size_t first_difference = a.points();
      for (std::size_t p = 0; p < a.points() && first_difference == a.points(); ++p) {
        for (std::size_t m = 0; m < FIXED_METRIC_COUNT; ++m) {
          // The pool's balance is its budget left, the instrument itself.
          if (m == LOAN_POOL_BALANCE) continue;
          if (a.at(m, r, p) != b.at(m, r, p)) {
            first_difference = p;
            break;
          }
        }
      }
      EXPECT_GE(first_difference, allowed) << c.instrument << " replication " << r;
      EXPECT_LT(first_difference, a.points()) << c.instrument << " moved nothing";
    }
  }
}

}  // namespace
}  // namespace innosim::models::city
