// The example city's starting state and its calibration targets (docs/model.md §3.1, §3.7):
// the registers and labels at t = 0, the city's R&D and patents at t = 0, the first rounds of
// the starting firms against later rounds, and the observed pass, revocation and exit rates.
// One ensemble of the example city (信阳 2022-2025, 20 replications, seed 1) serves the tests
// that read metrics; the round tests observe runs without instruments.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>

#include "city_fixtures.hpp"
#include "io/scenario/scenario.hpp"

namespace innosim::models::city {
namespace {

using testing::city_model;

constexpr std::uint32_t REPLICATIONS = 20;

io::Scenario example() {
  return io::load_scenario(INNOSIM_SOURCE_DIR "/scenarios/examples/city.toml");
}

class ExampleCityStart : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    const io::Scenario scenario = example();
    model_ = city_model(scenario).release();
    ensemble_ = new sim::Ensemble(testing::run(*model_, REPLICATIONS, 0, 1));
  }
  static void TearDownTestSuite() {
    delete ensemble_;
    delete model_;
  }
  /// Median over the replications of a metric at a point.
  static double median_at(std::size_t metric, std::size_t point) {
    std::vector<double> values;
    for (std::uint32_t r = 0; r < REPLICATIONS; ++r)
      values.push_back(ensemble_->at(metric, r, point));
    std::sort(values.begin(), values.end());
    return 0.5 * (values[(values.size() - 1) / 2] + values[values.size() / 2]);
  }
  /// Sum over replications of a flow over the points of run year `year` (12y+1 .. 12y+12).
  static double year_sum(std::size_t metric, int year) {
    double sum = 0.0;
    for (std::uint32_t r = 0; r < REPLICATIONS; ++r) {
      for (int point = 12 * year + 1; point <= 12 * year + 12; ++point)
        sum += ensemble_->at(metric, r, static_cast<std::size_t>(point));
    }
    return sum;
  }
  static CityModel* model_;
  static sim::Ensemble* ensemble_;
};
CityModel* ExampleCityStart::model_ = nullptr;
sim::Ensemble* ExampleCityStart::ensemble_ = nullptr;

TEST_F(ExampleCityStart, EveryRegisterAndLabelEqualsTheScenarioAtTheStart) {
  // Exact in every replication: the start draws exactly the scenario's numbers from the burn-in
  // (docs/model.md §3.1). Fails if certified firms are added on top of the tech-SME register (the
  // old 736), if a group is short, or if labels are left as the burn-in made them.
  const CityParams p = CityParams::from(example().values);
  const std::pair<Metric, std::int64_t> wanted[] = {
      {REGISTER_TECH_SME, p.initial_tech_sme},       {REGISTER_HIGH_TECH, p.initial_high_tech},
      {LABEL_GAZELLE, p.initial_gazelles},           {LABEL_LEADER, p.initial_leaders},
      {LABEL_LITTLE_GIANT, p.initial_little_giants}, {LABEL_FLEDGLING, p.initial_fledglings}};
  for (std::uint32_t r = 0; r < REPLICATIONS; ++r) {
    for (const auto& [metric, count] : wanted)
      EXPECT_EQ(ensemble_->at(metric, r, 0), static_cast<double>(count))
          << fixed_metrics()[metric].name << " in replication " << r;
  }
}

TEST_F(ExampleCityStart, RdAndPatentsAtTheStartMatchTheDocumentWithinTenPercent) {
  // docs/seed-documents.md §1: 信阳 2022 R&D 0.8% of GDP, 1.4 invention patents per 10,000
  // people; firm R&D is the part the modelled firms perform, 65% of the city's (docs/model.md
  // §3.6). Tolerance 10% (the issue's); the medians of 20 replications vary by about 2% (the
  // burn-in's spread), so a calibration that drifted by 10% fails.
  const CityParams p = CityParams::from(example().values);
  const double total_rd = 0.008 * p.city_gdp;  // 亿元
  const double firm_rd = total_rd - p.city_rd_outside;
  EXPECT_NEAR(median_at(CITY_RD_FIRMS, 0), firm_rd, 0.10 * firm_rd);
  EXPECT_NEAR(median_at(CITY_RD_INTENSITY, 0), 0.8, 0.08);
  EXPECT_NEAR(median_at(CITY_PATENTS_PER_10K, 0), 1.4, 0.14);
}

