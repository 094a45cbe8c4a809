// Experimental designs: the Sobol sequence against published points, Latin hypercube strata,
// grids, Morris trajectories, and the factors' inverse CDFs against their CDFs.
#include <gtest/gtest.h>

#include <boost/math/distributions/normal.hpp>
#include <cmath>
#include <set>

#include "sim/experiment/design.hpp"
#include "sim/experiment/sobol_sequence.hpp"

namespace innosim::sim {
namespace {

Factor uniform(const std::string& name, double low = 0.0, double high = 1.0) {
  Factor factor;
  factor.name = name;
  factor.parameter = "model." + name;
  factor.low = low;
  factor.high = high;
  return factor;
}

TEST(SobolSequence, FirstPointsMatchTheJoeKuoTable) {
  // The first points of the unscrambled sequence in dimensions 1-5 (Joe & Kuo 2008 direction
  // numbers; the same as scipy.stats.qmc.Sobol(5, scramble=False), also checked in
  // tests/python against scipy itself).
  const double expected[][5] = {{0, 0, 0, 0, 0},
                                {0.5, 0.5, 0.5, 0.5, 0.5},
                                {0.75, 0.25, 0.25, 0.25, 0.75},
                                {0.25, 0.75, 0.75, 0.75, 0.25},
                                {0.375, 0.375, 0.625, 0.875, 0.375},
                                {0.875, 0.875, 0.125, 0.375, 0.875}};
  SobolSequence sequence(5);
  double point[5];
  for (const auto& row : expected) {
    sequence.next(point);
    for (int d = 0; d < 5; ++d) EXPECT_DOUBLE_EQ(point[d], row[d]);
  }
}

TEST(SobolSequence, EveryDimensionIsStratifiedOverPowersOfTwo) {
  // A (0, m, 1)-net in each dimension: the first 2^m points put one point in each interval
  // [k 2^-m, (k+1) 2^-m).
  const int dimensions = SobolSequence::max_dimensions();
  SobolSequence sequence(dimensions);
  constexpr int M = 10;
  std::vector<std::vector<int>> hits(static_cast<std::size_t>(dimensions),
                                     std::vector<int>(1 << M));
  std::vector<double> point(static_cast<std::size_t>(dimensions));
  for (int i = 0; i < (1 << M); ++i) {
    sequence.next(point.data());
    for (int d = 0; d < dimensions; ++d)
      ++hits[static_cast<std::size_t>(d)]
            [static_cast<std::size_t>(point[static_cast<std::size_t>(d)] * (1 << M))];
  }
  for (int d = 0; d < dimensions; ++d) {
    for (int k = 0; k < (1 << M); ++k)
      ASSERT_EQ(hits[static_cast<std::size_t>(d)][static_cast<std::size_t>(k)], 1)
          << "dimension " << d;
  }
}

TEST(LatinHypercube, EachProjectionHitsEveryStratumOnce) {
  const std::vector<Factor> factors = {uniform("a"), uniform("b"), uniform("c"), uniform("d")};
  for (const std::uint64_t n : {1u, 7u, 100u, 1000u}) {
    DesignOptions options;
    options.kind = DesignKind::LHS;
    options.n = n;
    options.seed = 42;
    const Design design = make_design(factors, options);
    ASSERT_EQ(design.points(), n);
    for (std::size_t f = 0; f < factors.size(); ++f) {
      std::set<std::size_t> strata;
      for (std::size_t point = 0; point < n; ++point) {
        const double u = design.row(point)[f];
        ASSERT_GE(u, 0.0);
        ASSERT_LT(u, 1.0);
        strata.insert(static_cast<std::size_t>(u * static_cast<double>(n)));
      }
      EXPECT_EQ(strata.size(), n) << "factor " << f << ", n " << n;
    }
  }
}

TEST(LatinHypercube, IsAPureFunctionOfItsSeed) {
  const std::vector<Factor> factors = {uniform("a"), uniform("b")};
  DesignOptions options;
  options.kind = DesignKind::LHS;
  options.n = 50;
  options.seed = 3;
  EXPECT_EQ(make_design(factors, options).unit, make_design(factors, options).unit);
  DesignOptions other = options;
  other.seed = 4;
  EXPECT_NE(make_design(factors, options).unit, make_design(factors, other).unit);
}

TEST(Grid, IsTheFullFactorialIncludingTheEnds) {
  Factor choice = uniform("policy");
  choice.distribution = FactorDistribution::CHOICE;
  choice.choices = {ParameterValue{std::string("national")}, ParameterValue{std::string("none")}};
  const std::vector<Factor> factors = {uniform("a", 10.0, 20.0), choice};
  DesignOptions options;
  options.kind = DesignKind::GRID;
  options.n = 3;
  const Design design = make_design(factors, options);
  ASSERT_EQ(design.points(), 6u);
  std::set<std::pair<double, std::string>> seen;
  for (std::size_t point = 0; point < 6; ++point) {
    const double a = std::get<double>(factors[0].value_at(design.row(point)[0]));
    const std::string policy = std::get<std::string>(factors[1].value_at(design.row(point)[1]));
    seen.insert({a, policy});
  }
  const std::set<std::pair<double, std::string>> expected = {{10, "national"}, {10, "none"},
                                                             {15, "national"}, {15, "none"},
                                                             {20, "national"}, {20, "none"}};
  EXPECT_EQ(seen, expected);
}

TEST(Saltelli, BlocksAreABAndTheMixedMatrices) {
  const std::vector<Factor> factors = {uniform("a"), uniform("b"), uniform("c")};
  DesignOptions options;
  options.kind = DesignKind::SOBOL;
  options.n = 8;
  options.second_order = true;
  const Design design = make_design(factors, options);
  const std::size_t block = design.sobol_block();
  ASSERT_EQ(block, 8u);
  ASSERT_EQ(design.points(), 64u);
  SobolSequence sequence(6);
  sequence.skip(1);
  double base[6];
  for (std::size_t j = 0; j < 8; ++j) {
    sequence.next(base);
    const double* a = design.row(j * block);
    const double* b = design.row(j * block + block - 1);
    for (int f = 0; f < 3; ++f) {
      EXPECT_EQ(a[f], base[f]);
      EXPECT_EQ(b[f], base[3 + f]);
    }
    for (std::size_t i = 0; i < 3; ++i) {
      const double* ab = design.row(j * block + 1 + i);
      const double* ba = design.row(j * block + 4 + i);
      for (std::size_t f = 0; f < 3; ++f) {
        EXPECT_EQ(ab[f], f == i ? b[f] : a[f]);
        EXPECT_EQ(ba[f], f == i ? a[f] : b[f]);
      }
    }
  }
}

TEST(Morris, TrajectoriesMoveOneFactorByDeltaPerStep) {
  const std::vector<Factor> factors = {uniform("a"), uniform("b"), uniform("c"), uniform("d")};
  DesignOptions options;
  options.kind = DesignKind::MORRIS;
  options.n = 30;
  options.morris_levels = 4;
  const Design design = make_design(factors, options);
  ASSERT_EQ(design.points(), 30u * 5u);
  const double delta = 4.0 / 6.0;
  for (std::size_t t = 0; t < 30; ++t) {
    std::set<std::size_t> moved;
    for (std::size_t k = 0; k < 4; ++k) {
      const double* x0 = design.row(t * 5 + k);
      const double* x1 = design.row(t * 5 + k + 1);
      std::size_t changes = 0;
      for (std::size_t f = 0; f < 4; ++f) {
        EXPECT_GE(x1[f], -1e-12);
        EXPECT_LE(x1[f], 1.0 + 1e-12);
        if (x1[f] != x0[f]) {
          ++changes;
          moved.insert(f);
          EXPECT_NEAR(std::fabs(x1[f] - x0[f]), delta, 1e-12);
        }
      }
      EXPECT_EQ(changes, 1u);
    }
    EXPECT_EQ(moved.size(), 4u);  // every factor moves once per trajectory
  }
}

TEST(Factors, InverseCdfsInvertTheirCdfs) {
  Factor log_uniform = uniform("l", 1.0, 100.0);
  log_uniform.distribution = FactorDistribution::LOG_UNIFORM;
  Factor triangular = uniform("t", 0.0, 4.0);
  triangular.distribution = FactorDistribution::TRIANGULAR;
  triangular.mode = 1.0;
  Factor normal = uniform("n", 0.0, 10.0);
  normal.distribution = FactorDistribution::NORMAL;
  normal.mean = 3.0;
  normal.sd = 2.0;
  const boost::math::normal_distribution<double> gauss(3.0, 2.0);
  for (const double u : {0.01, 0.2, 0.25, 0.5, 0.77, 0.99}) {
    const double l = std::get<double>(log_uniform.value_at(u));
    EXPECT_NEAR(std::log(l) / std::log(100.0), u, 1e-12);
    const double t = std::get<double>(triangular.value_at(u));
    const double cdf = t <= 1.0 ? t * t / (4.0 * 1.0) : 1.0 - (4.0 - t) * (4.0 - t) / (4.0 * 3.0);
    EXPECT_NEAR(cdf, u, 1e-12);
    const double x = std::get<double>(normal.value_at(u));  // truncated to [0, 10]
    const double lower = boost::math::cdf(gauss, 0.0), upper = boost::math::cdf(gauss, 10.0);
    EXPECT_NEAR((boost::math::cdf(gauss, x) - lower) / (upper - lower), u, 1e-9);
  }
}

TEST(Factors, IntegerUniformGivesEveryWholeNumberEqually) {
  Factor count = uniform("k", 2.0, 5.0);
  count.type = ParameterType::INTEGER;
  std::vector<int> hits(6, 0);
  for (int i = 0; i < 4000; ++i)
    ++hits[static_cast<std::size_t>(std::get<std::int64_t>(count.value_at((i + 0.5) / 4000.0)))];
  EXPECT_EQ(hits[2], 1000);
  EXPECT_EQ(hits[3], 1000);
  EXPECT_EQ(hits[4], 1000);
  EXPECT_EQ(hits[5], 1000);
  EXPECT_EQ(std::get<std::int64_t>(count.value_at(1.0)), 5);
}

}  // namespace
}  // namespace innosim::sim

