#include "io/h5/results_file.hpp"

#include <hdf5_hl.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <ctime>
#include <system_error>

#include "io/h5/h5_handle.hpp"
#include "io/h5/h5_objects.hpp"
#include "io/report/summary_table.hpp"
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

namespace {
/// HDF5's exit handler closes what is still open; after a close that failed (ENOSPC) it reads
/// freed state and crashes (SIGSEGV at exit). Every file innosim writes is closed explicitly
/// (or by its Handle) before exit, so the handler has nothing to do: it is not registered.
/// Must run before the library initialises, hence at static initialisation.
const bool no_exit_handler = [] { return H5dont_atexit() >= 0; }();
}  // namespace
bool exit_handler_disabled() { return no_exit_handler; }
}  // namespace h5

namespace {

/// The columns of one snapshot in `group`, one dataset per column over the table's dimension,
/// whose scale holds the ids (the column `<dimension>_id`).
void write_columns(hid_t group, const sim::Snapshot& snapshot, const sim::AgentTable& table) {
  const std::string id_column = table.dimension + "_id";
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

/// /<agents>/<year>/ (e.g. /firms/2025) under `parent`: every row of one snapshot; another
/// table's snapshot (Snapshot::table) goes in /<group>/<year>/<table>/ (e.g. /network/2025/loan).
void write_snapshot(hid_t parent, const sim::Snapshot& snapshot, const sim::AgentTable& table) {
  const std::string year = std::to_string(snapshot.year);
  if (snapshot.table.empty()) {
    Handle group = create_group(parent, year);
    write_columns(group, snapshot, table);
    return;
  }
  Handle year_group =
      H5Lexists(parent, year.c_str(), H5P_DEFAULT) > 0
          ? Handle(H5Gopen2(parent, year.c_str(), H5P_DEFAULT), H5Gclose, "opening group " + year)
          : create_group(parent, year);
  Handle group = create_group(year_group, snapshot.table);
  write_columns(group, snapshot, table);
}

void write_replication_attribute(hid_t group, const std::vector<std::int64_t>& replications) {
  write_numeric_attribute<std::int64_t>(group, "replication", H5T_STD_I64LE, H5T_NATIVE_INT64,
                                        replications, replications.size() == 1);
}

/// /<agents>/<year>/ for the snapshots of one replication; /<agents>/replication_<r>/<year>/
/// for several (layout 1.3). Snapshots come by replication, then year. Snapshots of other
/// tables (Snapshot::group) go under their own group the same way, /<group>/<year>/<table>/.
void write_snapshots(hid_t file, const std::vector<sim::Snapshot>& all,
                     const sim::AgentTable& agents_table) {
  std::vector<std::string> groups;
  for (const sim::Snapshot& snapshot : all) {
    if (std::find(groups.begin(), groups.end(), snapshot.group) == groups.end())
      groups.push_back(snapshot.group);
  }
  for (const std::string& group_name : groups) {
    std::vector<const sim::Snapshot*> snapshots;
    for (const sim::Snapshot& snapshot : all) {
      if (snapshot.group == group_name) snapshots.push_back(&snapshot);
    }
    sim::AgentTable table = agents_table;
    if (!group_name.empty()) table = {group_name, snapshots.front()->dimension};
    std::vector<std::int64_t> replications;
    for (const sim::Snapshot* snapshot : snapshots) {
      if (replications.empty() || replications.back() != snapshot->replication)
        replications.push_back(snapshot->replication);
    }
    Handle agents = create_group(file, table.group);
    write_replication_attribute(agents, replications);
    if (replications.size() == 1) {
      for (const sim::Snapshot* snapshot : snapshots) write_snapshot(agents, *snapshot, table);
      continue;
    }
    for (const std::int64_t replication : replications) {
      Handle group = create_group(agents, "replication_" + std::to_string(replication));
      write_replication_attribute(group, {replication});
      for (const sim::Snapshot* snapshot : snapshots) {
        if (snapshot->replication == replication) write_snapshot(group, *snapshot, table);
      }
    }
  }
}

}  // namespace

namespace {

/// A dimension scale of labels at the root (/source_kind, /recipient), made once per name.
Handle label_scale(hid_t file, const std::string& name, const std::vector<std::string>& labels) {
  if (H5Lexists(file, name.c_str(), H5P_DEFAULT) > 0) {
    return Handle(H5Dopen2(file, name.c_str(), H5P_DEFAULT), H5Dclose, "opening /" + name);
  }
  Handle scale = h5::write_string_dataset(file, name, labels);
  check(H5DSset_scale(scale, name.c_str()), "making /" + name + " a dimension scale");
  return scale;
}

/// A metric block's dataset /<name> [replication, time, rows, columns], empty and growing by
/// replications, with its dimension scales attached.
Handle create_block(hid_t file, const sim::MetricBlock& block, hid_t replication, hid_t time,
                    hsize_t points, hsize_t chunk_replications) {
  const hsize_t rows = block.row_labels.size();
  const hsize_t columns = block.column_labels.size();
  const hsize_t shape[4] = {0, points, rows, columns};
  const hsize_t maximum[4] = {H5S_UNLIMITED, points, rows, columns};
  Handle space(H5Screate_simple(4, shape, maximum), H5Sclose,
               "creating the space of " + block.name);
  Handle properties(H5Pcreate(H5P_DATASET_CREATE), H5Pclose, "creating dataset properties");
  check(H5Pset_obj_track_times(properties, false), "disabling timestamps");
  const hsize_t chunk[4] = {chunk_replications, points, rows, columns};
  check(H5Pset_chunk(properties, 4, chunk), "chunking " + block.name);
  check(H5Pset_shuffle(properties), "adding the shuffle filter");
  check(H5Pset_deflate(properties, 4), "adding gzip compression");
  Handle dataset(H5Dcreate2(file, block.name.c_str(), H5T_IEEE_F64LE, space, H5P_DEFAULT,
                            properties, H5P_DEFAULT),
                 H5Dclose, "creating dataset /" + block.name);
  Handle row_scale = label_scale(file, block.row_dimension, block.row_labels);
  Handle column_scale = label_scale(file, block.column_dimension, block.column_labels);
  attach(dataset, replication, 0, "replication");
  attach(dataset, time, 1, "time");
  attach(dataset, row_scale, 2, block.row_dimension);
  attach(dataset, column_scale, 3, block.column_dimension);
  write_string_attribute(dataset, "units", block.unit);
  write_string_attribute(dataset, "long_name", block.description);
  return dataset;
}

/// Appends `count` replications ([count, time, rows, columns] values) to a block's dataset that
/// holds `first`.
void append_block(hid_t dataset, hsize_t first, hsize_t count, const double* values,
                  const std::string& what) {
  Handle old_space(H5Dget_space(dataset), H5Sclose, "reading a dataspace");
  hsize_t extent[4];
  H5Sget_simple_extent_dims(old_space, extent, nullptr);
  extent[0] = first + count;
  check(H5Dset_extent(dataset, extent), "extending " + what);
  Handle file_space(H5Dget_space(dataset), H5Sclose, "reading a dataspace");
  const hsize_t start[4] = {first, 0, 0, 0};
  const hsize_t block[4] = {count, extent[1], extent[2], extent[3]};
  check(H5Sselect_hyperslab(file_space, H5S_SELECT_SET, start, nullptr, block, nullptr),
        "selecting replications");
  Handle memory_space(H5Screate_simple(4, block, nullptr), H5Sclose, "creating a dataspace");
  check(H5Dwrite(dataset, H5T_NATIVE_DOUBLE, memory_space, file_space, H5P_DEFAULT, values),
        "writing " + what);
}

/// Appends one replication's values of `block` ([time, rows, columns]) to `out`; `series(k)` is
/// the k-th metric of the block over time.
template <class Series>
void gather_block(const sim::MetricBlock& block, std::size_t points, const Series& series,
                  std::vector<double>& out) {
  const std::size_t size = block.size();
  const std::size_t base = out.size();
  out.resize(base + points * size);
  for (std::size_t k = 0; k < size; ++k) {
    const auto values = series(block.first_metric + k);
    for (std::size_t point = 0; point < points; ++point)
      out[base + point * size + k] = values[point];
  }
}

/// /<name>_mean [time, rows, columns]: the block's mean over replications.
void write_block_mean(hid_t file, const sim::MetricBlock& block, hid_t time,
                      const std::vector<double>& sum, hsize_t replications) {
  std::vector<double> mean(sum.size());
  for (std::size_t i = 0; i < sum.size(); ++i)
    mean[i] = replications > 0 ? sum[i] / static_cast<double>(replications) : 0.0;
  const hsize_t points = sum.size() / std::max<std::size_t>(1, block.size());
  Handle dataset = write_dataset(file, block.name + "_mean",
                                 {points, block.row_labels.size(), block.column_labels.size()},
                                 H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, mean.data());
  Handle row_scale = label_scale(file, block.row_dimension, block.row_labels);
  Handle column_scale = label_scale(file, block.column_dimension, block.column_labels);
  attach(dataset, time, 0, "time");
  attach(dataset, row_scale, 1, block.row_dimension);
  attach(dataset, column_scale, 2, block.column_dimension);
  write_string_attribute(dataset, "units", block.unit);
  write_string_attribute(dataset, "long_name", block.description + " (mean over replications)");
}

/// Whether position `metric` belongs to one of `blocks`.
bool in_block(const std::vector<sim::MetricBlock>& blocks, std::size_t metric) {
  return std::any_of(blocks.begin(), blocks.end(),
                     [&](const sim::MetricBlock& block) { return block.contains(metric); });
}

}  // namespace

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

namespace {

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
    if (in_block(ensemble.blocks, metric)) continue;  // written as /<block> below
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
  for (const sim::MetricBlock& block : ensemble.blocks) {
    std::vector<double> block_values;
    for (const std::uint32_t row : rows) {
      gather_block(
          block, points,
          [&](std::size_t metric) {
            return ensemble.values[metric].data() + static_cast<std::ptrdiff_t>(row * points);
          },
          block_values);
    }
    Handle dataset = create_block(file, block, replication, time, points,
                                  std::clamp<hsize_t>(replications, 1, 16));
    append_block(dataset, 0, replications, block_values.data(), "/" + block.name);
    std::vector<double> sum(points * block.size(), 0.0);
    for (std::size_t i = 0; i < block_values.size(); ++i) sum[i % sum.size()] += block_values[i];
    write_block_mean(file, block, time, sum, replications);
  }
  write_snapshots(file, ensemble.snapshots, ensemble.agent_table);
}

/// An empty [0, columns] (or [0] when columns == 0) dataset that grows by rows.
Handle create_growing(hid_t parent, const std::string& name, hsize_t columns, hid_t file_type,
                      hsize_t chunk_rows, bool compress) {
  const int rank = columns == 0 ? 1 : 2;
  const hsize_t shape[2] = {0, columns};
  const hsize_t maximum[2] = {H5S_UNLIMITED, columns};
  Handle space(H5Screate_simple(rank, shape, maximum), H5Sclose, "creating the space of " + name);
  Handle properties(H5Pcreate(H5P_DATASET_CREATE), H5Pclose, "creating dataset properties");
  check(H5Pset_obj_track_times(properties, false), "disabling timestamps");
  const hsize_t chunk[2] = {chunk_rows, columns};
  check(H5Pset_chunk(properties, rank, chunk), "chunking " + name);
  if (compress) {
    check(H5Pset_shuffle(properties), "adding the shuffle filter");
    check(H5Pset_deflate(properties, 4), "adding gzip compression");
  }
  return Handle(
      H5Dcreate2(parent, name.c_str(), file_type, space, H5P_DEFAULT, properties, H5P_DEFAULT),
      H5Dclose, "creating dataset " + name);
}

/// Appends `count` rows (row-major) to a growing dataset that has `first` rows.
void append_rows(hid_t dataset, hsize_t first, hsize_t count, hsize_t columns, hid_t memory_type,
                 const void* values, const std::string& what) {
  const int rank = columns == 0 ? 1 : 2;
  const hsize_t extent[2] = {first + count, columns};
  check(H5Dset_extent(dataset, extent), "extending " + what);
  Handle file_space(H5Dget_space(dataset), H5Sclose, "reading a dataspace");
  const hsize_t start[2] = {first, 0};
  const hsize_t block[2] = {count, columns};
  check(H5Sselect_hyperslab(file_space, H5S_SELECT_SET, start, nullptr, block, nullptr),
        "selecting rows");
  Handle memory_space(H5Screate_simple(rank, block, nullptr), H5Sclose, "creating a dataspace");
  check(H5Dwrite(dataset, memory_type, memory_space, file_space, H5P_DEFAULT, values),
        "writing " + what);
}

/// Columns [first, first + count) of every row of a [rows, columns] dataset.
void read_columns(hid_t dataset, hsize_t rows, hsize_t first, hsize_t count,
                  std::vector<double>& values) {
  values.resize(static_cast<std::size_t>(rows * count));
  Handle file_space(H5Dget_space(dataset), H5Sclose, "reading a dataspace");
  const hsize_t start[2] = {0, first};
  const hsize_t block[2] = {rows, count};
  check(H5Sselect_hyperslab(file_space, H5S_SELECT_SET, start, nullptr, block, nullptr),
        "selecting columns");
  Handle memory_space(H5Screate_simple(2, block, nullptr), H5Sclose, "creating a dataspace");
  check(H5Dread(dataset, H5T_NATIVE_DOUBLE, memory_space, file_space, H5P_DEFAULT, values.data()),
        "reading the series back");
}

/// Elements [first, first + count) of a one-dimensional dataset.
void write_range(hid_t dataset, hsize_t first, hsize_t count, const double* values) {
  Handle file_space(H5Dget_space(dataset), H5Sclose, "reading a dataspace");
  check(H5Sselect_hyperslab(file_space, H5S_SELECT_SET, &first, nullptr, &count, nullptr),
        "selecting points");
  Handle memory_space(H5Screate_simple(1, &count, nullptr), H5Sclose, "creating a dataspace");
  check(H5Dwrite(dataset, H5T_NATIVE_DOUBLE, memory_space, file_space, H5P_DEFAULT, values),
        "writing a summary");
}

}  // namespace

