#include <hdf5.h>

#include "io/h5/h5_handle.hpp"
#include "io/h5/h5_objects.hpp"
#include "io/h5/results_file.hpp"

namespace innosim::io {

using h5::check;
using h5::H5Error;
using h5::Handle;

ResultsReader::ResultsReader(const std::filesystem::path& path) {
  h5::silence_library_errors();
  file_ = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  if (file_ < 0) throw H5Error("cannot open " + path.string() + " as an HDF5 file");
  try {
    if (!has_attribute("filetype") || string_attribute("filetype") != RESULTS_FILETYPE) {
      throw H5Error(path.string() + " is not an innosim results file (no filetype \"" +
                    std::string(RESULTS_FILETYPE) + "\")");
    }
    const auto version = integer_attribute("format_version");
    if (version.size() != 2 || version[0] != FORMAT_VERSION_MAJOR) {
      throw H5Error(path.string() + " has results format version " +
                    (version.empty() ? std::string("?") : std::to_string(version[0])) +
                    ".x; this innosim reads version " + std::to_string(FORMAT_VERSION_MAJOR) +
                    ".x");
    }
  } catch (...) {
    H5Fclose(file_);
    throw;
  }
}

ResultsReader::~ResultsReader() { H5Fclose(file_); }

bool ResultsReader::has_attribute(const std::string& name) const {
  return H5Aexists(file_, name.c_str()) > 0;
}

std::string ResultsReader::string_attribute(const std::string& name) const {
  return h5::read_string_attribute(file_, name);
}

std::vector<std::int64_t> ResultsReader::integer_attribute(const std::string& name) const {
  Handle attribute(H5Aopen(file_, name.c_str(), H5P_DEFAULT), H5Aclose,
                   "opening attribute " + name);
  Handle space(H5Aget_space(attribute), H5Sclose, "reading the shape of " + name);
  const hssize_t count = H5Sget_simple_extent_npoints(space);
  std::vector<std::int64_t> values(static_cast<std::size_t>(std::max<hssize_t>(count, 0)));
  check(H5Aread(attribute, H5T_NATIVE_INT64, values.data()), "reading attribute " + name);
  return values;
}

std::vector<double> ResultsReader::dataset(const std::string& path,
                                           std::vector<std::size_t>* shape) const {
  return h5::read_doubles(file_, path, shape);
}

}  // namespace innosim::io