namespace innosim::sim {
namespace {

TEST(SobolSequence, ScrambledPointsStayStratifiedAndDependOnTheSeed) {
  // The property a scramble must keep (Matoušek 1998; Owen 1995): each coordinate of the first
  // 2^m points falls once in each interval of width 2^-m. Fails if the matrix were not
  // triangular with a unit diagonal (then it would not be invertible and points would pile up),
  // or if the shift were applied per point rather than as the origin's image.
  constexpr int M = 10;
  const int dimensions = 12;
  std::vector<double> point(dimensions), plain(dimensions);
  std::vector<std::vector<double>> first_points;
  for (const std::uint64_t seed : {1u, 2u}) {
    SobolSequence sequence(dimensions);
    sequence.scramble(seed);
    SobolSequence unscrambled(dimensions);
    std::vector<std::vector<int>> hits(dimensions, std::vector<int>(1 << M));
    int different = 0;
    for (int i = 0; i < (1 << M); ++i) {
      sequence.next(point.data());
      unscrambled.next(plain.data());
      if (i == 0) first_points.push_back(point);
      for (int d = 0; d < dimensions; ++d) {
        ASSERT_GE(point[d], 0.0);
        ASSERT_LT(point[d], 1.0);
        ++hits[d][static_cast<std::size_t>(point[d] * (1 << M))];
        different += point[d] != plain[d];
      }
    }
    for (int d = 0; d < dimensions; ++d)
      for (int k = 0; k < (1 << M); ++k) ASSERT_EQ(hits[d][k], 1) << "dimension " << d;
    EXPECT_GT(different, dimensions * (1 << M) * 9 / 10);  // scrambling moved the points
  }
  EXPECT_NE(first_points[0], first_points[1]);  // another seed, another design
}

}  // namespace
}  // namespace innosim::sim
