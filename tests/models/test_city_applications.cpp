// Applying is a decision (docs/model.md §3.3, "the application choice"): the logit choice's
// limits, the value of a certificate against hand computations, the limit cases in the
// running model (infinite cost, zero cost with a certain pass, no benefit) and the response of
// applications and grants to rewards on common random numbers.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <limits>
#include <string>
#include <vector>

#include "city_fixtures.hpp"
#include "models/city/benefits.hpp"

namespace innosim::models::city {
namespace {

using testing::city_model;
using testing::city_scenario;
using testing::SMALL_CITY;

constexpr double INF = std::numeric_limits<double>::infinity();

/// Sum of a metric over every run point of one replication.
double run_total(const sim::Ensemble& ensemble, std::size_t metric, std::uint32_t replication) {
  double total = 0.0;
  for (std::size_t point = 1; point < ensemble.points(); ++point)
    total += ensemble.at(metric, replication, point);
  return total;
}

// Fails if a limit of the choice is not exact: an infinite cost must stop every application
// even with a baseline of 1, a scale of 0 must be the deterministic choice, a zero net value
// must return the baseline.
TEST(CityApplications, ApplyProbabilityLimits) {
  EXPECT_EQ(apply_probability(1.0, -INF, 20.0), 0.0);
  EXPECT_EQ(apply_probability(0.9, -INF, 0.0), 0.0);
  EXPECT_EQ(apply_probability(0.0, INF, 20.0), 1.0);
  EXPECT_EQ(apply_probability(0.9, -1.0e12, 20.0), 0.0);  // exp overflows to exactly 0
  EXPECT_EQ(apply_probability(0.1, 1.0e-9, 0.0), 1.0);
  EXPECT_EQ(apply_probability(0.9, -1.0e-9, 0.0), 0.0);
  EXPECT_EQ(apply_probability(0.5, 0.0, 0.0), 1.0);
  EXPECT_EQ(apply_probability(0.49, 0.0, 0.0), 0.0);
  EXPECT_NEAR(apply_probability(0.3, 0.0, 20.0), 0.3, 1e-15);
  EXPECT_EQ(apply_probability(0.0, 50.0, 20.0), 0.0);  // no propensity, no application
  // logit(0.5) + 20 / 20 = 1: logistic(1) = 0.7310585786300049.
  EXPECT_NEAR(apply_probability(0.5, 20.0, 20.0), 0.7310585786300049, 1e-15);
  EXPECT_GT(apply_probability(0.5, 10.0, 20.0), apply_probability(0.5, 5.0, 20.0));
}

// Hand numbers: fails if losses are not absorbed first, years are not discounted, or a firm
// whose deductions exceed its income is given a tax benefit.
TEST(CityApplications, TaxableIncomeValueAgainstHandNumbers) {
  TaxOutlook outlook;
  outlook.income_before_rd = 150.0;
  outlook.rd_deductions = 50.0;  // 100 a year of taxable income
  outlook.carried_losses = 150.0;
  outlook.discount_rate = 0.0;
  EXPECT_DOUBLE_EQ(taxable_income_value(outlook, 3), 0.0 + 50.0 + 100.0);
  outlook.discount_rate = 0.25;  // factors 0.8, 0.64, 0.512
  EXPECT_DOUBLE_EQ(taxable_income_value(outlook, 3), 50.0 * 0.64 + 100.0 * 0.512);
  outlook.rd_deductions = 200.0;
  EXPECT_EQ(taxable_income_value(outlook, 3), 0.0);
  EXPECT_DOUBLE_EQ(annuity(3, 0.25), 0.8 + 0.64 + 0.512);
  EXPECT_EQ(annuity(0, 0.05), 0.0);
}

// Fails if the firm's chance of passing ignores the review's noise or its limit without noise.
TEST(CityApplications, ReviewPassProbability) {
  EXPECT_DOUBLE_EQ(review_pass_probability(70.0, 70.0, 9.0), 0.5);
  EXPECT_NEAR(review_pass_probability(79.0, 70.0, 9.0), 0.8413447460685429, 1e-12);  // Phi(1)
  EXPECT_EQ(review_pass_probability(71.0, 70.0, 0.0), 1.0);
  EXPECT_EQ(review_pass_probability(70.0, 70.0, 0.0), 0.0);
}

// Hand numbers: a 10万 reward on certification for high-tech firms and a 20% R&D subsidy (cap
// 15万) for the high-tech tier only. A candidate becoming high-tech with 50万 of R&D expects
// 10 + 3 years x 10 = 40; a firm already on a tier the subsidy admits gains no access; a zero
// budget adds exactly 0. Fails if access is counted twice, for the wrong tier, or a zero
// budget's amount leaks into the value.
TEST(CityApplications, InstrumentsValueAgainstHandNumbers) {
  const std::string tables =
      "[instruments.reward]\ntrigger = \"high_tech_certified\"\nfixed = 10.0\n"
      "tiers = [\"high_tech\"]\n"
      "[instruments.subsidy]\ntrigger = \"annual_rd\"\nshare = 0.2\ncap = 15.0\n"
      "tiers = [\"high_tech\", \"gazelle\"]\n";
  const io::Scenario scenario = city_scenario(tables, 12);
  const std::vector<Instrument> instruments = instruments_from(scenario.values);
  const InstrumentSet set(instruments);
  const Ledger ledger(instruments);
  const TierChange up{CANDIDATE, HIGH_TECH};
  EXPECT_DOUBLE_EQ(
      instruments_value(set, ledger, Trigger::HIGH_TECH_CERTIFIED, up, 0, 1000.0, 50.0, 2022, 3.0),
      10.0 + 3.0 * 10.0);
  // Capped at 15 a year.
  EXPECT_DOUBLE_EQ(
      instruments_value(set, ledger, Trigger::HIGH_TECH_CERTIFIED, up, 0, 1000.0, 100.0, 2022, 3.0),
      10.0 + 3.0 * 15.0);
  const TierChange gazelle{GAZELLE, GAZELLE};  // the reward's tiers exclude gazelles
  EXPECT_EQ(instruments_value(set, ledger, Trigger::HIGH_TECH_CERTIFIED, gazelle, 0, 1000.0, 50.0,
                              2022, 3.0),
            0.0);
  const std::string unfunded =
      "[instruments.reward]\ntrigger = \"high_tech_certified\"\nfixed = 10.0\n"
      "budget_per_year = 0.0\n";
  const std::vector<Instrument> none = instruments_from(city_scenario(unfunded, 12).values);
  const InstrumentSet none_set(none);
  const Ledger none_ledger(none);
  EXPECT_EQ(instruments_value(none_set, none_ledger, Trigger::HIGH_TECH_CERTIFIED, up, 0, 1000.0,
                              50.0, 2022, 3.0),
            0.0);
}

// Limit: an infinite application cost stops every application in the run (first and renewal,
// high-tech and tech SME), though firms still qualify. The city starts with candidates only:
// the burn-in, under the same costs, registers no firm to start from. Fails if any path applies
// without the choice.
TEST(CityApplications, InfiniteCostMeansNoApplications) {
  const std::string tables =
      "[city]\ninitial_candidates = 1500\ninitial_tech_sme = 0\n"
      "initial_high_tech = 0\nregistrations_per_year = 20000\n"
      "spinoffs_per_year = 20\ntalent_teams_per_year = 20\n"
      "high_tech_application_cost = 1.0e12\n"
      "tech_sme_application_cost = 1.0e12\n";
  const auto model = city_model(city_scenario(tables, 36));
  const sim::Ensemble ensemble = testing::run(*model, 2);
  for (std::uint32_t replication = 0; replication < 2; ++replication) {
    EXPECT_GT(run_total(ensemble, HIGH_TECH_QUALIFIED, replication), 100.0);
    EXPECT_EQ(run_total(ensemble, HIGH_TECH_APPLICATIONS, replication), 0.0);
    EXPECT_EQ(run_total(ensemble, HIGH_TECH_IP_BOUGHT, replication), 0.0);
    EXPECT_EQ(run_total(ensemble, TECH_SME_ADMITTED, replication), 0.0);
    EXPECT_EQ(run_total(ensemble, TECH_SME_REJECTED, replication), 0.0);
  }
}

// Limit: with no cost, a certain pass for every firm whose self-check passes (no review noise,
// and the self-check demands a score above the pass mark) and a deterministic choice (scale 0,
// baselines 0.5: a firm for which applying is worth exactly 0 applies), every qualifying firm
// applies, in every round. The tech-SME round gets the same limit (the scale is shared). Fails
// if a qualifying firm is left out.
TEST(CityApplications, ZeroCostAndCertainPassMeanEveryQualifyingFirmApplies) {
  const std::string tables = std::string(SMALL_CITY) +
                             "high_tech_application_cost = 0.0\nhigh_tech_compliance_cost = 0.0\n"
                             "high_tech_review_sd = 0.0\napplication_value_scale = 0.0\n"
                             "high_tech_apply_baseline = 0.5\nhigh_tech_reapply_baseline = 0.5\n"
                             "tech_sme_application_cost = 0.0\ntech_sme_apply_baseline = 0.5\n"
                             "tech_sme_reapply_baseline = 0.5\n";
  const auto model = city_model(city_scenario(tables, 36));
  const sim::Ensemble ensemble = testing::run(*model, 2);
  for (std::uint32_t replication = 0; replication < 2; ++replication) {
    for (std::size_t point = 1; point < ensemble.points(); ++point) {
      ASSERT_EQ(ensemble.at(HIGH_TECH_APPLICATIONS, replication, point),
                ensemble.at(HIGH_TECH_QUALIFIED, replication, point))
          << "replication " << replication << " point " << point;
    }
    EXPECT_GT(run_total(ensemble, HIGH_TECH_QUALIFIED, replication), 100.0);
  }
}

// Limit: with no benefit (the high-tech rate equal to the standard rate, no instruments) and no
// cost, qualifying firms apply at the baseline propensity, 0.3. Tolerance: 4 binomial standard
// errors of the pooled rate (n is in the thousands, so about +-0.03); fails if the benefit or
// the cost is not what drives the choice away from the baseline.
TEST(CityApplications, NoBenefitLeavesTheBaselinePropensity) {
  const std::string tables = std::string(SMALL_CITY) +
                             "high_tech_application_cost = 0.0\nhigh_tech_compliance_cost = 0.0\n"
                             "high_tech_tax_rate = 0.25\n"
                             "high_tech_apply_baseline = 0.3\nhigh_tech_reapply_baseline = 0.3\n";
  const auto model = city_model(city_scenario(tables, 36));
  const sim::Ensemble ensemble = testing::run(*model, 5);
  double qualified = 0.0, applied = 0.0;
  for (std::uint32_t replication = 0; replication < 5; ++replication) {
    qualified += run_total(ensemble, HIGH_TECH_QUALIFIED, replication);
    applied += run_total(ensemble, HIGH_TECH_APPLICATIONS, replication);
  }
  ASSERT_GT(qualified, 1000.0);
  const double rate = applied / qualified;
  const double se = std::sqrt(0.3 * 0.7 / qualified);
  EXPECT_NEAR(rate, 0.3, 4.0 * se) << "qualified " << qualified << " applied " << applied;
}

struct Paired {
  double mean = 0.0;
  double t = 0.0;
};

/// Paired differences (b - a) of a metric's run total over replications: mean and t statistic.
Paired paired(const sim::Ensemble& a, const sim::Ensemble& b, std::size_t metric,
              std::uint32_t replications) {
  std::vector<double> d;
  for (std::uint32_t r = 0; r < replications; ++r)
    d.push_back(run_total(b, metric, r) - run_total(a, metric, r));
  double mean = 0.0;
  for (const double x : d) mean += x;
  mean /= replications;
  double var = 0.0;
  for (const double x : d) var += (x - mean) * (x - mean);
  var /= replications - 1;
  return {mean, var > 0.0 ? mean / std::sqrt(var / replications) : (mean > 0.0 ? INF : 0.0)};
}

/// The SMALL_CITY run with `instruments` appended, 8 replications on the same seed (common
/// random numbers).
sim::Ensemble run_with(const std::string& instruments) {
  const auto model = city_model(city_scenario(std::string(SMALL_CITY) + instruments, 36));
  return testing::run(*model, 8);
}

constexpr std::uint32_t PAIRS = 8;
/// One-sided paired t test at p < 0.01 with 7 degrees of freedom.
constexpr double T_CRITICAL = 2.998;

// Response on common random numbers: a reward on high_tech_certified of 10万 and of 50万 raises
// first applications and grants over three years against no reward, and 50万 more than 10万
// (paired t test over 8 replications, one-sided p < 0.01, t > 2.998). Measured (2026-11-23):
// applications +7.5 (t 12.0) from 0 to 10万 and +31.9 (t 12.1) from 10万 to 50万; grants +5.9
// (t 9.2) and +20.5 (t 11.6). Power: at effects of this size (t about 9-12 with 8 pairs) a test
// at t > 3 essentially never misses; it would miss an effect under about a quarter of it. Fails
// if rewards do not enter the choice.
TEST(CityApplications, HighTechRewardRaisesApplicationsAndGrants) {
  const sim::Ensemble none = run_with("");
  const sim::Ensemble small =
      run_with("[instruments.reward]\ntrigger = \"high_tech_certified\"\nfixed = 10.0\n");
  const sim::Ensemble large =
      run_with("[instruments.reward]\ntrigger = \"high_tech_certified\"\nfixed = 50.0\n");
  for (const Metric metric : {HIGH_TECH_APPLICATIONS, HIGH_TECH_GRANTED}) {
    const Paired low = paired(none, small, metric, PAIRS);
    const Paired high = paired(small, large, metric, PAIRS);
    EXPECT_GT(low.t, T_CRITICAL) << "metric " << metric << " mean " << low.mean;
    EXPECT_GT(high.t, T_CRITICAL) << "metric " << metric << " mean " << high.mean;
    std::printf("%s: 0->10: +%.1f (t %.1f); 10->50: +%.1f (t %.1f)\n",
                metric == HIGH_TECH_GRANTED ? "grants" : "applications", low.mean, low.t, high.mean,
                high.t);
  }
}

// The same for tech-SME admissions and a 5万 reward on tech_sme_admitted. Measured
// (2026-11-23): +27.2 admissions over three years (t 12.2).
TEST(CityApplications, TechSmeRewardRaisesAdmissions) {
  const sim::Ensemble none = run_with("");
  const sim::Ensemble reward =
      run_with("[instruments.reward]\ntrigger = \"tech_sme_admitted\"\nfixed = 5.0\n");
  const Paired response = paired(none, reward, TECH_SME_ADMITTED, PAIRS);
  EXPECT_GT(response.t, T_CRITICAL) << "mean " << response.mean;
  std::printf("tech-SME admissions 0->5: +%.1f (t %.1f)\n", response.mean, response.t);
}

// Access as a benefit: an R&D subsidy open only to certified tiers (30% of R&D, cap 50万 a year)
// raises high-tech applications (paired over 8 replications on common random numbers, one-sided
// p < 0.01). Measured (2026-11-23): +49.5 applications over three years (t 32.5). Fails if
// access to tier-restricted instruments is not counted in the certificate's value.
TEST(CityApplications, TierRestrictedSubsidyRaisesApplications) {
  const sim::Ensemble none = run_with("");
  const sim::Ensemble subsidy = run_with(
      "[instruments.subsidy]\ntrigger = \"annual_rd\"\nshare = 0.3\ncap = 50.0\n"
      "tiers = [\"high_tech\", \"gazelle\", \"leader\"]\n");
  const Paired response = paired(none, subsidy, HIGH_TECH_APPLICATIONS, PAIRS);
  std::printf("applications with the subsidy: +%.1f (t %.1f)\n", response.mean, response.t);
  EXPECT_GT(response.t, T_CRITICAL) << "mean " << response.mean;
}

/// Uncertified firms that bunch (report more R&D than they do) in each January of the run, per
/// replication: the firms that chose to invest to qualify.
std::vector<double> bunchers(const std::string& instruments, std::uint32_t replications) {
  const io::Scenario scenario = city_scenario(std::string(SMALL_CITY) + instruments, 36);
  const std::vector<Instrument> all = instruments_from(scenario.values);
  const CityModel model(CityParams::from(scenario.values), all, scenario.time);
  std::vector<double> counts(replications, 0.0);
  for (std::uint32_t replication = 0; replication < replications; ++replication) {
    sim::ReplicationContext context;
    context.seed = 11;
    context.replication = replication;
    sim::SeriesBuffer series(model.metrics().size(),
                             static_cast<std::size_t>(model.time_axis().points()));
    model.run_observed(context, series, [&](const World& world, const StepCalendar& when) {
      if (!when.starts_year()) return;
      const ConstFirmView f(world.firms);
      for (std::size_t row = 0; row < world.firms.size(); ++row) {
        if (f.alive[row] != 0 && f.high_tech_until[row] <= when.step &&
            f.rd_reported[row] > f.rd_real[row])
          counts[replication] += 1.0;
      }
    });
  }
  return counts;
}

// Investing to qualify responds to the money: a 50万 reward on high_tech_certified raises the
// number of uncertified firms that close the gap to the R&D threshold (paired over 8
// replications on common random numbers, one-sided p < 0.01, t > 2.998). Measured (2026-11-23):
// +81.8 bunching firm-Januaries a replication with the reward (t 37.7; replication 0 has 149
// without it). Fails if the bunching
// decision ignores the certificate's value.
TEST(CityApplications, RewardRaisesInvestingToQualify) {
  const std::vector<double> none = bunchers("", PAIRS);
  const std::vector<double> reward =
      bunchers("[instruments.reward]\ntrigger = \"high_tech_certified\"\nfixed = 50.0\n", PAIRS);
  double mean = 0.0, var = 0.0;
  for (std::uint32_t r = 0; r < PAIRS; ++r) mean += (reward[r] - none[r]) / PAIRS;
  for (std::uint32_t r = 0; r < PAIRS; ++r)
    var += (reward[r] - none[r] - mean) * (reward[r] - none[r] - mean) / (PAIRS - 1);
  const double t = var > 0.0 ? mean / std::sqrt(var / PAIRS) : (mean > 0.0 ? INF : 0.0);
  std::printf("bunchers 0->50: +%.1f (t %.1f) of %.1f\n", mean, t, none[0]);
  EXPECT_GT(t, T_CRITICAL) << "mean " << mean;
}

// Limit for the labels: with an infinite application cost no firm is selected or renewed, so
// every label's stock is gone once the initial holds end (gazelles and leaders hold one year,
// little giants and fledglings three: the run's third label round ends them all). Fails if a
// label is given without the firm's choice.
TEST(CityApplications, InfiniteLabelCostMeansNoNewLabels) {
  const auto model =
      city_model(city_scenario(std::string(SMALL_CITY) + "label_application_cost = 1.0e12\n", 48));
  const sim::Ensemble ensemble = testing::run(*model, 2);
  const std::size_t last = ensemble.points() - 1;
  for (std::uint32_t replication = 0; replication < 2; ++replication) {
    for (const Metric metric : {LABEL_GAZELLE, LABEL_LEADER, LABEL_LITTLE_GIANT, LABEL_FLEDGLING})
      EXPECT_EQ(ensemble.at(metric, replication, last), 0.0) << "metric " << metric;
  }
  // The same city at the default cost keeps labels (the test is not vacuous).
  const auto normal = city_model(city_scenario(SMALL_CITY, 48));
  const sim::Ensemble kept = testing::run(*normal, 2);
  EXPECT_GT(kept.at(LABEL_FLEDGLING, 0, last) + kept.at(LABEL_GAZELLE, 0, last), 0.0);
}

// Rewards and a tier-restricted R&D subsidy with zero budgets are expected to pay nothing: the
// run is bit-identical to the run without them in every fixed metric. Fails if the choice reads the
// rule's amount, not the expected payment, or draws differently when an instrument exists.
TEST(CityApplications, ZeroBudgetRewardIsBitIdenticalToNone) {
  const auto bare = city_model(city_scenario(SMALL_CITY, 36));
  const auto unfunded = city_model(
      city_scenario(std::string(SMALL_CITY) +
                        "[instruments.reward]\ntrigger = \"high_tech_certified\"\nfixed = 50.0\n"
                        "budget_per_year = 0.0\n"
                        "[instruments.admitted]\ntrigger = \"tech_sme_admitted\"\nfixed = 5.0\n"
                        "budget_per_year = 0.0\n"
                        "[instruments.subsidy]\ntrigger = \"annual_rd\"\nshare = 0.2\n"
                        "tiers = [\"high_tech\", \"gazelle\"]\nbudget_per_year = 0.0\n",
                    36));
  const sim::Ensemble a = testing::run(*bare, 2);
  const sim::Ensemble b = testing::run(*unfunded, 2);
  for (std::size_t metric = 0; metric < FIXED_METRIC_COUNT; ++metric) {
    for (std::uint32_t replication = 0; replication < 2; ++replication) {
      for (std::size_t point = 0; point < a.points(); ++point) {
        ASSERT_EQ(a.at(metric, replication, point), b.at(metric, replication, point))
            << "metric " << metric << " replication " << replication << " point " << point;
      }
    }
  }
}

}  // namespace
}  // namespace innosim::models::city
