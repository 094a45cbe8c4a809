#include "io/h5/results_file.hpp"

#include <hdf5_hl.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <ctime>

#include "io/h5/h5_handle.hpp"
#include "io/h5/h5_objects.hpp"
#include "io/version.hpp"
#include "sim/stats/summary.hpp"

namespace innosim::io {

using h5::attach;
using h5::check;
using h5::create_group;
using h5::Handle;
using h5::link_coordinate;
using h5::write_dataset;
using h5::write_numeric_attribute;
using h5::write_string_attribute;

namespace h5 {
void silence_library_errors() { H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr); }
}  // namespace h5

namespace {

/// /<agents>/<year>/ (e.g. /firms/2025) under `parent`: every row of one snapshot, one dataset
/// per column over the agent dimension, whose scale holds the agent ids.
void write_snapshot(hid_t parent, const sim::Snapshot& snapshot, const sim::AgentTable& table) {
  const std::string id_column = table.dimension + "_id";
  Handle group = create_group(parent, std::to_string(snapshot.year));
  write_numeric_attribute<double>(group, "time", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE,
                                  {snapshot.year + 1.0}, true);
  const auto rows =
      static_cast<hsize_t>(snapshot.columns.empty() ? 0 : snapshot.columns.front().values.size());
  std::vector<std::int64_t> integers(rows);
  Handle agent_scale;
  for (const sim::SnapshotColumn& column : snapshot.columns) {
    const bool is_scale = column.name == id_column;
    Handle dataset;
    if (column.integer) {
      std::transform(column.values.begin(), column.values.end(), integers.begin(),
                     [](double value) { return static_cast<std::int64_t>(value); });
      dataset = write_dataset(group, is_scale ? table.dimension : column.name, {rows},
                              H5T_STD_I64LE, H5T_NATIVE_INT64, integers.data());
    } else {
      dataset = write_dataset(group, column.name, {rows}, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE,
                              column.values.data());
    }
    if (!column.unit.empty()) write_string_attribute(dataset, "units", column.unit);
    write_string_attribute(dataset, "long_name", column.description);
    if (is_scale) {
      check(H5DSset_scale(dataset, table.dimension.c_str()),
            "making " + table.dimension + " a dimension scale");
      agent_scale = std::move(dataset);
    } else if (agent_scale.valid()) {
      attach(dataset, agent_scale, 0, table.dimension);
    }
  }
}

void write_replication_attribute(hid_t group, const std::vector<std::int64_t>& replications) {
  write_numeric_attribute<std::int64_t>(group, "replication", H5T_STD_I64LE, H5T_NATIVE_INT64,
                                        replications, replications.size() == 1);
}

/// /<agents>/<year>/ for the snapshots of one replication; /<agents>/replication_<r>/<year>/
/// for several (layout 1.3). Snapshots come by replication, then year.
void write_snapshots(hid_t file, const std::vector<sim::Snapshot>& snapshots,
                     const sim::AgentTable& table) {
  if (snapshots.empty()) return;
  std::vector<std::int64_t> replications;
  for (const sim::Snapshot& snapshot : snapshots) {
    if (replications.empty() || replications.back() != snapshot.replication)
      replications.push_back(snapshot.replication);
  }
  Handle agents = create_group(file, table.group);
  write_replication_attribute(agents, replications);
  if (replications.size() == 1) {
    for (const sim::Snapshot& snapshot : snapshots) write_snapshot(agents, snapshot, table);
    return;
  }
  for (const std::int64_t replication : replications) {
    Handle group = create_group(agents, "replication_" + std::to_string(replication));
    write_replication_attribute(group, {replication});
    for (const sim::Snapshot& snapshot : snapshots) {
      if (snapshot.replication == replication) write_snapshot(group, snapshot, table);
    }
  }
}

void write_contents(hid_t file, const sim::Ensemble& ensemble, const Provenance& provenance) {
  const std::vector<std::uint32_t> rows = ensemble.completed_indices();
  const auto points = static_cast<hsize_t>(ensemble.points());
  const auto replications = static_cast<hsize_t>(rows.size());

  h5::write_root_attributes(file, provenance, static_cast<std::int64_t>(replications));

  // Coordinates as dimension scales.
  std::vector<double> years(points);
  for (hsize_t point = 0; point < points; ++point) {
    years[point] = ensemble.time.decimal_year(static_cast<int>(point));
  }
  Handle time =
      write_dataset(file, "time", {points}, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, years.data());
  check(H5DSset_scale(time, "time"), "making /time a dimension scale");
  write_string_attribute(time, "units", "year");
  write_string_attribute(
      time, "long_name",
      "decimal calendar year: point 0 is January 1st of start_year, point k follows k steps");
  std::vector<std::int64_t> replication_ids(rows.begin(), rows.end());
  Handle replication = write_dataset(file, "replication", {replications}, H5T_STD_I64LE,
                                     H5T_NATIVE_INT64, replication_ids.data());
  check(H5DSset_scale(replication, "replication"), "making /replication a dimension scale");
  write_string_attribute(replication, "long_name",
                         "replication index (selects the random streams)");

  Handle series = create_group(file, "series");
  link_coordinate(file, series, "replication");
  link_coordinate(file, series, "time");
  Handle summary = create_group(file, "summary");
  std::vector<double> values(rows.size() * points);
  for (std::size_t metric = 0; metric < ensemble.metrics.size(); ++metric) {
    const sim::MetricInfo& info = ensemble.metrics[metric];
    for (std::size_t row = 0; row < rows.size(); ++row) {
      const auto source =
          ensemble.values[metric].begin() + static_cast<std::ptrdiff_t>(rows[row] * points);
      std::copy(source, source + static_cast<std::ptrdiff_t>(points),
                values.begin() + static_cast<std::ptrdiff_t>(row * points));
    }
    Handle dataset = write_dataset(series, info.name, {replications, points}, H5T_IEEE_F64LE,
                                   H5T_NATIVE_DOUBLE, values.data());
    attach(dataset, replication, 0, "replication");
    attach(dataset, time, 1, "time");
    write_string_attribute(dataset, "units", info.unit);
    write_string_attribute(dataset, "long_name", info.description);

    std::vector<std::uint32_t> all_rows(rows.size());
    for (std::uint32_t row = 0; row < rows.size(); ++row) all_rows[row] = row;
    const sim::SeriesSummary stats = sim::summarize(values, points, all_rows);
    Handle group = create_group(summary, info.name);
    link_coordinate(file, group, "time");
    write_string_attribute(group, "units", info.unit);
    write_string_attribute(group, "long_name", info.description);
    Handle mean = write_dataset(group, "mean", {points}, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE,
                                stats.mean.data());
    attach(mean, time, 0, "time");
    for (std::size_t level = 0; level < stats.quantiles.size(); ++level) {
      Handle quantile =
          write_dataset(group, sim::SUMMARY_QUANTILE_NAMES[level], {points}, H5T_IEEE_F64LE,
                        H5T_NATIVE_DOUBLE, stats.quantiles[level].data());
      attach(quantile, time, 0, "time");
      write_numeric_attribute<double>(quantile, "quantile", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE,
                                      {sim::SUMMARY_QUANTILES[level]}, true);
    }
  }
  write_snapshots(file, ensemble.snapshots, ensemble.agent_table);
}

std::filesystem::path temporary_path_for(const std::filesystem::path& output) {
  static std::atomic<unsigned> counter{0};
  const std::filesystem::path directory =
      output.has_parent_path() ? output.parent_path() : std::filesystem::path(".");
  // Built by appending: GCC 12 warns falsely (-Wrestrict, PR105329) on "." + std::string.
  std::string name = ".";
  name.append(output.filename().string()).append(".tmp-").append(std::to_string(::getpid()));
  name.append("-").append(std::to_string(counter.fetch_add(1)));
  return directory / name;
}

}  // namespace

std::string iso8601_now() {
  const std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm utc{};
  gmtime_r(&now, &utc);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return buffer;
}

void write_results(const std::filesystem::path& output, const sim::Ensemble& ensemble,
                   const Provenance& provenance) {
  h5::silence_library_errors();
  const std::filesystem::path directory =
      output.has_parent_path() ? output.parent_path() : std::filesystem::path(".");
  if (!std::filesystem::is_directory(directory)) {
    throw h5::H5Error("cannot write " + output.string() + ": directory " + directory.string() +
                      " does not exist");
  }
  if (std::filesystem::is_directory(output)) {
    throw h5::H5Error("cannot write " + output.string() + ": it is a directory");
  }
  const std::filesystem::path temporary = temporary_path_for(output);
  try {
    Handle file(H5Fcreate(temporary.c_str(), H5F_ACC_EXCL, H5P_DEFAULT, H5P_DEFAULT), H5Fclose,
                "creating " + temporary.string());
    write_contents(file, ensemble, provenance);
    file.close("closing " + temporary.string());
    std::filesystem::rename(temporary, output);  // atomic within one file system
  } catch (...) {
    std::error_code ignored;
    std::filesystem::remove(temporary, ignored);
    throw;
  }
}

}  // namespace innosim::io
