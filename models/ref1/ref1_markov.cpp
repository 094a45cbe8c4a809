#include "models/ref1/ref1_markov.hpp"

#include <Eigen/SparseCore>
#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <vector>

#include "models/ref1/ref1_model.hpp"

namespace innosim::models::ref1 {

namespace {

/// One step of the chain on (tier, age) states: the transition matrix, each state's exit
/// hazard, and how close (in log revenue) the deterministic revenue path comes to a threshold.
struct StepChain {
  Eigen::SparseMatrix<double> matrix;
  Eigen::VectorXd hazard;
  double closest_threshold_log_distance = std::numeric_limits<double>::infinity();
};

StepChain step_chain(const Ref1Params& p, int ages) {
  // Computed in double from the model's definition, independently of the simulator's float
  // arithmetic.
  const double r = std::clamp(static_cast<double>(p.rd_median), 0.0, static_cast<double>(p.rd_max));
  const double growth = static_cast<double>(p.growth_drift) + static_cast<double>(p.growth_rd) * r;
  auto state = [ages](int tier, int age) { return tier * ages + age; };
  auto revenue_at = [&](int age) {
    return static_cast<double>(p.revenue_median) * std::exp(growth * age);
  };
  StepChain chain;
  auto note_threshold = [&](double revenue, double threshold) {
    if (threshold > 0.0) {
      chain.closest_threshold_log_distance =
          std::min(chain.closest_threshold_log_distance, std::fabs(std::log(revenue / threshold)));
    }
  };

  const double p2 = std::min(1.0, static_cast<double>(p.high_tech_probability) *
                                      (1.0 + static_cast<double>(p.high_tech_support)));
  std::vector<Eigen::Triplet<double>> transitions;
  chain.hazard.resize(TIER_COUNT * ages);
  for (int age = 0; age < ages; ++age) {
    const double exit_probability = age < p.young_age_steps
                                        ? static_cast<double>(p.exit_hazard)
                                        : static_cast<double>(p.exit_hazard) / 2.0;
    const double survival = 1.0 - exit_probability;
    const double revenue = revenue_at(age + 1);  // tier moves see the revenue after growth
    note_threshold(revenue, p.tech_sme_revenue_cap);
    note_threshold(revenue, p.small_revenue_limit);
    note_threshold(revenue, p.medium_revenue_limit);
    note_threshold(revenue, p.leader_revenue);
    const double to_tech_sme =
        revenue <= p.tech_sme_revenue_cap
            ? static_cast<double>(p.tech_sme_probability) *
                  std::min(1.0, r / static_cast<double>(p.tech_sme_rd_reference))
            : 0.0;
    const double threshold = revenue < p.small_revenue_limit     ? p.rd_threshold_small
                             : revenue <= p.medium_revenue_limit ? p.rd_threshold_medium
                                                                 : p.rd_threshold_large;
    const double to_high_tech = r >= threshold ? p2 : 0.0;
    const bool leader_size = revenue >= p.leader_revenue;
    const double from_high_tech = leader_size ? p.leader_probability : p.lapse_probability;
    const int high_tech_target = leader_size ? LEADER : TECH_SME;
    const int next_age = std::min(age + 1, ages - 1);
    const double move[TIER_COUNT] = {to_tech_sme, to_high_tech, from_high_tech, 0.0};
    const int target[TIER_COUNT] = {TECH_SME, HIGH_TECH, high_tech_target, LEADER};
    for (int tier = 0; tier < TIER_COUNT; ++tier) {
      chain.hazard(state(tier, age)) = exit_probability;
      transitions.emplace_back(state(tier, next_age), state(tier, age),
                               survival * (1.0 - move[tier]));
      if (move[tier] > 0.0) {
        transitions.emplace_back(state(target[tier], next_age), state(tier, age),
                                 survival * move[tier]);
      }
    }
  }
  chain.matrix.resize(TIER_COUNT * ages, TIER_COUNT * ages);
  chain.matrix.setFromTriplets(transitions.begin(), transitions.end());  // sums duplicates
  return chain;
}

}  // namespace

MarkovProjection project_expected_counts(const Ref1Params& p, int steps) {
  if (p.revenue_log_sd != 0.0f || p.rd_log_sd != 0.0f || p.growth_sd != 0.0f) {
    throw std::invalid_argument(
        "the Markov projection needs revenue_log_sd = rd_log_sd = growth_sd = 0");
  }
  const int ages = steps + 1;  // a firm is at most `steps` steps old
  const StepChain chain = step_chain(p, ages);
  const int newborn = CANDIDATE * ages;  // the state (candidate, age 0)

  MarkovProjection projection;
  projection.expected_firms = Eigen::MatrixXd::Zero(TIER_COUNT, steps + 1);
  projection.expected_exits = Eigen::VectorXd::Zero(steps + 1);
  Eigen::VectorXd expected = Eigen::VectorXd::Zero(TIER_COUNT * ages);
  expected(newborn) = static_cast<double>(p.initial_firms);
  auto record = [&](int point) {
    for (int tier = 0; tier < TIER_COUNT; ++tier) {
      projection.expected_firms(tier, point) = expected.segment(tier * ages, ages).sum();
    }
  };
  record(0);
  for (int step = 1; step <= steps; ++step) {
    projection.expected_exits(step) = expected.dot(chain.hazard);
    expected = chain.matrix * expected;
    expected(newborn) += p.births_per_step;  // born at the end of the step
    record(step);
  }
  projection.closest_threshold_log_distance = chain.closest_threshold_log_distance;
  return projection;
}

}  // namespace innosim::models::ref1
