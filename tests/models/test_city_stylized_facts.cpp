// Stylized facts of firm dynamics (docs/model.md §3.5; docs/policy-rules.md §5) that the city
// model must reproduce, on two populations:
//   StylizedFacts  the stationary population of a long burn-in: an empty city that 1,500
//                  technology firms a year enter for 80 years (seed 2026), observed at the ends
//                  of its last six years;
//   ExampleCity    the population a city runs: scenarios/examples/city.toml (信阳 2022-2025),
//                  eight replications observed at the ends of 2022-2025.
// The replications are run by a copy of the model's step loop that hands the whole firm table
// to the test at every year's end (ObservedRun): annual accounts (last year's and the year
// before's sales) are state that snapshots do not write. A test checks that the copy gives the
// model's own series exactly. Each tolerance is stated next to its check, with what would make
// the check fail.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <map>
#include <numeric>

#include "city_fixtures.hpp"
#include "models/city/modules/exit.hpp"

namespace innosim::models::city {
namespace {

/// One firm at a year's end.
struct FirmYear {
  std::uint32_t id = 0;
  double revenue = 0;   ///< annual rate in December
  double sales_y1 = 0;  ///< sales of the year just ended
  double sales_y2 = 0;  ///< sales of the year before
  int age_months = 0;
};

/// What a replication shows: every alive firm at the end of each observed year, and the firms
/// that entered during each observed year (counted in the step they entered, exits included).
struct Observed {
  std::map<int, std::vector<FirmYear>> year_ends;
  std::map<int, double> entries;
};

[[nodiscard]] int entry_step(std::uint32_t id) {
  return id < FIRST_ENTRY_ID ? -1 : static_cast<int>((id >> 13) & 0xffffu);
}

/// Runs replications [0, replications) and keeps the years [first_year, last_year].
std::vector<Observed> observe_run(const io::Scenario& scenario, std::uint64_t seed,
                                  std::uint32_t replications, int first_year, int last_year) {
  const std::vector<Instrument> instruments = instruments_from(scenario.values);
  const CityModel model(CityParams::from(scenario.values), instruments, scenario.time);
  std::vector<Observed> runs(replications);
  for (std::uint32_t replication = 0; replication < replications; ++replication) {
    Observed& observed = runs[replication];
    sim::ReplicationContext context;
    context.seed = seed;
    context.replication = replication;
    sim::SeriesBuffer series(model.metrics().size(),
                             static_cast<std::size_t>(model.time_axis().points()));
    model.run_observed(context, series, [&](const World& world, const StepCalendar& when) {
      if (when.year < first_year || when.year > last_year) return;
      const ConstFirmView f(world.firms);
      double entered = 0;
      for (std::size_t row = 0; row < world.firms.size(); ++row)
        entered += entry_step(f.id[row]) == when.step ? 1 : 0;
      observed.entries[when.year] += entered;
      if (!when.ends_year()) return;
      std::vector<FirmYear>& firms = observed.year_ends[when.year];
      for (std::size_t row = 0; row < world.firms.size(); ++row) {
        if (f.alive[row] == 0) continue;
        firms.push_back({f.id[row], f.revenue[row], f.revenue_y1[row], f.revenue_y2[row],
                         static_cast<int>(f.age_months[row])});
      }
      std::sort(firms.begin(), firms.end(),
                [](const FirmYear& a, const FirmYear& b) { return a.id < b.id; });
    });
  }
  return runs;
}

const FirmYear* find(const std::vector<FirmYear>& firms, std::uint32_t id) {
  const auto found = std::lower_bound(firms.begin(), firms.end(), id,
                                      [](const FirmYear& a, std::uint32_t b) { return a.id < b; });
  return found != firms.end() && found->id == id ? &*found : nullptr;
}

// ---------------------------------------------------------------------------------------------
// Measurements, as the empirical literature makes them.

/// Annual log growth of firms alive through two whole years Y-1 and Y (entered before Y-1: at
/// least 13 months old at the end of Y-1), in five classes: quintiles of the base year's sales,
/// within each pair of years.
struct GrowthSample {
  std::array<std::vector<double>, 5> sales;  ///< log(sales of Y / sales of Y-1), accounts
  std::array<std::vector<double>, 5> point;  ///< log(December rate of Y / of Y-1)
  std::vector<double> all_sales, size, age_years;
};

void add_growth(const Observed& observed, GrowthSample& sample) {
  for (const auto& [year, firms] : observed.year_ends) {
    const auto before = observed.year_ends.find(year - 1);
    if (before == observed.year_ends.end()) continue;
    struct Pair {
      double base, sales, point, age;
    };
    std::vector<Pair> pairs;
    for (const FirmYear& then : before->second) {
      if (then.age_months < 13) continue;  // the year Y-1 is not a whole year of sales
      const FirmYear* now = find(firms, then.id);
      if (now == nullptr) continue;
      pairs.push_back({now->sales_y2, std::log(now->sales_y1 / now->sales_y2),
                       std::log(now->revenue / then.revenue), then.age_months / 12.0});
    }
    std::vector<double> bases;
    for (const Pair& pair : pairs) bases.push_back(pair.base);
    std::sort(bases.begin(), bases.end());
    for (const Pair& pair : pairs) {
      const auto rank = std::lower_bound(bases.begin(), bases.end(), pair.base) - bases.begin();
      const std::size_t quintile = std::min<std::size_t>(
          4, static_cast<std::size_t>(rank) * 5 / std::max<std::size_t>(1, bases.size()));
      sample.sales[quintile].push_back(pair.sales);
      sample.point[quintile].push_back(pair.point);
      sample.all_sales.push_back(pair.sales);
      sample.size.push_back(pair.base);
      sample.age_years.push_back(pair.age);
    }
  }
}

double kurtosis(const std::vector<double>& values) {
  const double n = static_cast<double>(values.size());
  const double mean = std::accumulate(values.begin(), values.end(), 0.0) / n;
  double m2 = 0.0, m4 = 0.0;
  for (const double value : values) {
    const double d = (value - mean) * (value - mean);
    m2 += d / n;
    m4 += d * d / n;
  }
  return m4 / (m2 * m2);
}

/// Exit rates by year of life as the national survival report counts them (国家工商总局 2013):
/// year 1 is the founding calendar year, year n the (n)th calendar year of a firm's life.
/// Year 1: entrants of a year that are gone at its end, of the year's entrants. Year n >= 2:
/// firms alive at the end of Y-1 in their (n-1)th year that are gone at the end of Y.
struct ExitCount {
  std::map<int, double> at_risk, exits;  ///< by year of life
  double stock = 0, all_exits = 0, exit_age_sum = 0;

