#include "io/h5/sweep_file.hpp"

#include <fcntl.h>
#include <hdf5_hl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <cstring>
#include <limits>

#include "io/h5/h5_objects.hpp"

namespace innosim::io {

using h5::check;
using h5::Handle;
using h5::read_string_attribute;

namespace {

constexpr const char* EXPERIMENTS = "experiments";

Handle open_group(hid_t parent, const std::string& name) {
  return Handle(H5Gopen2(parent, name.c_str(), H5P_DEFAULT), H5Gclose, "opening group " + name);
}

Handle open_dataset(hid_t parent, const std::string& name) {
  return Handle(H5Dopen2(parent, name.c_str(), H5P_DEFAULT), H5Dclose, "opening dataset " + name);
}

std::vector<std::string> read_string_array_attribute(hid_t object, const std::string& name) {
  Handle attribute(H5Aopen(object, name.c_str(), H5P_DEFAULT), H5Aclose,
                   "opening attribute " + name);
  Handle space(H5Aget_space(attribute), H5Sclose, "reading the space of " + name);
  const auto count = static_cast<std::size_t>(H5Sget_simple_extent_npoints(space));
  Handle memory(H5Tcopy(H5T_C_S1), H5Tclose, "copying the string type");
  check(H5Tset_size(memory, H5T_VARIABLE), "sizing a string type");
  check(H5Tset_cset(memory, H5T_CSET_UTF8), "setting UTF-8");
  std::vector<char*> texts(count, nullptr);
  check(H5Aread(attribute, memory, texts.data()), "reading attribute " + name);
  std::vector<std::string> values;
  for (char* text : texts) {
    values.emplace_back(text != nullptr ? text : "");
    H5free_memory(text);
  }
  return values;
}

std::int64_t read_integer_attribute(hid_t object, const std::string& name) {
  Handle attribute(H5Aopen(object, name.c_str(), H5P_DEFAULT), H5Aclose,
                   "opening attribute " + name);
  std::int64_t value = 0;
  check(H5Aread(attribute, H5T_NATIVE_INT64, &value), "reading attribute " + name);
  return value;
}

/// Rows [first, first + count) of a [rows, columns] dataset, written from `values`.
void write_rows(hid_t dataset, hsize_t first, hsize_t count, hsize_t columns, hid_t memory_type,
                const void* values) {
  Handle file_space(H5Dget_space(dataset), H5Sclose, "reading a dataspace");
  const hsize_t start[2] = {first, 0};
  const hsize_t extent[2] = {count, columns};
  const int rank = H5Sget_simple_extent_ndims(file_space);
  check(H5Sselect_hyperslab(file_space, H5S_SELECT_SET, start, nullptr, extent, nullptr),
        "selecting rows");
  Handle memory_space(H5Screate_simple(rank, extent, nullptr), H5Sclose, "creating a dataspace");
  check(H5Dwrite(dataset, memory_type, memory_space, file_space, H5P_DEFAULT, values),
        "writing rows");
}

/// A [points, replications] dataset of NaN until written, chunked by blocks of points. Not
/// compressed and allocated whole at creation: a compressed chunk that grows is rewritten
/// elsewhere, and a sweep killed (or out of disk) in the middle of that could lose the chunk's
/// earlier points. Here every write lands in place, no metadata changes while the sweep runs,
/// and a full disk shows when the file is created, not in the middle of the sweep.
Handle create_outcome_dataset(hid_t group, const std::string& name, hsize_t points,
                              hsize_t replications) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  return h5::write_dataset(
      group, name, {points, replications}, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, nullptr,
      std::max<hsize_t>(1, 65536 / std::max<hsize_t>(1, replications)), &nan, false);
}

/// A one-dimensional index coordinate 0..count-1 made a dimension scale.
Handle write_index_scale(hid_t group, const char* name, hsize_t count, const char* long_name) {
  std::vector<std::int64_t> index(count);
  for (hsize_t i = 0; i < count; ++i) index[i] = static_cast<std::int64_t>(i);
  Handle scale =
      h5::write_dataset(group, name, {count}, H5T_STD_I64LE, H5T_NATIVE_INT64, index.data());
  check(H5DSset_scale(scale, name), std::string("making ") + name + " a dimension scale");
  h5::write_string_attribute(scale, "long_name", long_name);
  return scale;
}

/// /experiments attributes: the design's options and the experiment's fingerprint.
void write_design_attributes(hid_t experiments, const SweepLayout& layout) {
  const sim::DesignOptions& options = layout.design.options;
  h5::write_string_attribute(experiments, "design", sim::design_name(options.kind));
  h5::write_numeric_attribute<std::int64_t>(experiments, "n", H5T_STD_I64LE, H5T_NATIVE_INT64,
                                            {static_cast<std::int64_t>(options.n)}, true);
  h5::write_numeric_attribute<std::int32_t>(experiments, "second_order", H5T_STD_I32LE,
                                            H5T_NATIVE_INT32, {options.second_order ? 1 : 0}, true);
  h5::write_numeric_attribute<std::int32_t>(experiments, "scrambled", H5T_STD_I32LE,
                                            H5T_NATIVE_INT32, {options.scramble ? 1 : 0}, true);
  h5::write_numeric_attribute<std::int32_t>(experiments, "morris_levels", H5T_STD_I32LE,
                                            H5T_NATIVE_INT32, {options.morris_levels}, true);
  h5::write_numeric_attribute<std::uint64_t>(experiments, "design_seed", H5T_STD_U64LE,
                                             H5T_NATIVE_UINT64, {options.seed}, true);
  h5::write_string_attribute(experiments, "fingerprint", layout.fingerprint);
}

/// /experiments/design (values) and design_unit, [point, factor], with the factors described.
void write_design(hid_t experiments, const SweepLayout& layout, hid_t point_scale,
                  hid_t factor_scale) {
  const sim::Design& design = layout.design;
  std::vector<std::string> names, parameters, distributions, kinds;
  for (const sim::Factor& factor : layout.factors) {
    names.push_back(factor.name);
    parameters.push_back(factor.parameter);
    distributions.push_back(factor.describe());
    kinds.push_back(factor.lever ? "lever" : "uncertainty");
  }
  for (hid_t object : {experiments, factor_scale}) {
    h5::write_string_array_attribute(object, "factor_names", names);
    h5::write_string_array_attribute(object, "parameters", parameters);
    h5::write_string_array_attribute(object, "distributions", distributions);
    h5::write_string_array_attribute(object, "kinds", kinds);
  }
  std::vector<double> recorded(design.unit.size());
  for (std::size_t point = 0; point < design.points(); ++point) {
    for (std::size_t f = 0; f < design.factors; ++f)
      recorded[point * design.factors + f] = layout.factors[f].recorded_at(design.row(point)[f]);
  }
  const auto shape = std::vector<hsize_t>{design.points(), design.factors};
  const hsize_t chunk_rows = 4096;
  Handle values = h5::write_dataset(experiments, "design", shape, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE,
                                    recorded.data(), chunk_rows);
  Handle unit = h5::write_dataset(experiments, "design_unit", shape, H5T_IEEE_F64LE,
                                  H5T_NATIVE_DOUBLE, design.unit.data(), chunk_rows);
  for (hid_t dataset : {values.get(), unit.get()}) {
    h5::attach(dataset, point_scale, 0, "point");
    h5::attach(dataset, factor_scale, 1, "factor");
    h5::write_string_array_attribute(dataset, "factor_names", names);
    h5::write_string_array_attribute(dataset, "parameters", parameters);
    h5::write_string_array_attribute(dataset, "distributions", distributions);
  }
  h5::write_string_attribute(values, "long_name",
                             "parameter values of each design point (a choice: its index)");
  h5::write_string_attribute(unit, "long_name", "the design in the unit cube");
}

/// /experiments/outcomes/<name>, [point, replication], NaN until written.
void write_outcome_datasets(hid_t file, hid_t experiments, const SweepLayout& layout,
                            hid_t point_scale, hid_t replication_scale) {
  h5::write_string_array_attribute(experiments, "outcomes", layout.outcomes);
  Handle outcomes = h5::create_group(experiments, "outcomes");
  const std::string prefix = std::string("/") + EXPERIMENTS + "/";
  for (const char* coordinate : {"point", "replication"}) {
    check(H5Lcreate_hard(file, (prefix + coordinate).c_str(), outcomes, coordinate, H5P_DEFAULT,
                         H5P_DEFAULT),
          std::string("linking coordinate ") + coordinate);
  }
  const auto points = static_cast<hsize_t>(layout.design.points());
  for (const std::string& name : layout.outcomes) {
    Handle dataset = create_outcome_dataset(outcomes, name, points, layout.replications);
    h5::attach(dataset, point_scale, 0, "point");
    h5::attach(dataset, replication_scale, 1, "replication");
    h5::write_string_attribute(dataset, "long_name", "outcome " + name + " (NaN until computed)");
  }
}

}  // namespace