TEST_F(ExampleCityStart, PassRevocationAndExitRatesAreTheObservedOnes) {
  // Observed: the pass rate of all applications, first and renewal, 74.8-79.4% (data/observed:
  // 许昌 2023, 郑州 2022); revocations 0.2-0.9% of the stock a year (docs/policy-rules.md §2.6);
  // exits about 6% of firms a year (6.2% in 2012, 9.3% in 2008: docs/policy-rules.md §5.4).
  // Pass rate pooled over the four years (about 6,000 applications: sampling sd 0.6 points),
  // band 74.5-79.5%. Revocations: the four-year mean share of the stock, 0.2-0.9%. Exits: the
  // four-year rate 5-8%, the observed years' range (the city's population is younger than the
  // nation's, which raises it; §3.7). Fails with the old constant score (63-66% passed), with
  // no review noise (100%), with no relabelling (no revocations) or with the old exit hazard.
  double applications = 0.0, passed = 0.0, revoked = 0.0, stock_years = 0.0, exits = 0.0,
         firm_years = 0.0;
  for (int year = 0; year < 4; ++year) {
    applications += year_sum(HIGH_TECH_APPLICATIONS, year);
    passed += year_sum(HIGH_TECH_GRANTED, year) + year_sum(HIGH_TECH_RENEWED, year);
    revoked += year_sum(HIGH_TECH_REVOKED, year);
    stock_years += year_sum(REGISTER_HIGH_TECH, year) / 12.0;
    exits += year_sum(EXITS_MARKET, year) + year_sum(EXITS_DISTRESS, year);
    firm_years += year_sum(FIRMS_ALIVE, year) / 12.0;
  }
  ASSERT_GT(applications, 2000.0);
  EXPECT_GE(passed / applications, 0.745);
  EXPECT_LE(passed / applications, 0.795);
  EXPECT_GE(revoked / stock_years, 0.002);
  EXPECT_LE(revoked / stock_years, 0.009);
  EXPECT_GE(exits / firm_years, 0.05);
  EXPECT_LE(exits / firm_years, 0.08);
}

TEST_F(ExampleCityStart, NoJumpInRdIntensityInTheFirstJanuary) {
  // The firms' R&D intensity at t = 0 (their choices of the burn-in's last year, under 2021's
  // schedule) against January 2022's (the start year's regime; the super-deduction for tech
  // SMEs rose from 75% to 100% in 2022, a small real change). The old definition of the
  // propensity made it jump 1.5x. Tolerance 5%: the regime change moves few firms' cost, and
  // revenue's January growth shock applies to both numerator and denominator.
  std::vector<double> ratios;
  const std::size_t revenue = REVENUE_TOTAL;
  for (std::uint32_t r = 0; r < REPLICATIONS; ++r) {
    const double start = ensemble_->at(CITY_RD_FIRMS, r, 0) * 1.0e4 / ensemble_->at(revenue, r, 0);
    const double january =
        ensemble_->at(CITY_RD_FIRMS, r, 1) * 1.0e4 / ensemble_->at(revenue, r, 1);
    ratios.push_back(january / start);
  }
  std::sort(ratios.begin(), ratios.end());
  EXPECT_NEAR(ratios[REPLICATIONS / 2], 1.0, 0.05);
}

/// What the first rounds and later rounds do to the firms due in them.
struct RoundOutcomes {
  double due = 0, failed = 0;
  [[nodiscard]] double rate() const { return failed / due; }
};

/// Over runs of the example city without instruments: for the tech-SME round of `year` and the
/// high-tech round of `year`, the firms due (admission or certificate ending at that round) and
/// those that are not re-admitted or renewed (alive after the round and no longer registered).
/// Also counts starting registered firms without a year of sales or age.
struct Rounds {
  std::map<int, RoundOutcomes> tech_sme, high_tech;
  std::size_t registered_without_history = 0;
};