  [[nodiscard]] double rate(int first, int last) const {
    double risk = 0, gone = 0;
    for (int n = first; n <= last; ++n) {
      risk += at_risk.count(n) ? at_risk.at(n) : 0.0;
      gone += exits.count(n) ? exits.at(n) : 0.0;
    }
    return gone / risk;
  }
};

void add_exits(const Observed& observed, ExitCount& count) {
  for (const auto& [year, firms] : observed.year_ends) {
    const auto before = observed.year_ends.find(year - 1);
    if (before == observed.year_ends.end()) continue;
    double founded_alive = 0;
    for (const FirmYear& now : firms) {
      const int step = entry_step(now.id);
      if (step >= 0 && now.age_months <= 12) founded_alive += 1;  // entered during Y
    }
    const double entries = observed.entries.at(year);
    count.at_risk[1] += entries;
    count.exits[1] += entries - founded_alive;
    count.all_exits += entries - founded_alive;
    count.exit_age_sum += (entries - founded_alive) * 0.25;  // half of half a year, on average
    for (const FirmYear& then : before->second) {
      const int n = (then.age_months + 11) / 12 + 1;
      count.at_risk[n] += 1;
      count.stock += 1;
      if (find(firms, then.id) == nullptr) {
        count.exits[n] += 1;
        count.all_exits += 1;
        count.exit_age_sum += (then.age_months + 6) / 12.0;
      }
    }
  }
}

/// Hill estimate of the Pareto exponent from the largest `share` of the values.
double hill(std::vector<double> values, double share) {
  std::sort(values.begin(), values.end(), std::greater<>());
  const auto k = static_cast<std::size_t>(share * static_cast<double>(values.size()));
  double sum_log = 0.0;
  for (std::size_t i = 0; i < k; ++i) sum_log += std::log(values[i] / values[k]);
  return static_cast<double>(k) / sum_log;
}

// ---------------------------------------------------------------------------------------------

TEST(CityDynamics, ExitHazardIsHumpShapedInAge) {
  // The hazard against hand computations at the defaults (birth 0.015, peak 0.085 at 2 years,
  // old 0.04, decline 15 years): at 1 year (0.015 + 0.085) / 2 = 0.05; at 2 years 0.085; at
  // 7 years 0.04 + 0.045 e^(-1/3) = 0.07224; at 17 years 0.04 + 0.045 e^(-1) = 0.05655; old
  // 0.04. A hazard monotone in age, or peaking elsewhere, fails. Tolerance 1e-9: double
  // arithmetic.
  const CityParams p = CityParams::defaults();
  EXPECT_NEAR(exit_hazard_at_age(p, 0.0), 0.015, 1e-9);
  EXPECT_NEAR(exit_hazard_at_age(p, 1.0), 0.05, 1e-9);
  EXPECT_NEAR(exit_hazard_at_age(p, 2.0), 0.085, 1e-9);
  EXPECT_NEAR(exit_hazard_at_age(p, 7.0), 0.04 + 0.045 * std::exp(-1.0 / 3.0), 1e-9);
  EXPECT_NEAR(exit_hazard_at_age(p, 17.0), 0.04 + 0.045 * std::exp(-1.0), 1e-9);
  EXPECT_NEAR(exit_hazard_at_age(p, 500.0), 0.04, 1e-9);
}

TEST(CityDynamics, ObservedRunIsTheModelsRun) {
  // The tests below measure through CityModel::run_observed; observing must leave the run as
  // it is: its series equal the plain run's, value for value, on two years of the example city
  // (burn-in, instruments paying, entry, exits, compaction). Fails if the observed path runs
  // the model differently (e.g. skips a phase or draws from other streams).
  io::Scenario scenario = io::load_scenario(INNOSIM_SOURCE_DIR "/scenarios/examples/city.toml");
  scenario.time.steps = 24;
  const std::vector<Instrument> instruments = instruments_from(scenario.values);
  const CityModel model(CityParams::from(scenario.values), instruments, scenario.time);
  const auto points = static_cast<std::size_t>(model.time_axis().points());
  sim::ReplicationContext context;
  context.seed = 5;
  context.replication = 1;
  sim::SeriesBuffer expected(model.metrics().size(), points);
  sim::SeriesBuffer observed(model.metrics().size(), points);
  ASSERT_TRUE(model.run_replication(context, expected));
  ASSERT_TRUE(model.run_observed(context, observed, [](const World&, const StepCalendar&) {}));
  for (std::size_t metric = 0; metric < model.metrics().size(); ++metric) {
    for (std::size_t point = 0; point < points; ++point)
      ASSERT_EQ(observed.metric(metric)[point], expected.metric(metric)[point])
          << model.metrics()[metric].name << " at point " << point;
  }
}

class StylizedFacts : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    const io::Scenario scenario = testing::city_scenario(
        "[city]\ninitial_candidates = 0\ninitial_tech_sme = 0\ninitial_high_tech = 0\n"
        "registrations_per_year = 50000\ntech_firm_share = 0.03\n",
        80 * 12, 2000);
    const std::vector<Observed> runs = observe_run(scenario, 2026, 1, 2074, 2079);
    last_ = new std::vector<FirmYear>(runs[0].year_ends.at(2079));
    growth_ = new GrowthSample();
    add_growth(runs[0], *growth_);
    exits_ = new ExitCount();
    add_exits(runs[0], *exits_);
  }
  static void TearDownTestSuite() {
    delete last_;
    delete growth_;
    delete exits_;
  }
  static std::vector<FirmYear>* last_;
  static GrowthSample* growth_;
  static ExitCount* exits_;
};

