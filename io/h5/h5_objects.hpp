// HDF5 objects the way every innosim file holds them: UTF-8 string attributes (written and read
// back), numeric attributes, datasets (chunked and compressed when two-dimensional), dimension
// scales and the root attributes that say what a file is and how it was made
// (docs/hdf5-layout.md).
#pragma once

#include <hdf5.h>

#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "io/h5/h5_handle.hpp"
#include "io/h5/results_file.hpp"

namespace innosim::io::h5 {

Handle create_group(hid_t parent, const std::string& name);
void write_string_attribute(hid_t object, const std::string& name, const std::string& value);
/// A variable-length UTF-8 string attribute; throws if it is missing or not a string.
[[nodiscard]] std::string read_string_attribute(hid_t object, const std::string& name);
/// A one-dimensional attribute of variable-length UTF-8 strings.
void write_string_array_attribute(hid_t object, const std::string& name,
                                  const std::vector<std::string>& values);

template <class T>
void write_numeric_attribute(hid_t object, const std::string& name, hid_t file_type,
                             hid_t memory_type, const std::vector<T>& values, bool scalar) {
  const hsize_t count = values.size();
  Handle space(scalar ? H5Screate(H5S_SCALAR) : H5Screate_simple(1, &count, nullptr), H5Sclose,
               "creating a dataspace");
  Handle attribute(H5Acreate2(object, name.c_str(), file_type, space, H5P_DEFAULT, H5P_DEFAULT),
                   H5Aclose, "creating attribute " + name);
  check(H5Awrite(attribute, memory_type, values.data()), "writing attribute " + name);
}

/// Creates a dataset with the given shape and writes `values` (row-major; may be null to leave
/// it unwritten, holding `fill`, a value of memory_type, if given). Two-dimensional datasets are
/// chunked (`chunk_rows` rows, all columns) with shuffle + gzip; without `compress`, their
/// chunks are allocated (and filled) at creation, so writes never move them.
Handle write_dataset(hid_t parent, const std::string& name, const std::vector<hsize_t>& shape,
                     hid_t file_type, hid_t memory_type, const void* values,
                     hsize_t chunk_rows = 256, const void* fill = nullptr, bool compress = true);
/// A one-dimensional dataset of variable-length UTF-8 strings (names of things).
Handle write_string_dataset(hid_t parent, const std::string& name,
                            const std::vector<std::string>& values);
/// A numeric dataset at `path` under `parent` read as doubles, with its shape if asked.
[[nodiscard]] std::vector<double> read_doubles(hid_t parent, const std::string& path,
                                               std::vector<std::size_t>* shape = nullptr);
/// Makes the root coordinate `name` visible in `group` too, as a hard link.
void link_coordinate(hid_t file, hid_t group, const char* name);
void attach(hid_t dataset, hid_t scale, unsigned dimension, const std::string& what);
/// filetype, format_version, program version and commit, creation time, command line, seed,
/// replications, complete, scenario file/name/text, model, resolved parameters.
/// Creates `output` atomically: refuses a missing directory or an output that exists and is not a
/// regular file, builds the file under a temporary name beside it with `fill`, then renames it
/// onto `output`; on any failure the temporary is removed and `output` is untouched.
void create_atomically(const std::filesystem::path& output,
                       const std::function<void(Handle& file)>& fill);

void write_root_attributes(hid_t file, const Provenance& provenance, std::int64_t replications);

}  // namespace innosim::io::h5