Rounds observe_rounds(std::uint32_t replications) {
  const io::Scenario scenario = example();
  const CityModel model(CityParams::from(scenario.values), {}, scenario.time);
  Rounds rounds;
  for (std::uint32_t r = 0; r < replications; ++r) {
    sim::ReplicationContext context;
    context.seed = 1;
    context.replication = r;
    sim::SeriesBuffer series(model.metrics().size(),
                             static_cast<std::size_t>(model.time_axis().points()));
    std::map<std::uint32_t, int> due_sme, due_hte;  // firm id -> round step
    model.run_observed(context, series, [&](const World& world, const StepCalendar& when) {
      const ConstFirmView f(world.firms);
      const int next = when.step + 1;
      const bool sme_round_next = model.calendar(next).contains_month(3);
      const bool hte_round_next = model.calendar(next).contains_month(10);
      for (std::size_t row = 0; row < world.firms.size(); ++row) {
        if (f.alive[row] == 0) continue;
        if (when.step == 0 && f.tech_sme_until[row] + f.high_tech_until[row] > 0 &&
            (f.revenue_y1[row] <= 0.0f || f.age_months[row] < 12))
          ++rounds.registered_without_history;
        // Due at the next step's round: registered until then, not certified (tech SMEs).
        if (sme_round_next && f.tech_sme_until[row] == next && f.high_tech_until[row] <= next)
          due_sme[f.id[row]] = next;
        if (hte_round_next && f.high_tech_until[row] == next) due_hte[f.id[row]] = next;
      }
      if (!model.calendar(when.step).contains_month(3) &&
          !model.calendar(when.step).contains_month(10))
        return;
      for (std::size_t row = 0; row < world.firms.size(); ++row) {
        if (f.alive[row] == 0) continue;
        const auto sme = due_sme.find(f.id[row]);
        if (sme != due_sme.end() && sme->second == when.step) {
          RoundOutcomes& outcome = rounds.tech_sme[when.year];
          outcome.due += 1;
          outcome.failed += f.tech_sme_until[row] <= when.step ? 1 : 0;
        }
        const auto hte = due_hte.find(f.id[row]);
        if (hte != due_hte.end() && hte->second == when.step) {
          RoundOutcomes& outcome = rounds.high_tech[when.year];
          outcome.due += 1;
          outcome.failed += f.high_tech_until[row] <= when.step ? 1 : 0;
        }
      }
    });
  }
  return rounds;
}

/// |a - b| within 3 standard errors of the difference of two proportions, or 3 points.
void expect_same_rate(const RoundOutcomes& first, const RoundOutcomes& later, const char* what) {
  ::testing::Test::RecordProperty(
      std::string(what) + "_first_round",
      std::to_string(first.failed) + " of " + std::to_string(first.due));
  ::testing::Test::RecordProperty(
      std::string(what) + "_later_rounds",
      std::to_string(later.failed) + " of " + std::to_string(later.due));
  const double p = (first.failed + later.failed) / (first.due + later.due);
  const double se = std::sqrt(p * (1.0 - p) * (1.0 / first.due + 1.0 / later.due));
  EXPECT_NEAR(first.rate(), later.rate(), std::max(3.0 * se, 0.03))
      << what << ": first round " << first.failed << " of " << first.due << ", later "
      << later.failed << " of " << later.due;
}

TEST(CityStart, StartingFirmsFailTheirFirstRoundsAsOftenAsFirmsDoLater) {
  // The starting firms come from the model's own steady state, so the firms due at the first
  // tech-SME round (March 2022) and the first high-tech round (October 2022) are refused or
  // lapse as often as the firms due at the same rounds of 2024 and 2025, pooled (without
  // instruments, which would change the later rounds). Tolerance: 3 standard errors of the
  // difference (two proportions, ~10 replications), at least 3 points. The old start failed 22%
  // of its tech SMEs at the first round (ages raised without a history) against a few percent
  // later, and renewed 38-49% of its certificates. Also: no registered starting firm lacks a
  // year of sales or the year of age the rules ask for.
  const Rounds rounds = observe_rounds(10);
  EXPECT_EQ(rounds.registered_without_history, 0u);
  RoundOutcomes sme_later, hte_later;
  for (const int year : {2024, 2025}) {
    sme_later.due += rounds.tech_sme.at(year).due;
    sme_later.failed += rounds.tech_sme.at(year).failed;
    hte_later.due += rounds.high_tech.at(year).due;
    hte_later.failed += rounds.high_tech.at(year).failed;
  }
  ASSERT_GT(rounds.tech_sme.at(2022).due, 500.0);
  ASSERT_GT(rounds.high_tech.at(2022).due, 150.0);
  expect_same_rate(rounds.tech_sme.at(2022), sme_later, "tech_sme");
  expect_same_rate(rounds.high_tech.at(2022), hte_later, "high_tech");
}