struct ResultsStream::Impl {
  std::filesystem::path temporary;
  Handle file, time, replication, series_group, summary_group;
  std::vector<Handle> series;  ///< per kept metric
  std::vector<sim::MetricInfo> metrics;
  std::vector<std::size_t> kept;         ///< model indices of the metrics in /series
  std::vector<sim::MetricBlock> blocks;  ///< first_metric: a model metric index
  std::vector<Handle> block_datasets;
  std::vector<std::vector<double>> block_pending;  ///< per block: this batch's replications
  std::vector<std::vector<double>> block_sums;     ///< per block: sum over replications
  hsize_t points = 0;
  std::vector<std::vector<double>> pending;  ///< per kept metric: this batch's rows
  std::vector<std::int64_t> pending_ids;
  std::vector<sim::Snapshot> snapshots;
  sim::AgentTable agent_table;
  std::vector<std::string> snapshot_columns;
  bool columns_checked = false;
  sim::TimeAxis axis;
  std::vector<std::vector<double>> finals;
};

std::vector<std::vector<double>> ResultsStream::take_finals() { return std::move(impl_->finals); }
const std::vector<sim::MetricInfo>& ResultsStream::metrics() const { return impl_->metrics; }

ResultsStream::ResultsStream(const std::filesystem::path& output, const sim::Model& model,
                             const sim::Study& study, const sim::OutputSelection& selection)
    : impl_(new Impl) {
  h5::silence_library_errors();
  Impl& state = *impl_;
  state.temporary = temporary_path_for(output);
  const std::vector<std::size_t> kept = sim::kept_metric_indices(model, selection);
  state.blocks = sim::kept_blocks(model, kept);
  for (std::size_t position = 0; position < kept.size(); ++position) {
    if (in_block(state.blocks, position)) continue;  // written as /<block>
    state.kept.push_back(kept[position]);
    state.metrics.push_back(model.metrics()[kept[position]]);
  }
  for (sim::MetricBlock& block : state.blocks) block.first_metric = kept[block.first_metric];
  state.agent_table = model.agent_table();
  state.snapshot_columns = selection.snapshot_columns;
  state.pending.resize(state.kept.size());
  const sim::TimeAxis axis = model.time_axis();
  state.axis = axis;
  state.points = static_cast<hsize_t>(axis.points());
  try {
    state.file = Handle(H5Fcreate(state.temporary.c_str(), H5F_ACC_EXCL, H5P_DEFAULT, H5P_DEFAULT),
                        H5Fclose, "creating " + state.temporary.string());
    std::vector<double> years(state.points);
    for (hsize_t point = 0; point < state.points; ++point)
      years[point] = axis.decimal_year(static_cast<int>(point));
    state.time = write_dataset(state.file, "time", {state.points}, H5T_IEEE_F64LE,
                               H5T_NATIVE_DOUBLE, years.data());
    check(H5DSset_scale(state.time, "time"), "making /time a dimension scale");
    write_string_attribute(state.time, "units", "year");
    write_string_attribute(
        state.time, "long_name",
        "decimal calendar year: point 0 is January 1st of start_year, point k follows k steps");
    state.replication = create_growing(state.file, "replication", 0, H5T_STD_I64LE, 4096, false);
    check(H5DSset_scale(state.replication, "replication"), "making /replication a dimension scale");
    write_string_attribute(state.replication, "long_name",
                           "replication index (selects the random streams)");
    state.series_group = create_group(state.file, "series");
    link_coordinate(state.file, state.series_group, "replication");
    link_coordinate(state.file, state.series_group, "time");
    state.summary_group = create_group(state.file, "summary");
    // Chunks of up to 256 whole rows, as write_results makes them.
    const hsize_t chunk_rows = std::clamp<hsize_t>(study.replications, 1, 256);
    for (const sim::MetricInfo& info : state.metrics) {
      Handle dataset = create_growing(state.series_group, info.name, state.points, H5T_IEEE_F64LE,
                                      chunk_rows, true);
      attach(dataset, state.replication, 0, "replication");
      attach(dataset, state.time, 1, "time");
      write_string_attribute(dataset, "units", info.unit);
      write_string_attribute(dataset, "long_name", info.description);
      state.series.push_back(std::move(dataset));
    }
    for (const sim::MetricBlock& block : state.blocks) {
      state.block_datasets.push_back(create_block(state.file, block, state.replication, state.time,
                                                  state.points,
                                                  std::clamp<hsize_t>(study.replications, 1, 16)));
      state.block_pending.emplace_back();
      state.block_sums.emplace_back(static_cast<std::size_t>(state.points) * block.size(), 0.0);
    }
  } catch (...) {
    abandon();
    delete impl_;
    throw;
  }
}