std::vector<FirmYear>* StylizedFacts::last_ = nullptr;
GrowthSample* StylizedFacts::growth_ = nullptr;
ExitCount* StylizedFacts::exits_ = nullptr;

TEST_F(StylizedFacts, UpperTailOfRevenueIsParetoWithExponentNearOneAtEveryCutoff) {
  // Hill estimator on the largest 1%, 2% and 5% of December revenue (Axtell 2001: exponent
  // ~1). The stationary population is ~24,000 firms (1,500 entrants a year times a mean life of
  // ~16 years): with k >= 240 order statistics the standard error is alpha / sqrt(k) <= 0.07,
  // inside the band [0.8, 1.3]; the band at three cutoffs fails for a lognormal or a curved
  // tail (the old model's estimates drifted from 0.87 to 1.45 over the cutoffs), and for a
  // Gibrat process whose large firms' mean growth exceeds or falls short of their exit rate
  // (growth_drift 0.07 instead of 0.04 gives 1.01, 0.92, 0.78).
  std::vector<double> revenue;
  for (const FirmYear& firm : *last_) revenue.push_back(firm.revenue);
  ASSERT_GT(revenue.size(), 20000u);
  for (const double share : {0.01, 0.02, 0.05}) {
    const double alpha = hill(revenue, share);
    RecordProperty("hill_alpha_" + std::to_string(static_cast<int>(share * 100)),
                   std::to_string(alpha));
    EXPECT_GE(alpha, 0.8) << "top " << share;
    EXPECT_LE(alpha, 1.3) << "top " << share;
  }
}