// With initial_candidates = -1 and a positive initial_candidates_per_registered, the start has
// exactly that many unregistered firms per firm registered without a certificate (here all
// certified firms stay out of the register, so 300 x 4.5 = 1,350). Fails if the ratio is
// ignored (the burn-in's own ratio gives another count) or applied to the wrong base.
TEST(CityStart, TheCandidatesRatioSetsTheUnregisteredFirmsAtTheStart) {
  const auto model = city_model(testing::city_scenario(
      "[city]\ninitial_tech_sme = 300\ninitial_high_tech = 150\n"
      "initial_high_tech_in_tech_sme = 0.0\ninitial_candidates_per_registered = 4.5\n",
      12));
  const sim::Ensemble ensemble = testing::run(*model, 2);
  for (std::uint32_t r = 0; r < 2; ++r) {
    EXPECT_EQ(ensemble.at(FIRMS_CANDIDATE, r, 0), 1350.0) << "replication " << r;
    EXPECT_EQ(ensemble.at(REGISTER_TECH_SME, r, 0), 300.0) << "replication " << r;
  }
}

// Response on common random numbers, what the calibration relies on: a larger pool of
// unregistered firms at the start (ratio 20 against 5) raises the high-tech certificates granted
// in the first two years, significantly (paired t > 3 over 12 replications). Fails if the pool's
// firms never reach the certification round (the calibration's lever would move nothing) or if
// the ratio only inflates a count that nothing reads.
TEST(CityStart, ALargerCandidatePoolRaisesCertificationsOnCommonRandomNumbers) {
  const std::string base =
      "[city]\ninitial_tech_sme = 300\ninitial_high_tech = 150\n"
      "registrations_per_year = 20000\ninitial_candidates_per_registered = ";
  auto granted = [&](double ratio) {
    const auto model = city_model(testing::city_scenario(base + std::to_string(ratio) + "\n", 24));
    const sim::Ensemble ensemble = testing::run(*model, 12);
    std::vector<double> sums;
    for (std::uint32_t r = 0; r < 12; ++r) {
      double sum = 0.0;
      for (std::size_t point = 1; point < ensemble.points(); ++point)
        sum += ensemble.at(HIGH_TECH_GRANTED, r, point);
      sums.push_back(sum);
    }
    return sums;
  };
  const auto small = granted(5.0);
  const auto large = granted(20.0);
  const auto difference = testing::paired(small, large);
  RecordProperty("additional_certificates", std::to_string(difference.mean));
  EXPECT_GT(difference.mean, 0.0);
  EXPECT_GT(difference.t, 3.0) << "mean " << difference.mean;
}

TEST(CityStart, TheExampleCityNeedsNoCopiesToStart) {
  // Every starting firm is a firm of the burn-in city (ids below 2^28 or burn-in entrants'),
  // none a copy (ids from 2^28 below 2^29): burn_in_pool_factor leaves every register group
  // enough firms. Fails if the calibration lets the burn-in city certify too few firms.
  const io::Scenario scenario = example();
  const auto model = city_model(scenario);
  for (std::uint32_t r = 0; r < 5; ++r) {
    std::vector<sim::Snapshot> snapshots;
    sim::ReplicationContext context;
    context.seed = 1;
    context.replication = r;
    context.snapshots = &snapshots;
    const int years[] = {2021};
    context.snapshot_years = years;
    sim::SeriesBuffer series(model->metrics().size(),
                             static_cast<std::size_t>(model->time_axis().points()));
    ASSERT_TRUE(model->run_replication(context, series));
    // The firms' snapshot (the network's edge lists are snapshots of their own).
    const auto table = std::find_if(snapshots.begin(), snapshots.end(),
                                    [](const sim::Snapshot& s) { return s.group.empty(); });
    ASSERT_NE(table, snapshots.end());
    std::size_t copies = 0, firms = 0;
    for (const double id : table->columns[0].values) {
      ++firms;
      copies += id >= FIRST_COPY_ID && id < (1u << 29) ? 1 : 0;
    }
    EXPECT_GT(firms, 1000u);
    EXPECT_EQ(copies, 0u) << "replication " << r;
  }
}