ResultsStream::~ResultsStream() {
  abandon();
  delete impl_;
}

void ResultsStream::accept(sim::TaskResult& result) {
  Impl& state = *impl_;
  for (std::size_t k = 0; k < state.kept.size(); ++k) {
    const auto values = result.series->metric(state.kept[k]);
    state.pending[k].insert(state.pending[k].end(), values.begin(), values.end());
  }
  for (std::size_t b = 0; b < state.blocks.size(); ++b) {
    std::vector<double>& pending = state.block_pending[b];
    const std::size_t first = pending.size();
    gather_block(
        state.blocks[b], static_cast<std::size_t>(state.points),
        [&](std::size_t metric) { return result.series->metric(metric); }, pending);
    std::vector<double>& sum = state.block_sums[b];
    for (std::size_t i = 0; i < sum.size(); ++i) sum[i] += pending[first + i];
  }
  state.pending_ids.push_back(result.replication);
  for (sim::Snapshot& snapshot : result.snapshots) {
    sim::select_snapshot_columns(snapshot, state.snapshot_columns, state.agent_table.dimension,
                                 state.columns_checked);
    state.snapshots.push_back(std::move(snapshot));
  }
}

void ResultsStream::end_batch(bool /*complete*/) {
  Impl& state = *impl_;
  const auto count = static_cast<hsize_t>(state.pending_ids.size());
  if (count == 0) return;
  for (std::size_t k = 0; k < state.series.size(); ++k) {
    append_rows(state.series[k], rows_, count, state.points, H5T_NATIVE_DOUBLE,
                state.pending[k].data(), "/series/" + state.metrics[k].name);
    state.pending[k].clear();
    state.pending[k].shrink_to_fit();
  }
  for (std::size_t b = 0; b < state.blocks.size(); ++b) {
    append_block(state.block_datasets[b], rows_, count, state.block_pending[b].data(),
                 "/" + state.blocks[b].name);
    state.block_pending[b].clear();
    state.block_pending[b].shrink_to_fit();
  }
  append_rows(state.replication, rows_, count, 0, H5T_NATIVE_INT64, state.pending_ids.data(),
              "/replication");
  state.pending_ids.clear();
  rows_ += count;
}

