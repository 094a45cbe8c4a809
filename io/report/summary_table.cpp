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
/// A value of the attribution table: "n/a" (NaN), "inf", or three significant digits.
std::string short_number(double value) {
  if (std::isnan(value)) return "n/a";
  if (std::isinf(value)) return value > 0 ? "inf" : "-inf";
  char buffer[32];
  if (std::abs(value) >= 1000.0 || value == std::round(value)) {
    std::snprintf(buffer, sizeof buffer, "%.0f", value);
  } else {
    std::snprintf(buffer, sizeof buffer, "%.3g", value);
  }
  return buffer;
}

std::string with_interval(const sim::Interval& interval) {
  if (std::isnan(interval.estimate)) return "n/a";
  std::string text = short_number(interval.estimate);
  return text.append(" [")
      .append(short_number(interval.low))
      .append(", ")
      .append(short_number(interval.high))
      .append("]");
}

}  // namespace

std::string attribution_table(const std::vector<std::string>& rows,
                              const std::vector<sim::Attribution>& statistics, int year,
                              std::uint32_t replications) {
  std::vector<std::vector<std::string>> cells{{"instrument", "spending 万元", "Δ high-tech",
                                               "万元 per high-tech", "Δ tech SME",
                                               "万元 per tech SME", "R&D per yuan", "deadweight"}};
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const sim::Attribution& a = statistics[i];
    cells.push_back({rows[i], short_number(a.spending.estimate), with_interval(a.delta_high_tech),
                     with_interval(a.cost_per_high_tech), with_interval(a.delta_tech_sme),
                     with_interval(a.cost_per_tech_sme), with_interval(a.rd_per_yuan),
                     with_interval(a.deadweight)});
  }
  // Built by appending: GCC 12 warns falsely (-Wrestrict, PR105329) on "literal" + string.
  std::string text = "\nWhat each instrument buys by the end of ";
  text.append(std::to_string(year))
      .append(" (")
      .append(std::to_string(replications))
      .append(
          " replications with and without it on the same random numbers; mean [95% "
          "interval]; docs/attribution.md):\n");
  return text.append(aligned_columns(cells));
}

std::string aligned_columns(const std::vector<std::vector<std::string>>& cells) {
  // Aligned by terminal columns, not bytes: CJK characters (万元) take two.
  auto columns = [](const std::string& text) {
    std::size_t width = 0;
    for (std::size_t i = 0; i < text.size();) {
      const auto byte = static_cast<unsigned char>(text[i]);
      const std::size_t length = byte < 0x80 ? 1 : byte < 0xE0 ? 2 : byte < 0xF0 ? 3 : 4;
      width += length == 3 ? 2 : 1;  // three-byte UTF-8 here is CJK (万元); Δ is two bytes
      i += length;
    }
    return width;
  };
  std::size_t columns_count = 0;  // rows may differ in length (a header shorter than its rows)
  for (const auto& row : cells) columns_count = std::max(columns_count, row.size());
  std::vector<std::size_t> widths(columns_count, 0);
  for (const auto& row : cells)
    for (std::size_t c = 0; c < row.size(); ++c) widths[c] = std::max(widths[c], columns(row[c]));
  std::string text;
  for (const auto& row : cells) {
    text.append(" ");
    for (std::size_t c = 0; c < row.size(); ++c) {
      const std::string padding(widths[c] - columns(row[c]), ' ');
      text.append(" ").append(c == 0 ? row[c] : padding).append(c == 0 ? padding : row[c]);
    }
    text.append("\n");
  }
  return text;
}

std::size_t summary_flow_steps(const sim::TimeAxis& time) {
  const std::size_t last = static_cast<std::size_t>(time.points()) - 1;
  const std::size_t steps_per_year =
      static_cast<std::size_t>(std::max(1, 12 / std::max(1, time.step_months)));
  return std::min(steps_per_year, last);
}

std::string summary_table(const sim::Ensemble& ensemble) {
  const std::vector<std::uint32_t> rows = ensemble.completed_indices();
  const std::size_t last = ensemble.points() - 1;
  const std::size_t flow_steps = summary_flow_steps(ensemble.time);
  std::vector<std::vector<double>> finals(ensemble.metrics.size(),
                                          std::vector<double>(rows.size()));
  for (std::size_t metric = 0; metric < ensemble.metrics.size(); ++metric) {
    const bool flow = ensemble.metrics[metric].flow();
    for (std::size_t i = 0; i < rows.size(); ++i) {
      if (!flow) {
        finals[metric][i] = ensemble.at(metric, rows[i], last);
        continue;
      }
      double sum = 0.0;
      for (std::size_t point = last + 1 - flow_steps; point <= last; ++point)
        sum += ensemble.at(metric, rows[i], point);
      finals[metric][i] = sum;
    }
  }
  return summary_table(ensemble.metrics, ensemble.time, std::move(finals));
}

std::string summary_table(const std::vector<sim::MetricInfo>& metrics, const sim::TimeAxis& time,
                          std::vector<std::vector<double>> finals) {
  const std::size_t last = static_cast<std::size_t>(time.points()) - 1;
  // Flows (unit ".../step") are summed over the last year of the run: one month's flow says
  // little when annual rounds fall in other months.
  const std::size_t flow_steps = summary_flow_steps(time);
  const std::size_t replications = finals.empty() ? 0 : finals.front().size();
  std::size_t name_width = 6;
  for (const auto& metric : metrics) name_width = std::max(name_width, metric.name.size());
  const int width = static_cast<int>(name_width);
  char line[512];
  std::snprintf(line, sizeof line,
                "At %.2f (end of the run), over %zu replications; flows (/step) are summed over "
                "the last %zu steps:\n",
                time.decimal_year(static_cast<int>(last)), replications, flow_steps);
  std::string text = line;
  std::snprintf(line, sizeof line, "  %-*s %14s   %-28s %s\n", width, "metric", "median",
                "90% band (p05 - p95)", "unit");
  text += line;
  for (std::size_t metric = 0; metric < metrics.size(); ++metric) {
    const std::string& unit = metrics[metric].unit;
    const bool flow = metrics[metric].flow();
    std::vector<double>& column = finals[metric];
    std::sort(column.begin(), column.end());
    const std::string band = column.empty() ? "-"
                                            : number(sim::quantile_sorted(column, 0.05)) + " - " +
                                                  number(sim::quantile_sorted(column, 0.95));
    const std::string shown_unit =
        flow ? unit.substr(0, unit.size() - 5) + " in " + std::to_string(flow_steps) + " steps"
             : unit;
    std::snprintf(line, sizeof line, "  %-*s %14s   %-28s %s\n", width,
                  metrics[metric].name.c_str(),
                  column.empty() ? "-" : number(sim::quantile_sorted(column, 0.5)).c_str(),
                  band.c_str(), shown_unit.c_str());
    text += line;
  }
  return text;
}

}  // namespace innosim::io
