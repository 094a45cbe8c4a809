// The city model as a whole: invariants at every step, reproducibility and thread-count
// invariance, instruments and their budgets, the R&D responses the model promises.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>

#include "city_fixtures.hpp"

namespace innosim::models::city {
namespace {

using testing::city_model;
using testing::city_scenario;
using testing::metric_index;

using testing::SMALL_CITY;

TEST(CityModel, TiersSumToAliveAndEntriesMinusExitsIsThePopulationChange) {
  const auto model = city_model(city_scenario(SMALL_CITY, 60));
  const sim::Ensemble ensemble = testing::run(*model, 3);
  for (std::uint32_t replication = 0; replication < 3; ++replication) {
    for (std::size_t point = 0; point < ensemble.points(); ++point) {
      double tiers = 0.0;
      for (std::size_t tier = 0; tier < TIER_COUNT; ++tier)
        tiers += ensemble.at(FIRMS_CANDIDATE + tier, replication, point);
      const double alive = ensemble.at(FIRMS_ALIVE, replication, point);
      ASSERT_EQ(tiers, alive) << "replication " << replication << " point " << point;
      ASSERT_LE(ensemble.at(LABEL_LEADER, replication, point),
                ensemble.at(REGISTER_HIGH_TECH, replication, point) +
                    ensemble.at(LABEL_LEADER, replication, point));
      if (point == 0) continue;
      const double entries = ensemble.at(ENTRIES_REGISTRATION, replication, point) +
                             ensemble.at(ENTRIES_SPINOFF, replication, point) +
                             ensemble.at(ENTRIES_TALENT_TEAM, replication, point);
      const double exits = ensemble.at(EXITS_MARKET, replication, point) +
                           ensemble.at(EXITS_DISTRESS, replication, point);
      ASSERT_EQ(alive - ensemble.at(FIRMS_ALIVE, replication, point - 1), entries - exits)
          << "replication " << replication << " point " << point;
      ASSERT_GE(ensemble.at(RD_REPORTED, replication, point),
                ensemble.at(RD_REAL, replication, point));
    }
  }
  // The run is not trivial: firms enter, exit, get certified and lapse.
  double granted = 0, lapsed = 0, admitted = 0;
  for (std::size_t point = 1; point < ensemble.points(); ++point) {
    granted += ensemble.at(HIGH_TECH_GRANTED, 0, point);
    lapsed += ensemble.at(HIGH_TECH_LAPSED, 0, point);
    admitted += ensemble.at(TECH_SME_ADMITTED, 0, point);
  }
  EXPECT_GT(granted, 0);
  EXPECT_GT(lapsed, 0);
  EXPECT_GT(admitted, 0);
}

TEST(CityModel, ResultsAreIdenticalForAnyThreadCountAndChunking) {
  // 20,000 initial firms: the firm pass splits into two chunks, run in parallel with 2 threads.
  const io::Scenario scenario = city_scenario(
      "[output]\nsnapshot_years = [2022]\nsnapshot_replication = 1\n"
      "[city]\ninitial_candidates = 20000\n"
      "[instruments.reward]\ntrigger = \"high_tech_certified\"\nfixed = 10.0\n"
      "budget_per_year = 200.0\n",
      24);
  const auto model = city_model(scenario);
  ASSERT_GT(20000u, CityModel::CHUNK_ROWS);
  const sim::Ensemble one = testing::run(*model, 2, 1, 11, &scenario);
  const sim::Ensemble two = testing::run(*model, 2, 2, 11, &scenario);
  ASSERT_EQ(one.values, two.values);
  // The firms' snapshot and the network's edge lists (one table per edge type with edges).
  ASSERT_EQ(one.snapshots.size(), two.snapshots.size());
  ASSERT_EQ(std::count_if(one.snapshots.begin(), one.snapshots.end(),
                          [](const sim::Snapshot& s) { return s.group.empty(); }),
            1);
  for (std::size_t s = 0; s < one.snapshots.size(); ++s) {
    EXPECT_EQ(one.snapshots[s].table, two.snapshots[s].table);
    for (std::size_t column = 0; column < one.snapshots[s].columns.size(); ++column)
      EXPECT_EQ(one.snapshots[s].columns[column].values, two.snapshots[s].columns[column].values);
  }
  // A replication re-run alone gives the same series as inside the ensemble.
  sim::RunOptions alone;
  alone.seed = 11;
  alone.replications = 1;
  alone.first_replication = 1;
  const sim::Ensemble single = sim::run_ensemble(*model, alone);
  for (std::size_t metric = 0; metric < one.metrics.size(); ++metric) {
    for (std::size_t point = 0; point < one.points(); ++point)
      ASSERT_EQ(single.at(metric, 0, point), one.at(metric, 1, point));
  }
}

/// Every alive firm of one origin at the end of `year`, by id: the values of every column.
std::map<double, std::vector<double>> firms_of_origin(const CityModel& model, int year,
                                                      Origin origin) {
  std::vector<sim::Snapshot> snapshots;
  sim::ReplicationContext context;
  context.seed = 5;
  context.snapshots = &snapshots;
  const int years[] = {year};
  context.snapshot_years = years;
  sim::SeriesBuffer series(model.metrics().size(),
                           static_cast<std::size_t>(model.time_axis().points()));
  EXPECT_TRUE(model.run_replication(context, series));
  std::map<std::string, const std::vector<double>*> columns;
  for (const auto& column : snapshots.at(0).columns) columns[column.name] = &column.values;
  std::map<double, std::vector<double>> firms;
  for (std::size_t row = 0; row < columns.at("firm_id")->size(); ++row) {
    if ((*columns.at("origin"))[row] != static_cast<double>(origin)) continue;
    std::vector<double>& values = firms[(*columns.at("firm_id"))[row]];
    for (const auto& [name, column] : columns) values.push_back((*column)[row]);
  }
  return firms;
}

TEST(CityModel, MoreSpinoffsLeaveEveryRegistrationEntrantBitIdentical) {
  // Entrant ids come from (channel, step, index), so the spin-off rate cannot shift the random
  // streams of registration entrants. Without instruments or quotas firms do not interact, so
  // their whole trajectories must agree. With ids from a running counter this fails: a step's
  // extra spin-offs renumber every later registration entrant. (The label quotas, on by
  // default, are turned off: with them a spin-off can take a registration entrant's place; so
  // are the knowledge sources' contracts and the supply links, for which firms compete.)
  const char* base =
      "[city]\ninitial_candidates = 200\ninitial_tech_sme = 50\ninitial_high_tech = 20\n"
      "knowledge_universities = 0\nknowledge_key_labs_provincial = 0\n"
      "knowledge_platforms_provincial = 0\nnew_enterprise_labs_per_year = 0\n"
      "new_platforms_per_year = 0\nnew_rd_institutions_per_year = 0\n"
      "supply_links_per_leader = 0\nsupply_links_per_gazelle = 0\n"
      "gazelle_quota = 0\nleader_quota = 0\nlittle_giant_quota = 0\nfledgling_quota = 0\n"
      "registrations_per_year = 20000\ntalent_teams_per_year = 5\nspinoffs_per_year = ";
  const auto few = city_model(city_scenario(std::string(base) + "10\n", 36));
  const auto many = city_model(city_scenario(std::string(base) + "60\n", 36));
  const auto registered_few = firms_of_origin(*few, 2024, REGISTRATION);
  const auto registered_many = firms_of_origin(*many, 2024, REGISTRATION);
  ASSERT_GT(registered_few.size(), 500u);
  std::size_t differing = 0;
  for (const auto& [id, values] : registered_few) {
    const auto other = registered_many.find(id);
    differing += other == registered_many.end() || other->second != values;
  }
  EXPECT_EQ(differing, 0u) << "of " << registered_few.size() << " registration entrants";
  EXPECT_EQ(registered_few.size(), registered_many.size());
  // The lever does act: the spin-off populations differ.
  EXPECT_LT(firms_of_origin(*few, 2024, SPINOFF).size(),
            firms_of_origin(*many, 2024, SPINOFF).size());
}

TEST(CityModel, DifferentSeedsGiveDifferentRuns) {
  const auto model = city_model(city_scenario(SMALL_CITY, 12));
  const sim::Ensemble a = testing::run(*model, 1, 0, 1);
  const sim::Ensemble b = testing::run(*model, 1, 0, 2);
  EXPECT_NE(a.values[REVENUE_TOTAL], b.values[REVENUE_TOTAL]);
}

/// Sum of a metric over the points of calendar year `year` (steps ending in it).
double year_total(const sim::Ensemble& ensemble, std::size_t metric, std::size_t replication,
                  int year) {
  double total = 0.0;
  for (std::size_t point = 1; point < ensemble.points(); ++point) {
    const double end = ensemble.time.decimal_year(static_cast<int>(point));
    if (end > year && end <= year + 1) total += ensemble.at(metric, replication, point);
  }
  return total;
}

TEST(CityInstruments, ABudgetForExactlyKAwardsPaysExactlyK) {
  // Far more than three firms are certified each October; the budget pays three 10万 awards.
  const std::string tables = std::string(SMALL_CITY) +
                             "[instruments.reward]\ntrigger = \"high_tech_certified\"\n"
                             "fixed = 10.0\nbudget_per_year = 30.0\n";
  const auto model = city_model(city_scenario(tables, 36));
  const sim::Ensemble ensemble = testing::run(*model, 4);
  const std::size_t spending = metric_index(*model, "spending_reward");
  for (std::uint32_t replication = 0; replication < 4; ++replication) {
    for (int year = 2022; year <= 2024; ++year) {
      ASSERT_GT(year_total(ensemble, HIGH_TECH_GRANTED, replication, year), 3.0);
      EXPECT_EQ(year_total(ensemble, spending, replication, year), 30.0)
          << "replication " << replication << " year " << year;
    }
  }
}

TEST(CityInstruments, WithoutABudgetEveryEligibleEventIsPaid) {
  const std::string tables = std::string(SMALL_CITY) +
                             "[instruments.reward]\ntrigger = \"high_tech_certified\"\n"
                             "fixed = 10.0\n"
                             "[instruments.renewal]\ntrigger = \"high_tech_recertified\"\n"
                             "fixed = 1.0\n";
  const auto model = city_model(city_scenario(tables, 36));
  const sim::Ensemble ensemble = testing::run(*model, 2);
  const std::size_t reward = metric_index(*model, "spending_reward");
  const std::size_t renewal = metric_index(*model, "spending_renewal");
  for (std::size_t point = 1; point < ensemble.points(); ++point) {
    EXPECT_EQ(ensemble.at(reward, 0, point), 10.0 * ensemble.at(HIGH_TECH_GRANTED, 0, point));
    EXPECT_EQ(ensemble.at(renewal, 0, point), ensemble.at(HIGH_TECH_RENEWED, 0, point));
    EXPECT_EQ(ensemble.at(SPENDING_INSTRUMENTS, 0, point),
              ensemble.at(reward, 0, point) + ensemble.at(renewal, 0, point));
  }
}

/// A one-month step of `year`.
StepCalendar month_of(int year, int month) { return {0, year, month, month}; }

// An R&D subsidy short of budget pays every claim the same share (按比例核减); the budget is
// refilled each January and firms expect last year's share. Fails if a claim is paid in full
// while others get nothing (then small claimants would plan on a fill they never see), if an
// ineligible firm is paid, or if the budget is exceeded.
TEST(CityInstruments, LedgerPaysRdSubsidiesProRataAndRefillsEachYear) {
  Firms firms;
  firms.append(4);
  FirmView view(firms);
  for (std::uint32_t row = 0; row < 4; ++row) {
    view.id[row] = 100 + row;
    view.alive[row] = 1;
    view.tier[row] = row == 3 ? CANDIDATE : HIGH_TECH;
    view.revenue[row] = 1000;
  }
  Instrument subsidy = instrument_defaults();
  subsidy.name = "subsidy";
  subsidy.trigger = Trigger::ANNUAL_RD;
  subsidy.who.tier_mask = 1u << HIGH_TECH;
  subsidy.share = 0.5;
  subsidy.cap = sim::Money(40);
  subsidy.budget_per_year = sim::Money(75);
  const std::vector<Instrument> instruments = {subsidy};
  Ledger ledger(instruments);
  auto applications = [&] {
    // bases 100, 60, 30, 100 -> amounts 40 (capped), 30, 15, and a candidate (not eligible)
    return std::vector<Application>{{0, 100, Trigger::ANNUAL_RD, -1, 0, sim::Money(100.0)},
                                    {1, 101, Trigger::ANNUAL_RD, -1, 1, sim::Money(60.0)},
                                    {2, 102, Trigger::ANNUAL_RD, -1, 2, sim::Money(30.0)},
                                    {3, 103, Trigger::ANNUAL_RD, -1, 3, sim::Money(100.0)}};
  };
  auto batch = applications();
  // 85 claimed of a budget of 75: each claim is paid 75/85 of it.
  EXPECT_EQ(ledger.pay(batch, view, month_of(2023, 6), true), 3u);
  const LedgerStep step = ledger.take_step();
  EXPECT_NEAR(step.spending[0].value(), 75.0, 1e-9);
  EXPECT_EQ(step.claims, std::vector<double>{3.0});  // the candidate's is no claim
  EXPECT_EQ(step.payments, std::vector<double>{3.0});
  EXPECT_NEAR(view.cash[0].value(), 40.0 * 75.0 / 85.0, 1e-4);
  EXPECT_NEAR(view.cash[2].value(), 15.0 * 75.0 / 85.0, 1e-4);
  EXPECT_FLOAT_EQ(view.cash[3].value(), 0.0f);
  batch = applications();
  EXPECT_EQ(ledger.pay(batch, view, month_of(2023, 7), true), 0u);  // the year's budget is spent
  ledger.start_year();
  // Firms expect the share of last year's claimed amount that was paid: 75 of 85 + 85.
  EXPECT_NEAR(ledger.expected_fill(0), 75.0 / 170.0, 1e-12);
  EXPECT_NEAR(ledger.expected_payment(0, sim::Money(100.0)).value(), 40.0 * 75.0 / 170.0, 1e-9);
  batch = applications();
  EXPECT_EQ(ledger.pay(batch, view, month_of(2024, 6), true), 3u);
}

// What firms expect of an instrument: fails if a zero budget is expected to pay anything (a
// phantom subsidy), if claims counted without paying (the burn-in) do not set the first year's
// expectation, or if an unlimited budget is expected to pay less than everything.
TEST(CityInstruments, ExpectedFillComesFromLastYearsClaimsAndBudget) {
  Firms firms;
  firms.append(2);
  FirmView view(firms);
  for (std::uint32_t row = 0; row < 2; ++row) {
    view.id[row] = row;
    view.alive[row] = 1;
    view.revenue[row] = 100;
  }
  Instrument reward = instrument_defaults();
  reward.name = "reward";
  reward.trigger = Trigger::HIGH_TECH_CERTIFIED;
  reward.fixed = sim::Money(10);
  Instrument none = reward;
  none.name = "none";
  none.budget_per_year = sim::Money(0);
  Instrument tight = reward;
  tight.name = "tight";
  tight.budget_per_year = sim::Money(5);
  const std::vector<Instrument> instruments = {reward, none, tight};
  Ledger ledger(instruments);
  EXPECT_EQ(ledger.expected_fill(0), 1.0);  // no claims yet: a budget pays
  EXPECT_EQ(ledger.expected_fill(1), 0.0);
  auto claims = [] {
    return std::vector<Application>{{0, 0, Trigger::HIGH_TECH_CERTIFIED, -1, 0, {}},
                                    {1, 1, Trigger::HIGH_TECH_CERTIFIED, -1, 1, {}}};
  };
  auto batch = claims();
  EXPECT_EQ(ledger.pay(batch, view, month_of(2021, 10), false), 0u);  // counted, not paid
  EXPECT_FLOAT_EQ(view.cash[0].value(), 0.0f);
  ledger.scale_claims(0.5);  // a city half the size: 10 claimed per instrument
  ledger.start_year();
  EXPECT_EQ(ledger.expected_fill(0), 1.0);  // unlimited
  EXPECT_EQ(ledger.expected_fill(1), 0.0);  // zero budget
  EXPECT_EQ(ledger.expected_fill(2), 0.5);  // 5 of the 10 it would have been claimed
  EXPECT_EQ(ledger.expected_payment(1).value(), 0.0);
  batch = claims();
  EXPECT_EQ(ledger.pay(batch, view, month_of(2022, 10), true), 2u);  // reward pays both
  ledger.start_year();
  EXPECT_EQ(ledger.expected_fill(0), 1.0);
  EXPECT_EQ(ledger.expected_fill(1), 0.0);
  EXPECT_EQ(ledger.expected_fill(2), 0.0);  // 5 cannot pay an award of 10: none was paid
}

// Applying for an instrument is a decision: with a claim cost, a firm claims only when it
// expects more (amount times expected fill). Fails if a firm that expects less than its cost is
// paid, or if its non-claim enters what others expect of the budget.
TEST(CityInstruments, FirmsClaimOnlyWhatIsWorthTheClaimsCost) {
  Firms firms;
  firms.append(2);
  FirmView view(firms);
  for (std::uint32_t row = 0; row < 2; ++row) {
    view.id[row] = row;
    view.alive[row] = 1;
    view.revenue[row] = 1000;
  }
  Instrument subsidy = instrument_defaults();
  subsidy.name = "subsidy";
  subsidy.trigger = Trigger::ANNUAL_RD;
  subsidy.share = 0.1;
  subsidy.claim_cost = sim::Money(2.0);
  const std::vector<Instrument> instruments = {subsidy};
  Ledger ledger(instruments);
  // bases 10 and 100: amounts 1 (below the cost of 2) and 10
  std::vector<Application> batch = {{0, 0, Trigger::ANNUAL_RD, -1, 0, sim::Money(10.0)},
                                    {1, 1, Trigger::ANNUAL_RD, -1, 1, sim::Money(100.0)}};
  EXPECT_FALSE(ledger.worth_claiming(0, sim::Money(10.0)));
  EXPECT_TRUE(ledger.worth_claiming(0, sim::Money(100.0)));
  EXPECT_EQ(ledger.pay(batch, view, month_of(2023, 6), true), 1u);
  const LedgerStep step = ledger.take_step();
  EXPECT_EQ(step.claims, std::vector<double>{2.0});  // both eligible events counted
  EXPECT_EQ(step.payments, std::vector<double>{1.0});
  EXPECT_FLOAT_EQ(view.cash[0].value(), 0.0f);
  EXPECT_FLOAT_EQ(view.cash[1].value(), 10.0f);
  ledger.start_year();
  EXPECT_EQ(ledger.expected_fill(0), 1.0);  // the claim made was paid in full
}

// A grant for R&D counts once, as the firm's R&D: spread over the rest of the year as real and
// reported intensity (which cash, knowledge and the R&D metrics then follow), or at once when
// paid in December. Fails if the grant is also added to knowledge directly (double counting)
// or kept out of the firm's real R&D.
TEST(CityInstruments, RdEffectRaisesTheYearsRdAndActiveYearsBound) {
  Firms firms;
  firms.append(2);
  FirmView view(firms);
  for (std::uint32_t row = 0; row < 2; ++row) {
    view.id[row] = row;
    view.alive[row] = 1;
    view.revenue[row] = 100;
  }
  Instrument grant = instrument_defaults();
  grant.name = "grant";
  grant.trigger = Trigger::TALENT_TEAM_ENTRY;
  grant.fixed = sim::Money(100);
  grant.effect = Effect::RD;
  grant.additionality = 0.25;
  grant.who.first_year = 2023;
  const std::vector<Instrument> instruments = {grant};
  Ledger ledger(instruments);
  std::vector<Application> batch = {{0, 0, Trigger::TALENT_TEAM_ENTRY, -1, 0, sim::Money(0.0)}};
  EXPECT_EQ(ledger.pay(batch, view, month_of(2022, 6), true), 0u);  // not yet running
  batch = {{0, 0, Trigger::TALENT_TEAM_ENTRY, -1, 0, sim::Money(0.0)},
           {1, 1, Trigger::TALENT_TEAM_ENTRY, -1, 1, sim::Money(0.0)}};
  EXPECT_EQ(ledger.pay(batch, view, month_of(2023, 6), true), 2u);
  // 25 of extra R&D over the 6 months left of a firm selling 100 a year: intensity 0.5.
  EXPECT_FLOAT_EQ(view.rd_real[0], 0.5f);
  EXPECT_FLOAT_EQ(view.rd_reported[0], 0.5f);
  EXPECT_FLOAT_EQ(view.knowledge[0], 0.0f);
  EXPECT_FLOAT_EQ(view.cash[0].value(), 100.0f);
  batch = {{1, 1, Trigger::TALENT_TEAM_ENTRY, -1, 0, sim::Money(0.0)}};
  EXPECT_EQ(ledger.pay(batch, view, month_of(2023, 12), true), 1u);
  EXPECT_FLOAT_EQ(view.knowledge[1], 25.0f);
  EXPECT_FLOAT_EQ(view.rd_reported_ytd[1], 25.0f);
  EXPECT_FLOAT_EQ(view.cash[1].value(), 175.0f);
}

TEST(CityRd, TheSuperDeductionRaisesRealRdAndBunchingRaisesReportedRd) {
  auto total = [](const std::string& city, std::size_t metric) {
    const auto model = city_model(city_scenario(std::string(SMALL_CITY) + city, 24));
    const sim::Ensemble ensemble = testing::run(*model, 4);
    double sum = 0.0;
    for (std::uint32_t r = 0; r < 4; ++r) {
      for (std::size_t point = 1; point < ensemble.points(); ++point)
        sum += ensemble.at(metric, r, point);
    }
    return sum;
  };
  // Same draws (common random numbers), only the policy differs; the scenario's super-deduction
  // acts from the start year, so both arms start from the same firms.
  const double with_deduction = total("", RD_REAL);
  const double without = total("super_deduction = \"none\"\n", RD_REAL);
  EXPECT_GT(with_deduction, without * 1.1);
  // An R&D subsidy paying 20% of R&D lowers its cost: firms eligible for it spend more.
  const double subsidised = total(
      "[instruments.subsidy]\ntrigger = \"annual_rd\"\nshare = 0.2\n"
      "tiers = [\"candidate\", \"tech_sme\", \"high_tech\", \"gazelle\", \"leader\"]\n",
      RD_REAL);
  EXPECT_GT(subsidised, with_deduction * 1.1);
  // Without relabelling, what firms report is what they spend (certified firms near the
  // threshold still bunch, with real R&D).
  const char* honest = "bunching_baseline = 0.0\nrelabel_share = 0.0\n";
  const double honest_reported = total(honest, RD_REPORTED);
  const double honest_real = total(honest, RD_REAL);
  EXPECT_DOUBLE_EQ(honest_reported, honest_real);
  EXPECT_GT(total("", RD_REPORTED), total("", RD_REAL));
}

TEST(CityScenario, InstrumentTablesAreValidatedWithPlaces) {
  try {
    (void)city_scenario(
        "[instruments.reward]\ntrigger = \"high_tech_certifed\"\n"
        "[instruments.subsidy]\ntrigger = \"annual_rd\"\nshare = 0.1\ncapp = 5.0\n"
        "tiers = [\"high_tech\", \"unicorn\"]\n");
    FAIL() << "the scenario was accepted";
  } catch (const io::ScenarioError& error) {
    const std::string text = error.what();
    EXPECT_NE(text.find("test.toml:6:"), std::string::npos) << text;  // the trigger's line
    EXPECT_NE(text.find("high_tech_certifed"), std::string::npos) << text;
    EXPECT_NE(text.find("did you mean instruments.subsidy.cap?"), std::string::npos) << text;
    EXPECT_NE(text.find("\"unicorn\""), std::string::npos) << text;
  }
}

TEST(CityScenario, InstrumentKeysThatContradictEachOtherAreRefused) {
  try {
    (void)city_scenario(
        "[instruments.award]\ntrigger = \"leader_selected\"\nshare = 0.5\n"
        "first_year = 2025\nlast_year = 2024\n");
    FAIL() << "the scenario was accepted";
  } catch (const io::ScenarioError& error) {
    const std::string text = error.what();
    EXPECT_NE(text.find("test.toml:7:"), std::string::npos) << text;
    EXPECT_NE(text.find("instruments.award.share = 0.5 needs a trigger with a base amount"),
              std::string::npos)
        << text;
    EXPECT_NE(text.find("instruments.award.first_year = 2025 is after"), std::string::npos) << text;
  }
}

TEST(CityScenario, MissingTriggerIsReportedAtItsTable) {
  try {
    (void)city_scenario("[instruments.reward]\nfixed = 10.0\n");
    FAIL() << "the scenario was accepted";
  } catch (const io::ScenarioError& error) {
    const std::string text = error.what();
    EXPECT_NE(text.find("test.toml:5:1: error: missing required key instruments.reward.trigger"),
              std::string::npos)
        << text;
  }
}

}  // namespace
}  // namespace innosim::models::city