TEST_F(StylizedFacts, AnnualGrowthIsTentShapedWithinEverySizeClass) {
  // Laplace growth rates have kurtosis 6, normal ones 3 (Stanley et al. 1996; Bottazzi &
  // Secchi 2003, 2006, within size classes too). Checked on the annual accounts' sales growth,
  // what the empirical studies (annual sales) and the certification rules (sales growth) use;
  // December-to-December revenue growth is recorded beside it. Five years of a stationary
  // population give ~21,000 rates per class: the sampling sd of a Laplace sample's kurtosis is
  // about sqrt(2520 / n) ~ 0.35, so 5 is ~3 sd below 6 (six other seeds gave 5.65-6.9). Monthly
  // shocks summing to a year (as before: 3.4-3.5 here) or Gaussian shocks fail; so do shocks
  // spread over the months of a year, whose annual sales growth averages two years' shocks
  // (4.5-5.2 here, while December-to-December growth stays at 5.3-7.5).
  for (std::size_t quintile = 0; quintile < 5; ++quintile) {
    ASSERT_GT(growth_->sales[quintile].size(), 10000u);
    RecordProperty("rates_q" + std::to_string(quintile + 1),
                   std::to_string(growth_->sales[quintile].size()));
    const double sales = kurtosis(growth_->sales[quintile]);
    const double point = kurtosis(growth_->point[quintile]);
    RecordProperty("kurtosis_sales_q" + std::to_string(quintile + 1), std::to_string(sales));
    RecordProperty("kurtosis_point_q" + std::to_string(quintile + 1), std::to_string(point));
    EXPECT_GE(sales, 5.0) << "size quintile " << quintile + 1;
  }
}