std::filesystem::path partial_path(const std::filesystem::path& output) {
  std::filesystem::path path = output;
  path.replace_filename(output.stem().string() + ".partial" + output.extension().string());
  return path;
}

bool held_by_another_process(const std::filesystem::path& path) {
  // HDF5 takes flock(LOCK_EX) on a file it opens for writing and keeps it until the file is
  // closed: a lock we cannot take means another process (a running sweep) has the file open.
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  bool held = false;
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    held = errno == EWOULDBLOCK;
  } else {
    ::flock(fd, LOCK_UN);
  }
  ::close(fd);
  return held;
}

SweepFile SweepFile::create(const std::filesystem::path& path, const SweepLayout& layout,
                            const Provenance& provenance) {
  h5::silence_library_errors();
  // Built under a temporary name and linked to `path` once its header and design are on disk:
  // a sweep killed while creating it leaves no unreadable partial file (only a temporary that
  // the next sweep removes, its process being gone).
  std::string temporary_name = ".";
  temporary_name.append(path.filename().string())
      .append(".tmp-")
      .append(std::to_string(::getpid()))
      .append("-0");
  const std::filesystem::path temporary =
      (path.has_parent_path() ? path.parent_path() : std::filesystem::path(".")) / temporary_name;
  std::error_code ignored;
  std::filesystem::remove(temporary, ignored);
  try {
    SweepFile created = create_at(temporary, layout, provenance);
    // link() refuses to replace: a partial file made meanwhile by another sweep is kept.
    if (::link(temporary.c_str(), path.c_str()) != 0) {
      const int code = errno;
      throw h5::H5Error("cannot create " + path.string() + ": " + std::strerror(code));
    }
    std::filesystem::remove(temporary, ignored);
    return created;
  } catch (...) {
    std::filesystem::remove(temporary, ignored);
    throw;
  }
}

