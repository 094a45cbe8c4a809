#include "io/h5/h5_objects.hpp"

#include <hdf5_hl.h>

#include <algorithm>

#include "io/version.hpp"

namespace innosim::io::h5 {

Handle create_group(hid_t parent, const std::string& name) {
  return Handle(H5Gcreate2(parent, name.c_str(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), H5Gclose,
                "creating group " + name);
}

void write_string_attribute(hid_t object, const std::string& name, const std::string& value) {
  // Variable-length UTF-8: h5py, xarray, MATLAB and R read it as text (scenario files hold
  // Chinese).
  Handle type(H5Tcopy(H5T_C_S1), H5Tclose, "copying the string type");
  check(H5Tset_size(type, H5T_VARIABLE), "sizing a string type");
  check(H5Tset_cset(type, H5T_CSET_UTF8), "setting UTF-8");
  Handle space(H5Screate(H5S_SCALAR), H5Sclose, "creating a scalar space");
  Handle attribute(H5Acreate2(object, name.c_str(), type, space, H5P_DEFAULT, H5P_DEFAULT),
                   H5Aclose, "creating attribute " + name);
  const char* text = value.c_str();
  check(H5Awrite(attribute, type, &text), "writing attribute " + name);
}

Handle write_dataset(hid_t parent, const std::string& name, const std::vector<hsize_t>& shape,
                     hid_t file_type, hid_t memory_type, const void* values, hsize_t chunk_rows,
                     const void* fill, bool compress) {
  Handle space(H5Screate_simple(static_cast<int>(shape.size()), shape.data(), nullptr), H5Sclose,
               "creating the dataspace of " + name);
  Handle properties(H5Pcreate(H5P_DATASET_CREATE), H5Pclose, "creating dataset properties");
  // No object timestamps: the same run gives the same bytes.
  check(H5Pset_obj_track_times(properties, false), "disabling timestamps");
  if (fill != nullptr)
    check(H5Pset_fill_value(properties, memory_type, fill), "setting the fill value");
  const bool non_empty =
      std::all_of(shape.begin(), shape.end(), [](hsize_t extent) { return extent > 0; });
  if (shape.size() == 2 && non_empty) {
    // A chunk holds up to chunk_rows whole rows (e.g. 256 replications): reading one row, or
    // all rows at a few columns, touches few chunks.
    const hsize_t chunk[2] = {std::min<hsize_t>(shape[0], chunk_rows), shape[1]};
    check(H5Pset_chunk(properties, 2, chunk), "chunking " + name);
    if (compress) {
      check(H5Pset_shuffle(properties), "adding the shuffle filter");
      check(H5Pset_deflate(properties, 4), "adding gzip compression");
    } else {
      check(H5Pset_alloc_time(properties, H5D_ALLOC_TIME_EARLY), "allocating at creation");
      check(H5Pset_fill_time(properties, H5D_FILL_TIME_ALLOC), "filling at creation");
    }
  }
  Handle dataset(
      H5Dcreate2(parent, name.c_str(), file_type, space, H5P_DEFAULT, properties, H5P_DEFAULT),
      H5Dclose, "creating dataset " + name);
  if (non_empty && values != nullptr)
    check(H5Dwrite(dataset, memory_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, values), "writing " + name);
  return dataset;
}

Handle write_string_dataset(hid_t parent, const std::string& name,
                            const std::vector<std::string>& values) {
  Handle type(H5Tcopy(H5T_C_S1), H5Tclose, "copying the string type");
  check(H5Tset_size(type, H5T_VARIABLE), "sizing a string type");
  check(H5Tset_cset(type, H5T_CSET_UTF8), "setting UTF-8");
  std::vector<const char*> texts;
  for (const auto& value : values) texts.push_back(value.c_str());
  return write_dataset(parent, name, {values.size()}, type, type, texts.data());
}

std::vector<double> read_doubles(hid_t parent, const std::string& path,
                                 std::vector<std::size_t>* shape) {
  Handle dataset(H5Dopen2(parent, path.c_str(), H5P_DEFAULT), H5Dclose, "opening dataset " + path);
  Handle space(H5Dget_space(dataset), H5Sclose, "reading the shape of " + path);
  const int rank = H5Sget_simple_extent_ndims(space);
  std::vector<hsize_t> extents(static_cast<std::size_t>(std::max(rank, 0)));
  check(H5Sget_simple_extent_dims(space, extents.data(), nullptr), "reading the shape of " + path);
  std::size_t count = 1;
  for (const hsize_t extent : extents) count *= extent;
  if (shape != nullptr) shape->assign(extents.begin(), extents.end());
  std::vector<double> values(count);
  if (count > 0) {
    check(H5Dread(dataset, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()),
          "reading " + path);
  }
  return values;
}

/// Makes the root coordinate visible in a group too, as a hard link (the same object under a
/// second name, no copy): netCDF readers such as xarray/h5netcdf take a group's coordinates
/// only from variables inside that group.
void link_coordinate(hid_t file, hid_t group, const char* name) {
  check(H5Lcreate_hard(file, name, group, name, H5P_DEFAULT, H5P_DEFAULT),
        std::string("linking coordinate ") + name);
}

void attach(hid_t dataset, hid_t scale, unsigned dimension, const std::string& what) {
  check(H5DSattach_scale(dataset, scale, dimension), "attaching the " + what + " scale");
}

std::string read_string_attribute(hid_t object, const std::string& name) {
  Handle attribute(H5Aopen(object, name.c_str(), H5P_DEFAULT), H5Aclose,
                   "opening attribute " + name);
  Handle type(H5Aget_type(attribute), H5Tclose, "reading the type of " + name);
  if (H5Tget_class(type) != H5T_STRING || H5Tis_variable_str(type) <= 0) {
    throw H5Error("attribute " + name + " is not a variable-length string");
  }
  Handle memory_type(H5Tcopy(H5T_C_S1), H5Tclose, "copying the string type");
  check(H5Tset_size(memory_type, H5T_VARIABLE), "sizing a string type");
  check(H5Tset_cset(memory_type, H5T_CSET_UTF8), "setting UTF-8");
  char* text = nullptr;
  check(H5Aread(attribute, memory_type, &text), "reading attribute " + name);
  std::string value = text != nullptr ? text : "";
  H5free_memory(text);
  return value;
}

void write_string_array_attribute(hid_t object, const std::string& name,
                                  const std::vector<std::string>& values) {
  Handle type(H5Tcopy(H5T_C_S1), H5Tclose, "copying the string type");
  check(H5Tset_size(type, H5T_VARIABLE), "sizing a string type");
  check(H5Tset_cset(type, H5T_CSET_UTF8), "setting UTF-8");
  const hsize_t count = values.size();
  Handle space(H5Screate_simple(1, &count, nullptr), H5Sclose, "creating a dataspace");
  Handle attribute(H5Acreate2(object, name.c_str(), type, space, H5P_DEFAULT, H5P_DEFAULT),
                   H5Aclose, "creating attribute " + name);
  std::vector<const char*> texts;
  for (const auto& value : values) texts.push_back(value.c_str());
  check(H5Awrite(attribute, type, texts.data()), "writing attribute " + name);
}

void write_root_attributes(hid_t file, const Provenance& provenance, std::int64_t replications) {
  write_string_attribute(file, "filetype", RESULTS_FILETYPE);
  write_numeric_attribute<std::int32_t>(file, "format_version", H5T_STD_I32LE, H5T_NATIVE_INT32,
                                        {FORMAT_VERSION_MAJOR, FORMAT_VERSION_MINOR}, false);
  write_string_attribute(file, "innosim_version", program_version());
  write_string_attribute(file, "git_commit", git_commit());
  write_string_attribute(file, "created", iso8601_now());
  write_string_attribute(file, "command_line", provenance.command_line);
  write_numeric_attribute<std::uint64_t>(file, "seed", H5T_STD_U64LE, H5T_NATIVE_UINT64,
                                         {provenance.seed}, true);
  write_numeric_attribute<std::int64_t>(file, "replications", H5T_STD_I64LE, H5T_NATIVE_INT64,
                                        {replications}, true);
  write_numeric_attribute<std::int32_t>(file, "complete", H5T_STD_I32LE, H5T_NATIVE_INT32,
                                        {provenance.complete ? 1 : 0}, true);
  write_string_attribute(file, "scenario_file", provenance.scenario_path);
  write_string_attribute(file, "scenario_name", provenance.scenario_name);
  write_string_attribute(file, "scenario_text", provenance.scenario_text);
  write_string_attribute(file, "model", provenance.model);
  write_string_attribute(file, "resolved_parameters", provenance.resolved_parameters);
  write_string_attribute(file, "variant", provenance.variant);
  std::string settings;  // one --set KEY=VALUE per line ("" without any)
  for (const auto& setting : provenance.settings)
    settings += (settings.empty() ? "" : "\n") + setting;
  write_string_attribute(file, "settings", settings);
}

}  // namespace innosim::io::h5