void ResultsStream::finish(const std::filesystem::path& destination, const Provenance& provenance,
                           const std::function<void(std::int64_t file)>& also) {
  Impl& state = *impl_;
  try {
    h5::write_root_attributes(state.file, provenance, static_cast<std::int64_t>(rows_));
    // The summaries need every replication of a time point: read the series back in blocks of
    // points small enough that replications x block values fit in summary_block_bytes.
    const hsize_t block =
        std::clamp<hsize_t>(summary_block_bytes / (sizeof(double) * std::max<hsize_t>(1, rows_)), 1,
                            std::max<hsize_t>(1, state.points));
    std::vector<std::uint32_t> all_rows(static_cast<std::size_t>(rows_));
    for (std::uint32_t row = 0; row < all_rows.size(); ++row) all_rows[row] = row;
    std::vector<double> values;
    for (std::size_t k = 0; k < state.series.size(); ++k) {
      const sim::MetricInfo& info = state.metrics[k];
      Handle group = create_group(state.summary_group, info.name);
      link_coordinate(state.file, group, "time");
      write_string_attribute(group, "units", info.unit);
      write_string_attribute(group, "long_name", info.description);
      Handle mean =
          write_dataset(group, "mean", {state.points}, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, nullptr);
      std::vector<Handle> quantiles;
      for (const char* name : sim::SUMMARY_QUANTILE_NAMES) {
        quantiles.push_back(
            write_dataset(group, name, {state.points}, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, nullptr));
      }
      for (hsize_t first = 0; first < state.points; first += block) {
        const hsize_t count = std::min(block, state.points - first);
        read_columns(state.series[k], rows_, first, count, values);
        const sim::SeriesSummary stats =
            sim::summarize(values, static_cast<std::size_t>(count), all_rows);
        write_range(mean, first, count, stats.mean.data());
        for (std::size_t level = 0; level < quantiles.size(); ++level)
          write_range(quantiles[level], first, count, stats.quantiles[level].data());
      }
      attach(mean, state.time, 0, "time");
      for (std::size_t level = 0; level < quantiles.size(); ++level) {
        attach(quantiles[level], state.time, 0, "time");
        write_numeric_attribute<double>(quantiles[level], "quantile", H5T_IEEE_F64LE,
                                        H5T_NATIVE_DOUBLE, {sim::SUMMARY_QUANTILES[level]}, true);
      }
      // The end-of-run table's value per replication: the last point, or a flow's last year.
      const hsize_t flow_steps = summary_flow_steps(state.axis);
      const hsize_t span = info.flow() ? flow_steps : 1;
      if (span > 0 && rows_ > 0)
        read_columns(state.series[k], rows_, state.points - span, span, values);
      std::vector<double> finals(static_cast<std::size_t>(rows_));
      for (std::size_t row = 0; row < finals.size(); ++row) {
        double sum = 0.0;
        for (hsize_t i = 0; i < span; ++i) sum += values[row * span + i];
        finals[row] = info.flow() ? sum : values[row * span + span - 1];
      }
      state.finals.push_back(std::move(finals));
    }
    for (std::size_t b = 0; b < state.blocks.size(); ++b)
      write_block_mean(state.file, state.blocks[b], state.time, state.block_sums[b], rows_);
    write_snapshots(state.file, state.snapshots, state.agent_table);
    if (also) also(state.file);
    state.series.clear();
    state.block_datasets.clear();
    state.time = Handle();
    state.replication = Handle();
    state.series_group = Handle();
    state.summary_group = Handle();
    state.file.close("closing " + state.temporary.string());
    std::error_code status_error;
    const auto status = std::filesystem::symlink_status(destination, status_error);
    if (std::filesystem::exists(status) && !std::filesystem::is_regular_file(status)) {
      throw h5::H5Error("cannot write " + destination.string() +
                        ": it exists and is not a regular file (a directory, device, FIFO, "
                        "socket or symbolic link is never replaced)");
    }
    std::filesystem::rename(state.temporary, destination);  // atomic within one file system
    state.temporary.clear();
  } catch (...) {
    abandon();
    throw;
  }
}

