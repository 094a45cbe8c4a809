#include "models/city/metrics.hpp"

namespace innosim::models::city {

const std::vector<sim::MetricInfo>& fixed_metrics() {
  static const std::vector<sim::MetricInfo> metrics = {
#define INNOSIM_CITY_METRIC_INFO(enumerator, name, unit, kind, description) \
  {name, unit, description, sim::MetricKind::kind},
      INNOSIM_CITY_METRICS(INNOSIM_CITY_METRIC_INFO)
#undef INNOSIM_CITY_METRIC_INFO
  };
  return metrics;
}

}  // namespace innosim::models::city