SweepFile SweepFile::create_at(const std::filesystem::path& path, const SweepLayout& layout,
                               const Provenance& provenance) {
  Handle file(H5Fcreate(path.c_str(), H5F_ACC_EXCL, H5P_DEFAULT, H5P_DEFAULT), H5Fclose,
              "creating " + path.string());
  Provenance unfinished = provenance;
  unfinished.complete = false;
  h5::write_root_attributes(file, unfinished, layout.replications);

  const auto points = static_cast<hsize_t>(layout.design.points());
  Handle experiments = h5::create_group(file, EXPERIMENTS);
  write_design_attributes(experiments, layout);
  Handle point_scale = write_index_scale(experiments, "point", points, "design point");
  Handle factor_scale =
      write_index_scale(experiments, "factor", layout.design.factors, "factor (see factor_names)");
  Handle replication_scale =
      write_index_scale(experiments, "replication", layout.replications,
                        "replication index (selects the random streams; shared by every point)");
  write_design(experiments, layout, point_scale, factor_scale);
  std::vector<std::uint8_t> none(points, 0);
  Handle completed = h5::write_dataset(experiments, "completed", {points}, H5T_STD_U8LE,
                                       H5T_NATIVE_UINT8, none.data());
  h5::attach(completed, point_scale, 0, "point");
  h5::write_string_attribute(completed, "long_name", "1 once every replication of the point ran");
  write_outcome_datasets(file, experiments, layout, point_scale, replication_scale);
  check(H5Fflush(file, H5F_SCOPE_GLOBAL), "flushing " + path.string());
  return SweepFile(std::move(file));
}

