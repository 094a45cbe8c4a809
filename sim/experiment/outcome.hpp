// Outcomes of an experiment: one number per replication from its recorded series, e.g. a
// stock at the end of a year ("register_high_tech@2025"), a flow summed over a year
// ("spending_instruments@2025"), or whether a target is met ("register_high_tech@2025>=400",
// 1 or 0: its mean over replications is the probability of reaching the target). Studies
// (sim/run/study.hpp) evaluate them task by task.
#pragma once

#include <string>
#include <vector>

#include "sim/run/model.hpp"

namespace innosim::sim {

enum class TargetKind { NONE, AT_LEAST, AT_MOST, MORE_THAN };

/// Whether `value` meets `target` as `kind` compares (NONE: always).
[[nodiscard]] bool reaches(TargetKind kind, double value, double target);

struct Outcome {
  std::string name;  ///< as written in the scenario
  std::size_t metric = 0;
  std::size_t first_point = 0;  ///< the points summed (one point for a stock)
  std::size_t last_point = 0;
  TargetKind target_kind = TargetKind::NONE;
  double target = 0.0;

  [[nodiscard]] double evaluate(const SeriesBuffer& series) const;
};

}  // namespace innosim::sim