TEST_F(StylizedFacts, SmallYoungFirmsGrowFasterOnAverage) {
  // Mean sales growth of firms under 5 years below the median size vs 5 years or older above
  // it. The standard error of each mean is about 0.5 / sqrt(10000) < 0.01; the gap asked is
  // 0.02. Fails if the youth drift (growth_young) is off or swamped.
  std::vector<double> sizes = growth_->size;
  std::nth_element(sizes.begin(), sizes.begin() + static_cast<std::ptrdiff_t>(sizes.size() / 2),
                   sizes.end());
  const double median = sizes[sizes.size() / 2];
  double young_sum = 0, young_count = 0, old_sum = 0, old_count = 0;
  for (std::size_t i = 0; i < growth_->all_sales.size(); ++i) {
    if (growth_->age_years[i] < 5 && growth_->size[i] < median) {
      young_sum += growth_->all_sales[i];
      ++young_count;
    } else if (growth_->age_years[i] >= 5 && growth_->size[i] >= median) {
      old_sum += growth_->all_sales[i];
      ++old_count;
    }
  }
  ASSERT_GT(young_count, 1000);
  ASSERT_GT(old_count, 1000);
  RecordProperty("growth_small_young", std::to_string(young_sum / young_count));
  RecordProperty("growth_large_old", std::to_string(old_sum / old_count));
  EXPECT_GT(young_sum / young_count, old_sum / old_count + 0.02);
}

TEST_F(StylizedFacts, ExitRateIsAboutSixPercentAndPeaksInYearsThreeToSeven) {
  // 国家工商总局 (2013), data/observed/statistics.csv: 6.2% of firms exit a year; by year of
  // life 1.6% in the founding year, 6.3% in the second, 9.5% in the third (the peak), above 8%
  // through the seventh, falling after. Five years of a stationary population (~1,500 firms
  // per year of life at the young end): binomial standard errors ~0.3 points for year 1-2 and
  // for the pooled bands, ~0.7 for single years. Checked: the overall rate within [5%, 7%]
  // (the old model's 3.2% fails); year 1 below 4% and below year 2, year 2 below the years-3-7
  // band; that band at least 7.5% (observed >= 8%, less a sampling and calibration margin);
  // the single year with the highest rate among years 1-15 is one of 3-7; and the rate falling
  // over 8-12, 13-20 and 21+ years. A hazard falling from birth (as before) fails five of these
  // (0.12 at birth falling to 0.03 gives year 2 10.8%, years 3-7 6.8%). The levels are
  // calibrated (docs/model.md §3.2.6): the checks guard them against the size factor, distress
  // and selection, which shape the measured rates.
  const ExitCount& e = *exits_;
  const double overall = e.all_exits / e.stock;
  RecordProperty("exit_rate", std::to_string(overall));
  RecordProperty("mean_exit_age_years", std::to_string(e.exit_age_sum / e.all_exits));
  std::map<int, double> by_year;
  for (int n = 1; n <= 15; ++n) {
    by_year[n] = e.rate(n, n);
    RecordProperty("exit_rate_year_" + std::to_string(n), std::to_string(by_year[n]));
  }
  const double years_3_7 = e.rate(3, 7), years_8_12 = e.rate(8, 12), years_13_20 = e.rate(13, 20),
               years_21_on = e.rate(21, 1000);
  RecordProperty("exit_rate_years_3_7", std::to_string(years_3_7));
  RecordProperty("exit_rate_years_8_12", std::to_string(years_8_12));
  RecordProperty("exit_rate_years_13_20", std::to_string(years_13_20));
  RecordProperty("exit_rate_years_21_on", std::to_string(years_21_on));
  EXPECT_GE(overall, 0.05);
  EXPECT_LE(overall, 0.07);
  EXPECT_LT(by_year[1], 0.04);
  EXPECT_LT(by_year[1], by_year[2]);
  EXPECT_LT(by_year[2], years_3_7);
  EXPECT_GE(years_3_7, 0.075);
  const auto peak =
      std::max_element(by_year.begin(), by_year.end(),
                       [](const auto& a, const auto& b) { return a.second < b.second; });
  EXPECT_GE(peak->first, 3);
  EXPECT_LE(peak->first, 7);
  EXPECT_LT(years_8_12, years_3_7);
  EXPECT_LT(years_13_20, years_8_12);
  EXPECT_LT(years_21_on, years_13_20);
}