SweepFile SweepFile::resume(const std::filesystem::path& path, const std::string& fingerprint) {
  h5::silence_library_errors();
  if (!std::filesystem::exists(path)) {
    throw h5::H5Error("there is no " + path.string() + " to resume; run without --resume");
  }
  if (held_by_another_process(path)) {
    throw h5::H5Error(path.string() +
                      " is open in another process (a sweep still running on it?); wait for "
                      "it to finish or stop it (Ctrl-C keeps its points), then --resume. Do not "
                      "delete the file while it runs");
  }
  const hid_t opened = H5Fopen(path.c_str(), H5F_ACC_RDWR, H5P_DEFAULT);
  if (opened < 0 && held_by_another_process(path)) {
    throw h5::H5Error(path.string() + " is open in another process (a sweep still running on it?)");
  }
  Handle file(opened, H5Fclose,
              "opening " + path.string() + " (if it is damaged, delete it and start again)");
  Handle experiments = open_group(file, EXPERIMENTS);
  if (read_string_attribute(experiments, "fingerprint") != fingerprint) {
    throw h5::H5Error(path.string() +
                      " belongs to another experiment (a different scenario, design, seed, "
                      "replication count or innosim build); delete it to start this one");
  }
  return SweepFile(std::move(file));
}

SweepFile SweepFile::open_read_write(const std::filesystem::path& path) {
  h5::silence_library_errors();
  Handle file(H5Fopen(path.c_str(), H5F_ACC_RDWR, H5P_DEFAULT), H5Fclose,
              "opening " + path.string());
  if (H5Lexists(file, EXPERIMENTS, H5P_DEFAULT) <= 0) {
    throw h5::H5Error(path.string() +
                      " holds no experiment (/experiments); it was not written "
                      "by innosim sweep");
  }
  return SweepFile(std::move(file));
}

std::vector<std::uint8_t> SweepFile::completed() const {
  Handle dataset = open_dataset(file_, std::string(EXPERIMENTS) + "/completed");
  Handle space(H5Dget_space(dataset), H5Sclose, "reading a dataspace");
  std::vector<std::uint8_t> flags(static_cast<std::size_t>(H5Sget_simple_extent_npoints(space)));
  check(H5Dread(dataset, H5T_NATIVE_UINT8, H5S_ALL, H5S_ALL, H5P_DEFAULT, flags.data()),
        "reading completed flags");
  return flags;
}

std::vector<std::string> SweepFile::outcome_names() const {
  return read_string_array_attribute(open_group(file_, EXPERIMENTS), "outcomes");
}

std::uint32_t SweepFile::replications() const {
  return static_cast<std::uint32_t>(read_integer_attribute(file_, "replications"));
}

std::vector<std::string> SweepFile::factor_names() const {
  return read_string_array_attribute(open_group(file_, EXPERIMENTS), "factor_names");
}

std::vector<std::string> SweepFile::factor_parameters() const {
  return read_string_array_attribute(open_group(file_, EXPERIMENTS), "parameters");
}

sim::Design SweepFile::design() const {
  Handle experiments = open_group(file_, EXPERIMENTS);
  sim::Design design;
  const std::string kind = read_string_attribute(experiments, "design");
  for (const auto candidate : {sim::DesignKind::GRID, sim::DesignKind::LHS, sim::DesignKind::SOBOL,
                               sim::DesignKind::MORRIS}) {
    if (kind == sim::design_name(candidate)) design.options.kind = candidate;
  }
  design.options.n = static_cast<std::uint64_t>(read_integer_attribute(experiments, "n"));
  design.options.second_order = read_integer_attribute(experiments, "second_order") != 0;
  design.options.scramble = H5Aexists(experiments, "scrambled") > 0 &&
                            read_integer_attribute(experiments, "scrambled") != 0;
  design.options.morris_levels =
      static_cast<int>(read_integer_attribute(experiments, "morris_levels"));
  Handle unit = open_dataset(experiments, "design_unit");
  Handle space(H5Dget_space(unit), H5Sclose, "reading a dataspace");
  hsize_t shape[2] = {0, 0};
  H5Sget_simple_extent_dims(space, shape, nullptr);
  design.factors = static_cast<std::size_t>(shape[1]);
  design.unit.resize(static_cast<std::size_t>(shape[0] * shape[1]));
  if (!design.unit.empty()) {
    check(H5Dread(unit, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, design.unit.data()),
          "reading the design");
  }
  return design;
}

