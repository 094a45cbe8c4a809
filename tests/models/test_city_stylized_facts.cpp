// Stylized facts of firm dynamics (docs/policy-rules.md §5) that the calibrated city model
// must reproduce after a burn-in. One long run with a fixed seed: an empty city that 1,500
// technology firms a year enter, for 80 years, then every firm's state at the end of two
// consecutive years. Each tolerance is stated next to its check.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>

#include "city_fixtures.hpp"

namespace innosim::models::city {
namespace {

struct Population {
  std::vector<double> id, revenue, age_months;
};

Population columns_of(const sim::Snapshot& snapshot) {
  Population population;
  for (const auto& column : snapshot.columns) {
    if (column.name == "firm_id") population.id = column.values;
    if (column.name == "revenue") population.revenue = column.values;
    if (column.name == "age_months") population.age_months = column.values;
  }
  return population;
}

class StylizedFacts : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    const io::Scenario scenario = testing::city_scenario(
        "[city]\ninitial_candidates = 0\ninitial_tech_sme = 0\ninitial_high_tech = 0\n"
        "registrations_per_year = 50000\ntech_firm_share = 0.03\n",
        80 * 12, 2000);
    const auto model = testing::city_model(scenario);
    std::vector<sim::Snapshot> snapshots;
    sim::ReplicationContext context;
    context.seed = 2026;
    context.replication = 0;
    context.snapshots = &snapshots;
    const int years[] = {2078, 2079};
    context.snapshot_years = years;
    sim::SeriesBuffer series(model->metrics().size(),
                             static_cast<std::size_t>(model->time_axis().points()));
    ASSERT_TRUE(model->run_replication(context, series));
    ASSERT_EQ(snapshots.size(), 2u);
    before_ = new Population(columns_of(snapshots[0]));
    after_ = new Population(columns_of(snapshots[1]));
  }
  static void TearDownTestSuite() {
    delete before_;
    delete after_;
  }
  static Population* before_;
  static Population* after_;
};

Population* StylizedFacts::before_ = nullptr;
Population* StylizedFacts::after_ = nullptr;

TEST_F(StylizedFacts, UpperTailOfRevenueIsParetoWithExponentNearOne) {
  // Hill estimator on the largest 2% (Axtell 2001: exponent ~1). With k ~ 800 order
  // statistics its standard error is alpha / sqrt(k) ~ 0.04, far inside the band [0.8, 1.3].
  std::vector<double> revenue = after_->revenue;
  ASSERT_GT(revenue.size(), 30000u);
  std::sort(revenue.begin(), revenue.end(), std::greater<>());
  const std::size_t k = revenue.size() / 50;
  double sum_log = 0.0;
  for (std::size_t i = 0; i < k; ++i) sum_log += std::log(revenue[i] / revenue[k]);
  const double alpha = static_cast<double>(k) / sum_log;
  RecordProperty("hill_alpha", std::to_string(alpha));
  EXPECT_GE(alpha, 0.8);
  EXPECT_LE(alpha, 1.3);
}

/// Annual log growth of the firms alive at both snapshots, with their size and age before.
struct Growth {
  std::vector<double> rate, size, age_years;
};

Growth growth_of(const Population& before, const Population& after) {
  std::map<double, std::size_t> row_after;
  for (std::size_t row = 0; row < after.id.size(); ++row) row_after[after.id[row]] = row;
  Growth growth;
  for (std::size_t row = 0; row < before.id.size(); ++row) {
    const auto found = row_after.find(before.id[row]);
    if (found == row_after.end()) continue;
    growth.rate.push_back(std::log(after.revenue[found->second] / before.revenue[row]));
    growth.size.push_back(before.revenue[row]);
    growth.age_years.push_back(before.age_months[row] / 12.0);
  }
  return growth;
}

TEST_F(StylizedFacts, GrowthRatesAreTentShapedWithFatTails) {
  // Laplace growth rates have kurtosis 6; normal ones 3 (Stanley et al. 1996; Bottazzi &
  // Secchi). The sample of ~40,000 rates estimates kurtosis to within a few tenths.
  const Growth growth = growth_of(*before_, *after_);
  const double n = static_cast<double>(growth.rate.size());
  const double mean = std::accumulate(growth.rate.begin(), growth.rate.end(), 0.0) / n;
  double m2 = 0.0, m4 = 0.0;
  for (const double rate : growth.rate) {
    m2 += (rate - mean) * (rate - mean) / n;
    m4 += std::pow(rate - mean, 4) / n;
  }
  RecordProperty("kurtosis", std::to_string(m4 / (m2 * m2)));
  EXPECT_GT(m4 / (m2 * m2), 4.0);
}

TEST_F(StylizedFacts, SmallYoungFirmsGrowFasterOnAverage) {
  // Mean growth of firms under 5 years below the median size vs 5 years or older above it.
  // The standard error of each mean is about 0.5 / sqrt(5000) < 0.01; the gap asked is 0.02.
  const Growth growth = growth_of(*before_, *after_);
  std::vector<double> sizes = growth.size;
  std::nth_element(sizes.begin(), sizes.begin() + static_cast<std::ptrdiff_t>(sizes.size() / 2),
                   sizes.end());
  const double median = sizes[sizes.size() / 2];
  double young_sum = 0, young_count = 0, old_sum = 0, old_count = 0;
  for (std::size_t i = 0; i < growth.rate.size(); ++i) {
    if (growth.age_years[i] < 5 && growth.size[i] < median) {
      young_sum += growth.rate[i];
      ++young_count;
    } else if (growth.age_years[i] >= 5 && growth.size[i] >= median) {
      old_sum += growth.rate[i];
      ++old_count;
    }
  }
  ASSERT_GT(young_count, 1000);
  ASSERT_GT(old_count, 1000);
  RecordProperty("growth_small_young", std::to_string(young_sum / young_count));
  RecordProperty("growth_large_old", std::to_string(old_sum / old_count));
  EXPECT_GT(young_sum / young_count, old_sum / old_count + 0.02);
}

TEST_F(StylizedFacts, ExitHazardFallsWithAge) {
  // Share of the firms alive at the first snapshot that are gone a year later, by age band.
  // Each band holds thousands of firms: binomial standard errors are below 0.006, smaller
  // than the gaps between bands.
  std::map<double, bool> alive_after;
  for (const double id : after_->id) alive_after[id] = true;
  const double bands[] = {0, 2, 5, 10, 20, 1000};
  std::vector<double> hazard;
  for (int band = 0; band < 5; ++band) {
    double firms = 0, exits = 0;
    for (std::size_t row = 0; row < before_->id.size(); ++row) {
      const double age = before_->age_months[row] / 12.0;
      if (age < bands[band] || age >= bands[band + 1]) continue;
      ++firms;
      exits += alive_after.count(before_->id[row]) == 0 ? 1 : 0;
    }
    ASSERT_GT(firms, 1000) << "band " << band;
    hazard.push_back(exits / firms);
    RecordProperty("exit_rate_band_" + std::to_string(band), std::to_string(exits / firms));
  }
  for (std::size_t band = 1; band < hazard.size(); ++band)
    EXPECT_LT(hazard[band], hazard[band - 1]) << "band " << band;
  // About 6% of firms exit a year in China (docs/policy-rules.md §5.4): the youngest band is
  // above it, the oldest below.
  EXPECT_GT(hazard.front(), 0.06);
  EXPECT_LT(hazard.back(), 0.06);
}

}  // namespace
}  // namespace innosim::models::city
