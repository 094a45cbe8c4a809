#include "sim/experiment/outcome.hpp"

namespace innosim::sim {

double Outcome::evaluate(const SeriesBuffer& series) const {
  const auto values = series.metric(metric);
  double value = 0.0;
  for (std::size_t point = first_point; point <= last_point; ++point) value += values[point];
  switch (target_kind) {
    case TargetKind::NONE:
      return value;
    case TargetKind::AT_LEAST:
      return value >= target ? 1.0 : 0.0;
    case TargetKind::AT_MOST:
      return value <= target ? 1.0 : 0.0;
  }
  return value;
}

}  // namespace innosim::sim