void SweepFile::write_points(const std::vector<std::size_t>& points,
                             const std::vector<double>& values) {
  Handle experiments = open_group(file_, EXPERIMENTS);
  Handle outcomes = open_group(experiments, "outcomes");
  const std::vector<std::string> names = outcome_names();
  const hsize_t replications = this->replications();
  // Contiguous runs of points go in one write each.
  for (std::size_t o = 0; o < names.size(); ++o) {
    Handle dataset = open_dataset(outcomes, names[o]);
    for (std::size_t begin = 0; begin < points.size();) {
      std::size_t end = begin + 1;
      while (end < points.size() && points[end] == points[end - 1] + 1) ++end;
      write_rows(dataset, points[begin], end - begin, replications, H5T_NATIVE_DOUBLE,
                 &values[(o * points.size() + begin) * replications]);
      begin = end;
    }
  }
  // Flags after the values are on disk: a point marked complete always has its values. The
  // values' chunks sit in the chunk cache until flushed, while the flags' contiguous bytes go
  // straight to the file, so without this flush a full disk left flags without values.
  dataset_flush_or_throw(file_);
  Handle completed = open_dataset(experiments, "completed");
  const std::vector<std::uint8_t> ones(points.size(), 1);
  for (std::size_t begin = 0; begin < points.size();) {
    std::size_t end = begin + 1;
    while (end < points.size() && points[end] == points[end - 1] + 1) ++end;
    write_rows(completed, points[begin], end - begin, 1, H5T_NATIVE_UINT8, ones.data());
    begin = end;
  }
  check(H5Fflush(file_, H5F_SCOPE_GLOBAL), "flushing the results");
}

void SweepFile::dataset_flush_or_throw(hid_t file) {
  check(H5Fflush(file, H5F_SCOPE_GLOBAL), "writing the outcomes (is the disk full?)");
}

std::vector<double> SweepFile::read_outcome(const std::string& name) const {
  Handle dataset = open_dataset(file_, std::string(EXPERIMENTS) + "/outcomes/" + name);
  Handle space(H5Dget_space(dataset), H5Sclose, "reading a dataspace");
  std::vector<double> values(static_cast<std::size_t>(H5Sget_simple_extent_npoints(space)));
  if (!values.empty()) {
    check(H5Dread(dataset, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()),
          "reading outcome " + name);
  }
  return values;
}

Handle SweepFile::sensitivity_group(const std::string& outcome, const char* method,
                                    const sim::BootstrapOptions& bootstrap) {
  if (H5Lexists(file_, "sensitivity", H5P_DEFAULT) <= 0) {
    Handle created = h5::create_group(file_, "sensitivity");
  }
  Handle sensitivity = open_group(file_, "sensitivity");
  if (H5Lexists(sensitivity, outcome.c_str(), H5P_DEFAULT) > 0)
    check(H5Ldelete(sensitivity, outcome.c_str(), H5P_DEFAULT), "replacing old indices");
  Handle group = h5::create_group(sensitivity, outcome);
  check(H5Lcreate_hard(file_, "/experiments/factor", group, "factor", H5P_DEFAULT, H5P_DEFAULT),
        "linking coordinate factor");
  h5::write_string_attribute(group, "method", method);
  h5::write_string_attribute(group, "output",
                             "the outcome's mean over the replications of each design point");
  h5::write_numeric_attribute<std::int64_t>(group, "bootstrap_resamples", H5T_STD_I64LE,
                                            H5T_NATIVE_INT64, {bootstrap.resamples}, true);
  h5::write_numeric_attribute<double>(group, "confidence", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE,
                                      {bootstrap.confidence}, true);
  h5::write_string_array_attribute(group, "factor_names", factor_names());
  return group;
}

