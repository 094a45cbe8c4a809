#include "sim/experiment/outcome.hpp"

namespace innosim::sim {

bool reaches(TargetKind kind, double value, double target) {
  switch (kind) {
    case TargetKind::NONE:
      return true;
    case TargetKind::AT_LEAST:
      return value >= target;
    case TargetKind::AT_MOST:
      return value <= target;
    case TargetKind::MORE_THAN:
      return value > target;
  }
  return true;
}

double Outcome::evaluate(const SeriesBuffer& series) const {
  const auto values = series.metric(metric);
  double value = 0.0;
  for (std::size_t point = first_point; point <= last_point; ++point) value += values[point];
  if (target_kind == TargetKind::NONE) return value;
  return reaches(target_kind, value, target) ? 1.0 : 0.0;
}

}  // namespace innosim::sim