class ExampleCity : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    const io::Scenario scenario =
        io::load_scenario(INNOSIM_SOURCE_DIR "/scenarios/examples/city.toml");
    const std::vector<Observed> runs = observe_run(scenario, 1, REPLICATIONS, 2022, 2025);
    growth_ = new GrowthSample();
    exits_ = new ExitCount();
    last_ = new std::vector<double>();
    for (const Observed& run : runs) {
      add_growth(run, *growth_);
      add_exits(run, *exits_);
      for (const FirmYear& firm : run.year_ends.at(2025)) last_->push_back(firm.revenue);
    }
  }
  static void TearDownTestSuite() {
    delete growth_;
    delete exits_;
    delete last_;
  }
  static constexpr std::uint32_t REPLICATIONS = 8;
  static GrowthSample* growth_;
  static ExitCount* exits_;
  static std::vector<double>* last_;
};

GrowthSample* ExampleCity::growth_ = nullptr;
ExitCount* ExampleCity::exits_ = nullptr;
std::vector<double>* ExampleCity::last_ = nullptr;

TEST_F(ExampleCity, AnnualGrowthIsTentShapedWithinEverySizeClass) {
  // As on the burn-in, on the sales growth of 2023, 2024 and 2025 (2022 is the first year the
  // model runs: its sales are the model's, the history before is the initial draw's), eight
  // replications: ~16,000 rates per class, sampling sd of the kurtosis ~0.4 for Laplace rates
  // (6), so 5 is ~2.5 sd below (six other seeds gave 5.5-6.7); normal or month-summed shocks
  // (~3-3.3) are ~4 sd below 5.
  for (std::size_t quintile = 0; quintile < 5; ++quintile) {
    ASSERT_GT(growth_->sales[quintile].size(), 3000u);
    RecordProperty("rates_q" + std::to_string(quintile + 1),
                   std::to_string(growth_->sales[quintile].size()));
    const double sales = kurtosis(growth_->sales[quintile]);
    RecordProperty("kurtosis_sales_q" + std::to_string(quintile + 1), std::to_string(sales));
    RecordProperty("kurtosis_point_q" + std::to_string(quintile + 1),
                   std::to_string(kurtosis(growth_->point[quintile])));
    EXPECT_GE(sales, 5.0) << "size quintile " << quintile + 1;
  }
  // Recorded only: the size distribution at the end of 2025 is mostly the initial draw
  // (lognormal today; a burn-in of the model's processes replaces it in parallel), which four
  // years of growth do not turn into a Pareto tail; the burn-in's tail check applies once the
  // initial population is that burn-in's.
  for (const double share : {0.01, 0.02, 0.05})
    RecordProperty("hill_alpha_" + std::to_string(static_cast<int>(share * 100)),
                   std::to_string(hill(*last_, share)));
}

TEST_F(ExampleCity, ExitRatePeaksInYearsThreeToSeven) {
  // The same counts over 2023-2025 and eight replications. The initial firms' ages are a draw
  // (being replaced by a burn-in), so only the shape is checked, which the hazard makes: the
  // founding and second years below the years-3-7 band, the band above the years 13 and on.
  // Binomial standard errors: ~0.3 points for the founding year (~10,000 entrants), ~0.4 for
  // the bands. The overall rate depends on the initial ages and is recorded only.
  const ExitCount& e = *exits_;
  RecordProperty("exit_rate", std::to_string(e.all_exits / e.stock));
  const double year_1 = e.rate(1, 1), year_2 = e.rate(2, 2), years_3_7 = e.rate(3, 7),
               years_13_on = e.rate(13, 1000);
  RecordProperty("exit_rate_year_1", std::to_string(year_1));
  RecordProperty("exit_rate_year_2", std::to_string(year_2));
  RecordProperty("exit_rate_years_3_7", std::to_string(years_3_7));
  RecordProperty("exit_rate_years_13_on", std::to_string(years_13_on));
  EXPECT_LT(year_1, year_2);
  EXPECT_LT(year_2, years_3_7);
  EXPECT_LT(years_13_on, years_3_7);
}

}  // namespace
}  // namespace innosim::models::city
