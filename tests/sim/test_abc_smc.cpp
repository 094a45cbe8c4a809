// ABC-SMC (sim/calibration/abc_smc.hpp) against answers known from outside the code: the
// posterior of a normal mean under a flat prior, the coverage of credible intervals over data
// sets drawn from the prior, the prior itself when the data say nothing, numpy's quantiles and
// scipy's densities; then the bookkeeping (candidate ids, batches, stopping), bit
// reproducibility whatever the simulator's threading, resume and cancellation.
//
// Every simulator here is y_m = theta_0 + e_m with e_m ~ N(0, 1) drawn from a Philox stream keyed
// by (candidate id, replication), so a candidate's summaries do not depend on its batch.
#include <gtest/gtest.h>

#include <algorithm>
#include <boost/math/distributions/normal.hpp>
#include <cmath>
#include <cstdlib>
#include <iostream>
#include <set>
#include <thread>

#include "sim/calibration/abc_smc.hpp"
#include "sim/rng/distributions.hpp"
#include "sim/rng/stream.hpp"

namespace innosim::sim {
namespace {

constexpr StreamPurpose PURPOSE_TEST_NOISE = 99;

Factor uniform_prior(const std::string& name, double low, double high) {
  Factor factor;
  factor.name = name;
  factor.parameter = "model." + name;
  factor.distribution = FactorDistribution::UNIFORM;
  factor.low = low;
  factor.high = high;
  return factor;
}

Factor log_uniform_prior(const std::string& name, double low, double high) {
  Factor factor = uniform_prior(name, low, high);
  factor.distribution = FactorDistribution::LOG_UNIFORM;
  return factor;
}

AbcObservation observation(const std::string& name, double value, double scale = 1.0) {
  return AbcObservation{name, value, scale, false};
}

/// Summary m of candidate `id`, replication r: theta_0 * signal[m] + N(0, 1).
/// signal[m] = 0 makes observation m pure noise, unrelated to every parameter.
struct NoisySimulator {
  std::uint64_t noise_seed = 7;
  std::size_t parameters = 1;
  std::uint32_t replications = 1;
  std::vector<double> signal = {1.0};