TEST(CityStart, InstrumentsLeaveTheStartingStateBitIdentical) {
  // The scenario's instruments do not exist before the start year: the burn-in pays no claim and
  // no subsidy enters a user cost (docs/model.md §3.1), so the example city with its package and
  // without any instrument start from the same firms: every fixed metric at t = 0 is equal, bit
  // for bit, in every replication. Fails if an instrument acts in the burn-in (e.g. an R&D
  // subsidy in the burn-in's user cost, or burn-in claims paid at the first step).
  const io::Scenario scenario = example();
  const auto with = city_model(scenario);
  const CityModel without(CityParams::from(scenario.values), {}, scenario.time);
  ASSERT_FALSE(instruments_from(scenario.values).empty());
  const sim::Ensemble a = testing::run(*with, 3, 0, 1);
  const sim::Ensemble b = testing::run(without, 3, 0, 1);
  for (std::uint32_t r = 0; r < 3; ++r) {
    for (std::size_t metric = 0; metric < FIXED_METRIC_COUNT; ++metric) {
      // The loss-compensation pool's budget left is the instrument's, not the firms' state.
      if (metric == LOAN_POOL_BALANCE) continue;
      EXPECT_EQ(a.at(metric, r, 0), b.at(metric, r, 0))
          << fixed_metrics()[metric].name << " in replication " << r;
    }
  }
  // ... and the package does act once the run starts.
  EXPECT_NE(a.at(SPENDING_INSTRUMENTS, 0, 12), b.at(SPENDING_INSTRUMENTS, 0, 12));
}

TEST(CityStart, InstrumentsWithNoBudgetLeaveTheRunBitIdentical) {
  // Instruments with a budget of 0 (a certification reward, vouchers, a talent-team grant, an
  // R&D subsidy) pay nothing and are expected to pay nothing, so the run is the run without
  // them: every fixed metric at every point equal, bit for bit. Fails if an unpaid claim changes
  // a firm (cash, R&D, knowledge), shifts another draw, or if a subsidy's share enters the user
  // cost although its budget cannot pay it (a phantom subsidy).
  const std::string instruments =
      "[instruments.subsidy]\ntrigger = \"annual_rd\"\nshare = 0.2\nbudget_per_year = 0.0\n"
      "effect = \"rd\"\n"
      "[instruments.reward]\ntrigger = \"high_tech_certified\"\nfixed = 10.0\n"
      "budget_per_year = 0.0\n"
      "[instruments.vouchers]\ntrigger = \"innovation_voucher\"\nevents_per_year = 200.0\n"
      "base_median = 20.0\nshare = 0.5\ncap = 20.0\nbudget_per_year = 0.0\neffect = \"rd\"\n"
      "[instruments.teams]\ntrigger = \"talent_team_entry\"\nfixed = 100.0\n"
      "budget_per_year = 0.0\neffect = \"rd\"\n";
  const auto with =
      city_model(testing::city_scenario(std::string(testing::SMALL_CITY) + instruments, 24));
  const auto without = city_model(testing::city_scenario(testing::SMALL_CITY, 24));
  const sim::Ensemble a = testing::run(*with, 2, 0, 1);
  const sim::Ensemble b = testing::run(*without, 2, 0, 1);
  for (std::uint32_t r = 0; r < 2; ++r) {
    for (std::size_t metric = 0; metric < FIXED_METRIC_COUNT; ++metric) {
      for (std::size_t point = 0; point < a.points(); ++point)
        ASSERT_EQ(a.at(metric, r, point), b.at(metric, r, point))
            << fixed_metrics()[metric].name << " at point " << point;
    }
  }
}

}  // namespace
}  // namespace innosim::models::city