namespace {

void write_factor_vector(hid_t group, const std::string& name, const std::vector<double>& values,
                         const std::string& long_name) {
  Handle dataset = h5::write_dataset(group, name, {values.size()}, H5T_IEEE_F64LE,
                                     H5T_NATIVE_DOUBLE, values.data());
  Handle scale = open_dataset(group, "factor");
  h5::attach(dataset, scale, 0, "factor");
  h5::write_string_attribute(dataset, "long_name", long_name);
}

void write_intervals(hid_t group, const std::string& name,
                     const std::vector<sim::Interval>& intervals, const std::string& long_name) {
  std::vector<double> estimate, low, high;
  for (const auto& interval : intervals) {
    estimate.push_back(interval.estimate);
    low.push_back(interval.low);
    high.push_back(interval.high);
  }
  write_factor_vector(group, name, estimate, long_name);
  write_factor_vector(group, name + "_low", low, long_name + ": lower end of the interval");
  write_factor_vector(group, name + "_high", high, long_name + ": upper end of the interval");
}

}  // namespace

void SweepFile::write_sobol(const std::string& outcome, const sim::SobolIndices& indices,
                            const sim::BootstrapOptions& bootstrap,
                            const std::vector<std::string>& notes) {
  Handle group = sensitivity_group(outcome, "sobol", bootstrap);
  std::string joined;
  for (const std::string& note : notes) joined += (joined.empty() ? "" : "\n") + note;
  h5::write_string_attribute(group, "notes", joined);
  write_intervals(group, "S1", indices.first,
                  "first-order index (Saltelli et al. 2010, on outputs centred on their mean)");
  write_intervals(group, "ST", indices.total, "total index (Jansen 1999)");
  if (indices.second.empty()) return;
  const std::size_t d = indices.first.size();
  const double nan = std::numeric_limits<double>::quiet_NaN();
  std::vector<double> estimate(d * d, nan), low(d * d, nan), high(d * d, nan);
  std::size_t pair = 0;
  for (std::size_t i = 0; i < d; ++i) {
    for (std::size_t k = i + 1; k < d; ++k, ++pair) {
      estimate[i * d + k] = indices.second[pair].estimate;
      low[i * d + k] = indices.second[pair].low;
      high[i * d + k] = indices.second[pair].high;
    }
  }
  // A second factor axis: netCDF readers need distinct dimension names.
  Handle other = write_index_scale(group, "factor_other", d, "second factor of a pair");
  Handle scale = open_dataset(group, "factor");
  for (const auto& [name, values] :
       {std::pair{"S2", &estimate}, std::pair{"S2_low", &low}, std::pair{"S2_high", &high}}) {
    Handle dataset =
        h5::write_dataset(group, name, {d, d}, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, values->data());
    h5::attach(dataset, scale, 0, "factor");
    h5::attach(dataset, other, 1, "factor_other");
    h5::write_string_attribute(dataset, "long_name",
                               "second-order index of (factor, factor_other), upper triangle");
  }
}

void SweepFile::write_morris(const std::string& outcome, const sim::MorrisIndices& indices,
                             const sim::BootstrapOptions& bootstrap) {
  Handle group = sensitivity_group(outcome, "morris", bootstrap);
  write_factor_vector(group, "mu", indices.mu, "mean elementary effect (unit-cube scale)");
  write_intervals(group, "mu_star", indices.mu_star, "mean absolute elementary effect");
  write_factor_vector(group, "sigma", indices.sigma, "standard deviation of elementary effects");
}

void SweepFile::set_complete() {
  Handle attribute(H5Aopen(file_, "complete", H5P_DEFAULT), H5Aclose, "opening attribute complete");
  const std::int32_t one = 1;
  check(H5Awrite(attribute, H5T_NATIVE_INT32, &one), "marking the file complete");
}

void SweepFile::close() { file_.close("closing the results file"); }

}  // namespace innosim::io