  void simulate_one(std::uint64_t id, const double* theta, double* summaries) const {
    const std::size_t observations = signal.size();
    for (std::uint32_t r = 0; r < replications; ++r) {
      const StreamKey stream(noise_seed, PURPOSE_TEST_NOISE,
                             static_cast<std::uint32_t>(id * replications + r), 0);
      for (std::size_t m = 0; m < observations; ++m) {
        const PhiloxBlock words = stream.block(static_cast<std::uint32_t>(m));
        summaries[r * observations + m] =
            theta[0] * signal[m] + static_cast<double>(normal(words[0], words[1]));
      }
    }
  }
  AbcSimulator serial() const {
    return [*this](std::uint64_t first_id, std::size_t count, std::span<const double> theta,
                   std::span<double> summaries) {
      const std::size_t per_candidate = replications * signal.size();
      for (std::size_t c = 0; c < count; ++c)
        simulate_one(first_id + c, &theta[c * parameters], &summaries[c * per_candidate]);
      return true;
    };
  }
  /// Four threads, each taking every fourth candidate from the end of the batch backwards.
  AbcSimulator threaded() const {
    return [*this](std::uint64_t first_id, std::size_t count, std::span<const double> theta,
                   std::span<double> summaries) {
      const std::size_t per_candidate = replications * signal.size();
      std::vector<std::thread> threads;
      for (std::size_t t = 0; t < 4; ++t)
        threads.emplace_back([&, t] {
          for (std::size_t k = t; k < count; k += 4) {
            const std::size_t c = count - 1 - k;
            simulate_one(first_id + c, &theta[c * parameters], &summaries[c * per_candidate]);
          }
        });
      for (auto& thread : threads) thread.join();
      return true;
    };
  }
};

void run_to_end(AbcSmc& abc, const AbcSimulator& simulate) {
  while (!abc.finished()) ASSERT_TRUE(abc.run_generation(simulate));
}

struct Moments {
  double mean = 0.0;
  double sd = 0.0;
};
Moments weighted_moments(const AbcGeneration& generation, std::size_t parameter) {
  Moments moments;
  const std::size_t p_count = generation.parameters;
  for (std::size_t i = 0; i < generation.particles(); ++i)
    moments.mean += generation.weights[i] * generation.values[i * p_count + parameter];
  double variance = 0.0;
  for (std::size_t i = 0; i < generation.particles(); ++i) {
    const double gap = generation.values[i * p_count + parameter] - moments.mean;
    variance += generation.weights[i] * gap * gap;
  }
  moments.sd = std::sqrt(variance);
  return moments;
}

/// Kolmogorov-Smirnov distance between a generation's weighted empirical CDF of one
/// parameter and a CDF.
template <typename Cdf>
double ks_distance(const AbcGeneration& generation, std::size_t parameter, Cdf cdf) {
  std::vector<std::pair<double, double>> points;  // value, weight
  for (std::size_t i = 0; i < generation.particles(); ++i)
    points.emplace_back(generation.values[i * generation.parameters + parameter],
                        generation.weights[i]);
  std::sort(points.begin(), points.end());
  double below = 0.0;
  double largest = 0.0;
  for (const auto& [value, weight] : points) {
    const double f = cdf(value);
    largest = std::max(largest, std::fabs(f - below));
    below += weight;
    largest = std::max(largest, std::fabs(f - below));
  }
  return largest;
}

/// The 1% critical value of the one-sample KS statistic, 1.628 / sqrt(n) (scipy's
/// kstwo.ppf(0.99, 1000) x sqrt(1000) = 1.622), with n the effective sample size: weighted
/// particles of one generation are independent draws given the previous generation. Kish's
/// effective sample size (AbcGeneration::effective_sample_size) understates the Monte Carlo
/// error of weighted particles: over 20 seeds of the known-answer problem the z-scores of the
/// posterior mean had rms 1.1 with one parameter and 1.6 with two (one unidentified). So
/// `inflation` (the z-scores' rms) divides the effective sample size by its square.
double ks_critical_1pct(double effective_n, double inflation = 1.0) {
  return 1.628 * inflation / std::sqrt(effective_n);
}

// ---------------------------------------------------------------------------------------------
// 1. Known answer.

TEST(AbcSmcKnownAnswer, NormalMeanUnderAFlatPriorMatchesTheAnalyticPosterior) {
  // theta ~ U(-10, 10), y = theta + N(0, 1), observed 1.3. The ABC posterior at tolerance eps
  // accepts |theta + e - 1.3| <= eps: N(1.3, 1) convolved with U(-eps, eps) (the prior's
  // truncation at 8.7 sd is invisible), mean 1.3, sd sqrt(1 + eps^2 / 3).
  // Tolerance: 4 Monte Carlo standard errors from the effective sample size (mean: sd /
  // sqrt(ESS); sd: sd / sqrt(2 ESS)); a wrong weight formula (e.g. dropping the kernel sum)
  // inflates the sd by far more, since the kernel's pull towards 1.3 would then be uncorrected.
  AbcOptions options;
  options.particles = 2000;
  options.target_tolerance = 0.1;
  options.min_acceptance = 0.0;
  options.max_generations = 20;
  options.seed = 11;
  AbcSmc abc({uniform_prior("theta", -10.0, 10.0)}, {observation("y", 1.3)}, options);
  run_to_end(abc, NoisySimulator{}.serial());
  const AbcGeneration& last = abc.generations().back();
  ASSERT_LE(last.tolerance, 0.1) << abc.stop_reason();
  const double eps = last.tolerance;
  const double expected_sd = std::sqrt(1.0 + eps * eps / 3.0);
  const double ess = last.effective_sample_size();
  const Moments posterior = weighted_moments(last, 0);
  std::cout << "[ known answer ] generations " << abc.generations().size() << ", tolerance " << eps
            << ", ESS " << ess << ", mean " << posterior.mean << " (1.3), sd " << posterior.sd
            << " (" << expected_sd << "), acceptance " << last.acceptance_rate << "\n";
  EXPECT_NEAR(posterior.mean, 1.3, 4.0 * expected_sd / std::sqrt(ess));
  EXPECT_NEAR(posterior.sd, expected_sd, 4.0 * expected_sd / std::sqrt(2.0 * ess));
  EXPECT_GT(ess, 0.3 * static_cast<double>(options.particles));  // weights not degenerate
  // Tolerances never increase: each is a quantile of distances at most the previous one.
  for (std::size_t g = 2; g < abc.generations().size(); ++g)
    EXPECT_LE(abc.generations()[g].tolerance, abc.generations()[g - 1].tolerance);
}

// ---------------------------------------------------------------------------------------------
// 2. Coverage of 90% credible intervals over data sets drawn from the prior.

/// The share of `data_sets` calibrations whose central 90% credible interval covers the theta*
/// that generated the data; theta* ~ U(-10, 10), y = theta* + N(0, 1).
double coverage_of_90pct_intervals(int data_sets, std::size_t particles) {
  int covered = 0;
  for (int k = 0; k < data_sets; ++k) {
    const StreamKey truth(2024, PURPOSE_TEST_NOISE, static_cast<std::uint32_t>(k), 1);
    const PhiloxBlock words = truth.block(0);
    const double theta_star = -10.0 + 20.0 * u01_double(words[0], words[1]);
    const double y = theta_star + static_cast<double>(normal(words[2], words[3]));
    AbcOptions options;
    options.particles = particles;
    options.target_tolerance = 0.2;
    options.min_acceptance = 0.0;
    options.max_generations = 20;
    options.seed = 100 + static_cast<std::uint64_t>(k);
    AbcSmc abc({uniform_prior("theta", -10.0, 10.0)}, {observation("y", y)}, options);
    NoisySimulator simulator;
    simulator.noise_seed = 5000 + static_cast<std::uint64_t>(k);  // independent of the data
    run_to_end(abc, simulator.serial());
    const AbcGeneration& last = abc.generations().back();
    const double low = weighted_quantile(last.values, last.weights, 0.05);
    const double high = weighted_quantile(last.values, last.weights, 0.95);
    covered += (low <= theta_star && theta_star <= high) ? 1 : 0;
  }
  return static_cast<double>(covered) / data_sets;
}

TEST(AbcSmcCoverage, NinetyPercentIntervalsCoverNinetyPercentShort) {
  // n = 100 data sets: a binomial(100, 0.9) share lies in 0.90 +- 2.576 x 0.03 = [0.823, 0.977]
  // with probability 99%. Tolerance 0.2 widens the ABC posterior by sqrt(1 + 0.2^2/3), 0.7%:
  // coverage 0.901, negligible. Fails if the weights are wrong (intervals too narrow or
  // too wide) or the posterior is centred off the data. The long version is below.
  const double coverage = coverage_of_90pct_intervals(100, 300);
  std::cout << "[ coverage ] 100 data sets: " << coverage << "\n";
  EXPECT_GE(coverage, 0.823);
  EXPECT_LE(coverage, 0.977);
}

TEST(AbcSmcCoverage, DISABLED_NinetyPercentIntervalsCoverNinetyPercentLong) {
  // Run with --gtest_also_run_disabled_tests --gtest_filter='AbcSmcCoverage.DISABLED_*'.
  // n = 1000 data sets: 0.90 +- 2.576 x 0.0095 = [0.8756, 0.9244] with probability 99%.
  const double coverage = coverage_of_90pct_intervals(1000, 500);
  std::cout << "[ coverage ] 1000 data sets: " << coverage << "\n";
  EXPECT_GE(coverage, 0.8756);
  EXPECT_LE(coverage, 0.9244);
}

// ---------------------------------------------------------------------------------------------
// 3. When the data say nothing the posterior is the prior; more data narrow it.

TEST(AbcSmcUninformative, AnObservationWithAHugeScaleLeavesThePrior) {
  // The only observation about theta has scale 1e9; a second observation (scale 1) is pure
  // noise unrelated to theta. The adaptive tolerances then select on the noise alone, so theta's
  // posterior must be its prior U(-10, 10): KS distance below its 1% critical value at the
  // effective sample size. Control: the same with scale 1 is far from the prior, so the test can
  // fail.
  auto posterior_ks = [](double scale, double* ess) {
    AbcOptions options;
    options.particles = 1000;
    options.max_generations = 5;
    options.min_acceptance = 0.0;
    options.seed = 3;
    AbcSmc abc({uniform_prior("theta", -10.0, 10.0)},
               {observation("about theta", 1.3, scale), observation("noise", 0.0)}, options);
    NoisySimulator simulator;
    simulator.signal = {1.0, 0.0};
    run_to_end(abc, simulator.serial());
    const AbcGeneration& last = abc.generations().back();
    *ess = last.effective_sample_size();
    return ks_distance(last, 0, [](double x) { return (x + 10.0) / 20.0; });
  };
  double ess = 0.0;
  const double ks_huge = posterior_ks(1e9, &ess);
  std::cout << "[ uninformative ] KS " << ks_huge << ", 1% critical " << ks_critical_1pct(ess)
            << " at ESS " << ess << "\n";
  EXPECT_LT(ks_huge, ks_critical_1pct(ess));
  double ess_control = 0.0;
  const double ks_control = posterior_ks(1.0, &ess_control);
  EXPECT_GT(ks_control, 3.0 * ks_critical_1pct(ess_control));
}

TEST(AbcSmcUninformative, FourObservationsHalveThePosteriorSd) {
  // One observation: sd sqrt(1 + eps^2/3); four independent ones of the same theta: sd 1/2 as
  // eps -> 0 (at eps = 0.2 the ball of accepted noise adds at most eps^2/3 to the variance:
  // expected ratio in [0.497, 0.513]). Monte Carlo standard error of the ratio ~ 0.5 sqrt(1/(2
  // ESS1) + 1/(2 ESS4)), about 0.012 here (x1.5, see ks_critical_1pct): tolerance 0.06. Fails
  // if the distance does not pool the observations (the ratio would stay near 1).
  auto posterior_sd = [](std::size_t observations, double* ess) {
    AbcOptions options;
    options.particles = 1000;
    options.target_tolerance = 0.2;
    options.min_acceptance = 0.0;
    options.max_generations = 25;
    options.seed = 21;
    // Fixed names: GCC 12 at -O3 reports a false -Wrestrict on "y" + std::to_string(m).
    const char* const names[] = {"y0", "y1", "y2", "y3"};
    std::vector<AbcObservation> observed;
    for (std::size_t m = 0; m < observations; ++m)
      observed.push_back(observation(names[m], 1.3 + 0.1 * static_cast<double>(m)));
    AbcSmc abc({uniform_prior("theta", -10.0, 10.0)}, observed, options);
    NoisySimulator simulator;
    simulator.signal.assign(observations, 1.0);
    run_to_end(abc, simulator.serial());
    *ess = abc.generations().back().effective_sample_size();
    return weighted_moments(abc.generations().back(), 0).sd;
  };
  double ess_one = 0.0;
  double ess_four = 0.0;
  const double sd_one = posterior_sd(1, &ess_one);
  const double sd_four = posterior_sd(4, &ess_four);
  std::cout << "[ more data ] sd with 1 observation " << sd_one << ", with 4 " << sd_four
            << ", ratio " << sd_four / sd_one << "\n";
  EXPECT_NEAR(sd_four / sd_one, 0.5, 0.06);
}

// ---------------------------------------------------------------------------------------------
// 4. An unidentified parameter keeps its prior.

TEST(AbcSmcIdentification, AParameterTheSimulatorIgnoresKeepsItsPrior) {
  // theta_0 ~ U(-10, 10) drives the observation; theta_1 ~ log-uniform(0.1, 10) is ignored. The
  // kernel moves theta_1 in log space and the weights use its prior density there; a mistake in
  // either (e.g. the density in its own units) would tilt theta_1's posterior towards 0.1 or 10
  // and fail the KS test (critical value for two parameters: see ks_critical_1pct). theta_0
  // concentrates: sd near 1, far below the prior's 5.77.
  AbcOptions options;
  options.particles = 1000;
  options.target_tolerance = 0.2;
  options.min_acceptance = 0.0;
  options.max_generations = 20;
  options.seed = 5;
  AbcSmc abc({uniform_prior("identified", -10.0, 10.0), log_uniform_prior("ignored", 0.1, 10.0)},
             {observation("y", 1.3)}, options);
  NoisySimulator simulator;
  simulator.parameters = 2;
  run_to_end(abc, simulator.serial());
  const AbcGeneration& last = abc.generations().back();
  const double ess = last.effective_sample_size();
  const double ks =
      ks_distance(last, 1, [](double x) { return std::log(x / 0.1) / std::log(10.0 / 0.1); });
  std::cout << "[ identification ] KS of the ignored parameter " << ks << " (1% critical "
            << ks_critical_1pct(ess, 1.6) << "), sd of the identified one "
            << weighted_moments(last, 0).sd << "\n";
  EXPECT_LT(ks, ks_critical_1pct(ess, 1.6));
  EXPECT_LT(weighted_moments(last, 0).sd, 1.3);
  EXPECT_NEAR(weighted_moments(last, 0).mean, 1.3, 0.2);
}

TEST(AbcSmcIdentification, UnidentifiedNormalAndTriangularPriorsSurviveTheWeights) {
  // Both parameters are ignored and the only observation is noise, so each posterior must be its
  // prior; the generations still shrink the tolerance and move the particles with the kernel.
  // Fails if the weights use a wrong prior density for either (the normal's mean or sd, the
  // triangular's mode or a flat density): the kernel draws do not follow the prior, so only the
  // weights bring the particles back to it. (Over 20 seeds the posterior mean of the normal one
  // was unbiased: z-scores mean -0.12, rms 0.92.)
  Factor normal_prior = uniform_prior("normal", 0.0, 5.0);
  normal_prior.distribution = FactorDistribution::NORMAL;
  normal_prior.mean = 1.0;
  normal_prior.sd = 2.0;
  Factor triangular = uniform_prior("triangular", 0.0, 4.0);
  triangular.distribution = FactorDistribution::TRIANGULAR;
  triangular.mode = 1.0;
  AbcOptions options;
  options.particles = 1000;
  options.max_generations = 5;
  options.min_acceptance = 0.0;
  options.seed = 8;
  AbcSmc abc({normal_prior, triangular}, {observation("noise", 0.0)}, options);
  NoisySimulator simulator;
  simulator.parameters = 2;
  simulator.signal = {0.0};
  run_to_end(abc, simulator.serial());
  const AbcGeneration& last = abc.generations().back();
  const double ess = last.effective_sample_size();
  const boost::math::normal_distribution<double> n(1.0, 2.0);
  const double below = boost::math::cdf(n, 0.0);
  const double mass = boost::math::cdf(n, 5.0) - below;
  const double ks_normal =
      ks_distance(last, 0, [&](double x) { return (boost::math::cdf(n, x) - below) / mass; });
  const double ks_triangular = ks_distance(last, 1, [](double x) {
    return x < 1.0 ? x * x / 4.0 : 1.0 - (4.0 - x) * (4.0 - x) / 12.0;  // low 0, mode 1, high 4
  });
  std::cout << "[ identification ] KS truncated normal " << ks_normal << ", triangular "
            << ks_triangular << " (1% critical " << ks_critical_1pct(ess, 1.6) << ")\n";
  EXPECT_LT(ks_normal, ks_critical_1pct(ess, 1.6));
  EXPECT_LT(ks_triangular, ks_critical_1pct(ess, 1.6));
  EXPECT_LT(last.tolerance, 0.2);  // the generations did select (on the noise)
}

// ---------------------------------------------------------------------------------------------
// 5. Distances.

TEST(AbcSmcDistance, RootMeanSquareOfScaledGapsAndLowerBoundsCountOnlyShortfalls) {
  Factor prior = uniform_prior("theta", 0.0, 1.0);
  AbcObservation bound{"at least", 10.0, 2.0, true};
  AbcSmc abc({prior}, {bound, observation("two-sided", 5.0, 0.5)}, AbcOptions{});
  // Above or at the bound: no contribution; the two-sided one counts both ways.
  EXPECT_DOUBLE_EQ(abc.distance(std::vector<double>{12.0, 5.0}), 0.0);
  EXPECT_DOUBLE_EQ(abc.distance(std::vector<double>{10.0, 5.0}), 0.0);
  EXPECT_DOUBLE_EQ(abc.distance(std::vector<double>{1e6, 5.5}), std::sqrt(1.0 / 2.0));
  EXPECT_DOUBLE_EQ(abc.distance(std::vector<double>{1e6, 4.5}), std::sqrt(1.0 / 2.0));
  // Below the bound: (10 - 6) / 2 = 2 scales; with 4.0 one scale 2 off the other: sqrt((4+4)/2).
  EXPECT_DOUBLE_EQ(abc.distance(std::vector<double>{6.0, 5.0}), std::sqrt(4.0 / 2.0));
  EXPECT_DOUBLE_EQ(abc.distance(std::vector<double>{6.0, 4.0}), std::sqrt(8.0 / 2.0));
  // A simulation that produced no number is infinitely far.
  EXPECT_EQ(abc.distance(std::vector<double>{std::nan(""), 5.0}),
            std::numeric_limits<double>::infinity());
}

TEST(AbcSmcDistance, AcceptedLowerBoundParticlesAboveTheBoundHaveDistanceZero) {
  // Observation "at least 3" of theta + noise: every accepted particle whose summary is >= 3 has
  // distance exactly 0, and the tolerance reaches 0 (half the prior mass lies above the bound).
  AbcOptions options;
  options.particles = 200;
  options.max_generations = 4;
  options.min_acceptance = 0.0;
  AbcSmc abc({uniform_prior("theta", -10.0, 10.0)}, {AbcObservation{"at least", 3.0, 1.0, true}},
             options);
  run_to_end(abc, NoisySimulator{}.serial());
  for (const auto& generation : abc.generations())
    for (std::size_t i = 0; i < generation.particles(); ++i) {
      if (generation.summaries[i] >= 3.0)
        EXPECT_EQ(generation.distances[i], 0.0);
      else
        EXPECT_NEAR(generation.distances[i], 3.0 - generation.summaries[i], 1e-12);
    }
  EXPECT_EQ(abc.generations().back().tolerance, 0.0);
  EXPECT_NE(abc.stop_reason().find("tolerance"), std::string::npos) << abc.stop_reason();
}

// ---------------------------------------------------------------------------------------------
// 6. Bookkeeping and reproducibility.

AbcSmc two_parameter_calibration(std::size_t max_generations, std::uint32_t replications = 1) {
  AbcOptions options;
  options.particles = 300;
  options.max_generations = max_generations;
  options.min_acceptance = 0.0;
  options.replications = replications;
  options.seed = 77;
  return AbcSmc({uniform_prior("identified", -10.0, 10.0), log_uniform_prior("ignored", 0.1, 10.0)},
                {observation("y", 1.3), observation("y again", 1.1)}, options);
}
NoisySimulator two_parameter_simulator(std::uint32_t replications = 1) {
  NoisySimulator simulator;
  simulator.parameters = 2;
  simulator.signal = {1.0, 1.0};
  simulator.replications = replications;
  return simulator;
}

void expect_same_generation(const AbcGeneration& a, const AbcGeneration& b) {
  EXPECT_EQ(a.index, b.index);
  EXPECT_EQ(a.tolerance, b.tolerance);
  EXPECT_EQ(a.values, b.values);
  EXPECT_EQ(a.weights, b.weights);
  EXPECT_EQ(a.distances, b.distances);
  EXPECT_EQ(a.summaries, b.summaries);
  EXPECT_EQ(a.first_candidate, b.first_candidate);
  EXPECT_EQ(a.candidates, b.candidates);
  EXPECT_EQ(a.acceptance_rate, b.acceptance_rate);
}

TEST(AbcSmcReproducibility, CandidateIdsAreConsecutiveAndBatchesFollowTheRule) {
  // Fails if a candidate id is skipped or repeated, if `candidates` misses the batch tail, or if
  // batch sizes stop depending only on the previous generation's acceptance rate.
  AbcSmc abc = two_parameter_calibration(6, 2);
  const NoisySimulator simulator = two_parameter_simulator(2);
  std::vector<std::pair<std::uint64_t, std::size_t>> calls;
  const AbcSimulator serial = simulator.serial();
  const AbcSimulator recording = [&](std::uint64_t first_id, std::size_t count,
                                     std::span<const double> theta, std::span<double> summaries) {
    EXPECT_EQ(theta.size(), count * 2);
    EXPECT_EQ(summaries.size(), count * 2 * 2);
    calls.emplace_back(first_id, count);
    return serial(first_id, count, theta, summaries);
  };
  std::uint64_t next_id = 0;
  while (!abc.finished()) {
    calls.clear();
    ASSERT_TRUE(abc.run_generation(recording));
    const AbcGeneration& generation = abc.generations().back();
    EXPECT_EQ(generation.first_candidate, next_id);
    std::uint64_t simulated = 0;
    for (const auto& [first_id, count] : calls) {
      EXPECT_EQ(first_id, next_id + simulated);
      simulated += count;
    }
    EXPECT_EQ(generation.candidates, simulated);
    next_id += simulated;
    if (generation.index == 0) {
      EXPECT_EQ(calls.size(), 1u);
      EXPECT_EQ(generation.acceptance_rate, 1.0);
    } else {
      const double previous_rate = abc.generations()[generation.index - 1].acceptance_rate;
      const double wanted = std::ceil(1.2 * 300.0 / previous_rate);
      EXPECT_EQ(static_cast<double>(calls.front().second), std::clamp(wanted, 16.0, 6000.0));
      EXPECT_LE(generation.acceptance_rate, 1.0);
      EXPECT_GE(generation.acceptance_rate, 300.0 / static_cast<double>(simulated));
      for (const double d : generation.distances) EXPECT_LE(d, generation.tolerance);
    }
    double total = 0.0;
    for (const double w : generation.weights) total += w;
    EXPECT_NEAR(total, 1.0, 1e-12);
  }
  EXPECT_EQ(abc.generations().size(), 6u);
  EXPECT_NE(abc.stop_reason().find("maximum of 6 generations"), std::string::npos);
}

TEST(AbcSmcReproducibility, SameInputsSameBitsWhateverTheSimulatorsThreading) {
  // Two serial runs, and one whose simulator fills each batch from four threads in reverse
  // order: identical generations. Fails if any draw depends on batch position or thread.
  AbcSmc first = two_parameter_calibration(5, 2);
  AbcSmc second = two_parameter_calibration(5, 2);
  AbcSmc threaded = two_parameter_calibration(5, 2);
  run_to_end(first, two_parameter_simulator(2).serial());
  run_to_end(second, two_parameter_simulator(2).serial());
  run_to_end(threaded, two_parameter_simulator(2).threaded());
  ASSERT_EQ(first.generations().size(), 5u);
  ASSERT_EQ(threaded.generations().size(), 5u);
  for (std::size_t g = 0; g < 5; ++g) {
    expect_same_generation(first.generations()[g], second.generations()[g]);
    expect_same_generation(first.generations()[g], threaded.generations()[g]);
  }
  // A different seed gives different particles (the seed is used).
  AbcOptions options = first.options();
  options.seed = 78;
  AbcSmc reseeded(first.priors(), first.observations(), options);
  ASSERT_TRUE(reseeded.run_generation(two_parameter_simulator(2).serial()));
  EXPECT_NE(reseeded.generations()[0].values, first.generations()[0].values);
}

TEST(AbcSmcReproducibility, ResumingAfterGenerationTwoContinuesAsUninterrupted) {
  AbcSmc uninterrupted = two_parameter_calibration(6);
  run_to_end(uninterrupted, two_parameter_simulator().serial());
  ASSERT_EQ(uninterrupted.generations().size(), 6u);
  // A new object, given generations 0-2 only (as read back from a file).
  AbcSmc resumed = two_parameter_calibration(6);
  resumed.resume({uninterrupted.generations().begin(), uninterrupted.generations().begin() + 3});
  run_to_end(resumed, two_parameter_simulator().serial());
  ASSERT_EQ(resumed.generations().size(), 6u);
  for (std::size_t g = 3; g < 6; ++g)
    expect_same_generation(uninterrupted.generations()[g], resumed.generations()[g]);
  // Generations that do not fit the calibration are refused.
  AbcSmc other = two_parameter_calibration(6);
  std::vector<AbcGeneration> gap = {uninterrupted.generations()[0], uninterrupted.generations()[2]};
  EXPECT_THROW(other.resume(gap), std::invalid_argument);
}

TEST(AbcSmcReproducibility, ACancelledGenerationAddsNothing) {
  AbcSmc uninterrupted = two_parameter_calibration(4);
  run_to_end(uninterrupted, two_parameter_simulator().serial());
  AbcSmc cancelled = two_parameter_calibration(4);
  const AbcSimulator serial = two_parameter_simulator().serial();
  ASSERT_TRUE(cancelled.run_generation(serial));
  ASSERT_TRUE(cancelled.run_generation(serial));
  // Cancelled in the second batch of generation 2 (after some candidates were simulated).
  int calls = 0;
  const AbcSimulator cancelling = [&](std::uint64_t first_id, std::size_t count,
                                      std::span<const double> theta, std::span<double> summaries) {
    if (++calls == 2) return false;
    return serial(first_id, count, theta, summaries);
  };
  EXPECT_FALSE(cancelled.run_generation(cancelling));
  EXPECT_EQ(cancelled.generations().size(), 2u);
  run_to_end(cancelled, serial);
  ASSERT_EQ(cancelled.generations().size(), 4u);
  for (std::size_t g = 0; g < 4; ++g)
    expect_same_generation(uninterrupted.generations()[g], cancelled.generations()[g]);
}

TEST(AbcSmcStopping, LowAcceptanceAndTheCandidateBudgetStop) {
  AbcOptions options;
  options.particles = 100;
  options.min_acceptance = 0.9;  // generation 1 (median tolerance) accepts about half
  options.max_generations = 10;
  AbcSmc low_acceptance({uniform_prior("theta", -10.0, 10.0)}, {observation("y", 1.3)}, options);
  run_to_end(low_acceptance, NoisySimulator{}.serial());
  EXPECT_EQ(low_acceptance.generations().size(), 2u);
  EXPECT_NE(low_acceptance.stop_reason().find("below the minimum"), std::string::npos)
      << low_acceptance.stop_reason();
  EXPECT_THROW((void)low_acceptance.run_generation(NoisySimulator{}.serial()), std::logic_error);

  options.min_acceptance = 0.0;
  options.max_candidates = 250;  // generation 0 uses 100, generation 1 at least 120 more
  AbcSmc budget({uniform_prior("theta", -10.0, 10.0)}, {observation("y", 1.3)}, options);
  run_to_end(budget, NoisySimulator{}.serial());
  const auto& last = budget.generations().back();
  EXPECT_GE(last.first_candidate + last.candidates, 250u);
  EXPECT_LT(last.first_candidate, 250u);
  EXPECT_NE(budget.stop_reason().find("candidates"), std::string::npos) << budget.stop_reason();
}

// ---------------------------------------------------------------------------------------------
// 7. Refusals, quantiles, densities, resampling.

template <typename Make>
void expect_refusal(Make make, const std::string& words) {
  try {
    make();
    ADD_FAILURE() << "accepted; expected a refusal mentioning '" << words << "'";
  } catch (const std::invalid_argument& error) {
    EXPECT_NE(std::string(error.what()).find(words), std::string::npos) << error.what();
  }
}

TEST(AbcSmcOptions, ImpossibleOptionsAndPriorsAreRefusedWithReasons) {
  const Factor prior = uniform_prior("theta", 0.0, 1.0);
  const AbcObservation observed = observation("y", 1.0);
  auto with = [&](auto change) {
    return [=] {
      AbcOptions options;
      change(options);
      AbcSmc abc({prior}, {observed}, options);
    };
  };
  expect_refusal(with([](AbcOptions& o) { o.particles = 0; }), "particles must be at least 2");
  expect_refusal(with([](AbcOptions& o) { o.quantile = 0.0; }), "quantile must lie strictly");
  expect_refusal(with([](AbcOptions& o) { o.quantile = 1.0; }), "quantile must lie strictly");
  expect_refusal(with([](AbcOptions& o) { o.replications = 0; }), "replications");
  expect_refusal(with([](AbcOptions& o) { o.max_generations = 0; }), "max_generations");
  expect_refusal(with([](AbcOptions& o) { o.kernel_scale = 0.0; }), "kernel_scale");
  expect_refusal(with([](AbcOptions& o) { o.min_acceptance = 1.0; }), "min_acceptance");

  Factor choice = prior;
  choice.distribution = FactorDistribution::CHOICE;
  choice.choices = {std::string("a"), std::string("b")};
  expect_refusal([&] { AbcSmc abc({choice}, {observed}, AbcOptions{}); }, "is a choice");
  Factor integer = prior;
  integer.type = ParameterType::INTEGER;
  expect_refusal([&] { AbcSmc abc({integer}, {observed}, AbcOptions{}); }, "not a real number");
  Factor bad_log = log_uniform_prior("rate", 0.0, 1.0);
  expect_refusal([&] { AbcSmc abc({bad_log}, {observed}, AbcOptions{}); }, "low > 0");
  Factor reversed = uniform_prior("theta", 1.0, 0.0);
  expect_refusal([&] { AbcSmc abc({reversed}, {observed}, AbcOptions{}); }, "low < high");
  expect_refusal([&] { AbcSmc abc({}, {observed}, AbcOptions{}); }, "no parameter");
  expect_refusal([&] { AbcSmc abc({prior}, {}, AbcOptions{}); }, "no observation");
  expect_refusal([&] { AbcSmc abc({prior}, {observation("y", 1.0, 0.0)}, AbcOptions{}); },
                 "scale > 0");
}

TEST(AbcSmcQuantile, WeightedQuantileMatchesNumpysInvertedCdf) {
  // Integer weights are repetitions: numpy 1.24,
  //   np.quantile(np.repeat([3, 1, 4, 1.5, 9, 2], [2, 1, 3, 1, 1, 2]), q, method="inverted_cdf")
  // gives 1, 1, 2, 3, 4, 4, 9 for q = 0, 0.1, 0.25, 0.5, 0.7, 0.9, 1.
  const std::vector<double> values = {3.0, 1.0, 4.0, 1.5, 9.0, 2.0};
  const std::vector<double> weights = {2.0, 1.0, 3.0, 1.0, 1.0, 2.0};
  const double q[] = {0.0, 0.1, 0.25, 0.5, 0.7, 0.9, 1.0};
  const double numpy[] = {1.0, 1.0, 2.0, 3.0, 4.0, 4.0, 9.0};
  for (int k = 0; k < 7; ++k) EXPECT_EQ(weighted_quantile(values, weights, q[k]), numpy[k]) << q[k];
  // Normalising the weights changes nothing.
  std::vector<double> normalised = weights;
  for (double& w : normalised) w /= 10.0;
  EXPECT_EQ(weighted_quantile(values, normalised, 0.5), 3.0);
  EXPECT_THROW((void)weighted_quantile(values, std::vector<double>(6, 0.0), 0.5),
               std::invalid_argument);
}

TEST(AbcSmcPrior, DensitiesMatchScipy) {
  // scipy 1.10: uniform(-1, 3).pdf(0.5) = 1/3; loguniform(0.1, 10).pdf(2) = 0.10857362047581297;
  // truncnorm((0-1)/2, (5-1)/2, loc=1, scale=2).pdf(2.5) = 0.22516216536518613;
  // triang(0.25, loc=0, scale=4).pdf(0.5) = 0.25, .pdf(3) = 1/6.
  Factor normal_prior = uniform_prior("n", 0.0, 5.0);
  normal_prior.distribution = FactorDistribution::NORMAL;
  normal_prior.mean = 1.0;
  normal_prior.sd = 2.0;
  Factor triangular = uniform_prior("t", 0.0, 4.0);
  triangular.distribution = FactorDistribution::TRIANGULAR;
  triangular.mode = 1.0;
  AbcSmc abc(
      {uniform_prior("u", -1.0, 2.0), log_uniform_prior("l", 0.1, 10.0), normal_prior, triangular},
      {observation("y", 0.0)}, AbcOptions{});
  const double expected = (1.0 / 3.0) * 0.10857362047581297 * 0.22516216536518613 * 0.25;
  EXPECT_NEAR(abc.prior_density(std::vector<double>{0.5, 2.0, 2.5, 0.5}), expected,
              1e-13 * expected);
  EXPECT_NEAR(abc.prior_density(std::vector<double>{0.5, 2.0, 2.5, 3.0}), expected / 0.25 / 6.0,
              1e-13 * expected);
  EXPECT_EQ(abc.prior_density(std::vector<double>{0.5, 2.0, 5.5, 0.5}), 0.0);  // truncated
  EXPECT_EQ(abc.prior_density(std::vector<double>{0.5, 11.0, 2.5, 0.5}), 0.0);
}

TEST(AbcSmcResample, SystematicResamplingGivesFloorOrCeilCopies) {
  // Fails if an index appears more than ceil(count x weight) or fewer than floor times, or if
  // the draw is not a pure function of (seed, purpose).
  const std::vector<double> weights = {0.5, 0.0, 0.123, 0.077, 0.3};
  for (std::uint32_t key = 0; key < 50; ++key) {
    const auto indices = resample_indices(weights, 37, 9, key);
    ASSERT_EQ(indices.size(), 37u);
    EXPECT_EQ(indices, resample_indices(weights, 37, 9, key));
    for (std::size_t i = 0; i < weights.size(); ++i) {
      const auto copies = static_cast<double>(std::count(indices.begin(), indices.end(), i));
      EXPECT_GE(copies, std::floor(37 * weights[i]));
      EXPECT_LE(copies, std::ceil(37 * weights[i]));
    }
  }
  // The offset is random: over 50 purpose keys more than one outcome appears.
  std::set<std::vector<std::uint32_t>> outcomes;
  for (std::uint32_t key = 0; key < 50; ++key)
    outcomes.insert(resample_indices(weights, 37, 9, key));
  EXPECT_GT(outcomes.size(), 1u);
}

}  // namespace
}  // namespace innosim::sim
