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
  char line[256];
  std::snprintf(line, sizeof line, "At %.2f (end of the run), over %zu replications:\n",
                ensemble.time.decimal_year(static_cast<int>(last)), rows.size());
  std::string text = line;
  std::snprintf(line, sizeof line, "  %-20s %14s   %-26s %s\n", "metric", "median",
                "90% band (p05 - p95)", "unit");
  text += line;
  std::vector<double> column(rows.size());
  for (std::size_t metric = 0; metric < ensemble.metrics.size(); ++metric) {
    for (std::size_t i = 0; i < rows.size(); ++i) column[i] = ensemble.at(metric, rows[i], last);
    std::sort(column.begin(), column.end());
    const std::string band = column.empty() ? "-"
                                            : number(sim::quantile_sorted(column, 0.05)) + " - " +
                                                  number(sim::quantile_sorted(column, 0.95));
    std::snprintf(line, sizeof line, "  %-20s %14s   %-26s %s\n",
                  ensemble.metrics[metric].name.c_str(),
                  column.empty() ? "-" : number(sim::quantile_sorted(column, 0.5)).c_str(),
                  band.c_str(), ensemble.metrics[metric].unit.c_str());
    text += line;
  }
  return text;
}

}  // namespace innosim::io
