#include "io/report/summary_table.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "sim/stats/summary.hpp"

namespace innosim::io {

namespace {
std::string number(double value) {
  char buffer[32];
  if (std::abs(value) >= 1e9 || (value != 0.0 && std::abs(value) < 0.01)) {
    std::snprintf(buffer, sizeof buffer, "%.4g", value);
  } else if (value == std::round(value)) {
    std::snprintf(buffer, sizeof buffer, "%.0f", value);
  } else {
    std::snprintf(buffer, sizeof buffer, "%.2f", value);
  }
  return buffer;
}
}  // namespace

std::string summary_table(const sim::Ensemble& ensemble) {
  const std::vector<std::uint32_t> rows = ensemble.completed_indices();
  const std::size_t points = ensemble.points();
  const std::size_t last = points - 1;
  // Flows (unit ".../step") are summed over the last year of the run: one month's flow says
  // little when annual rounds fall in other months.
  const std::size_t steps_per_year =
      static_cast<std::size_t>(std::max(1, 12 / std::max(1, ensemble.time.step_months)));
  const std::size_t flow_steps = std::min(steps_per_year, last);
  std::size_t name_width = 6;
  for (const auto& metric : ensemble.metrics) name_width = std::max(name_width, metric.name.size());
  const int width = static_cast<int>(name_width);
  char line[512];
  std::snprintf(line, sizeof line,
                "At %.2f (end of the run), over %zu replications; flows (/step) are summed over "
                "the last %zu steps:\n",
                ensemble.time.decimal_year(static_cast<int>(last)), rows.size(), flow_steps);
  std::string text = line;
  std::snprintf(line, sizeof line, "  %-*s %14s   %-28s %s\n", width, "metric", "median",
                "90% band (p05 - p95)", "unit");
  text += line;
  std::vector<double> column(rows.size());
  for (std::size_t metric = 0; metric < ensemble.metrics.size(); ++metric) {
    const std::string& unit = ensemble.metrics[metric].unit;
    const bool flow = ensemble.metrics[metric].flow();
    for (std::size_t i = 0; i < rows.size(); ++i) {
      if (!flow) {
        column[i] = ensemble.at(metric, rows[i], last);
        continue;
      }
      column[i] = 0.0;
      for (std::size_t point = last + 1 - flow_steps; point <= last; ++point)
        column[i] += ensemble.at(metric, rows[i], point);
    }
    std::sort(column.begin(), column.end());
    const std::string band = column.empty() ? "-"
                                            : number(sim::quantile_sorted(column, 0.05)) + " - " +
                                                  number(sim::quantile_sorted(column, 0.95));
    const std::string shown_unit =
        flow ? unit.substr(0, unit.size() - 5) + " in " + std::to_string(flow_steps) + " steps"
             : unit;
    std::snprintf(line, sizeof line, "  %-*s %14s   %-28s %s\n", width,
                  ensemble.metrics[metric].name.c_str(),
                  column.empty() ? "-" : number(sim::quantile_sorted(column, 0.5)).c_str(),
                  band.c_str(), shown_unit.c_str());
    text += line;
  }
  return text;
}

}  // namespace innosim::io