void ResultsStream::abandon() noexcept {
  if (impl_ == nullptr) return;
  Impl& state = *impl_;
  state.series.clear();
  state.block_datasets.clear();
  state.time = Handle();
  state.replication = Handle();
  state.series_group = Handle();
  state.summary_group = Handle();
  state.file = Handle();
  if (!state.temporary.empty()) {
    std::error_code ignored;
    std::filesystem::remove(state.temporary, ignored);
    state.temporary.clear();
  }
}

std::string iso8601_now() {
  const std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm utc{};
  gmtime_r(&now, &utc);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return buffer;
}

namespace h5 {

void create_atomically(const std::filesystem::path& output,
                       const std::function<void(Handle& file)>& fill) {
  silence_library_errors();
  const std::filesystem::path directory =
      output.has_parent_path() ? output.parent_path() : std::filesystem::path(".");
  if (!std::filesystem::is_directory(directory)) {
    throw H5Error("cannot write " + output.string() + ": directory " + directory.string() +
                  " does not exist");
  }
  std::error_code status_error;
  const auto status = std::filesystem::symlink_status(output, status_error);
  if (std::filesystem::exists(status) && !std::filesystem::is_regular_file(status)) {
    throw H5Error("cannot write " + output.string() +
                  ": it exists and is not a regular file (a directory, device, FIFO, socket "
                  "or symbolic link is never replaced)");
  }
  const std::filesystem::path temporary = temporary_path_for(output);
  try {
    Handle file(H5Fcreate(temporary.c_str(), H5F_ACC_EXCL, H5P_DEFAULT, H5P_DEFAULT), H5Fclose,
                "creating " + temporary.string());
    fill(file);
    file.close("closing " + temporary.string());
    std::filesystem::rename(temporary, output);  // atomic within one file system
  } catch (...) {
    std::error_code ignored;
    std::filesystem::remove(temporary, ignored);
    throw;
  }
}

}  // namespace h5

void write_results(const std::filesystem::path& output, const sim::Ensemble& ensemble,
                   const Provenance& provenance) {
  h5::create_atomically(output, [&](Handle& file) { write_contents(file, ensemble, provenance); });
}

}  // namespace innosim::io
