#include "io/cli/output_path.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <system_error>

#include "io/h5/h5_objects.hpp"
#include "sim/run/cluster.hpp"

namespace innosim::io {

namespace fs = std::filesystem;

std::optional<std::string> default_output_name(const std::string& name, const std::string& suffix) {
  if (name.empty() || name.front() == '.') return std::nullopt;
  for (const char c : name) {
    const bool allowed = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                         (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-' ||
                         static_cast<unsigned char>(c) >= 0x80;  // UTF-8: 信阳.toml -> 信阳.h5
    if (!allowed) return std::nullopt;
  }
  return name + suffix;
}

namespace {

bool same_file(const fs::path& a, const fs::path& b) {
  std::error_code error;
  if (fs::exists(a, error) && fs::exists(b, error)) {
    const bool same = fs::equivalent(a, b, error);
    return !error && same;
  }
  return fs::weakly_canonical(a, error) == fs::weakly_canonical(b, error);
}

}  // namespace

std::string output_problem(const fs::path& output, const fs::path& scenario) {
  if (!sim::is_coordinator()) return "";  // only rank 0 writes, and checks (docs/cluster.md)
  const std::string name = output.string();
  if (output.empty() || !output.has_filename())
    return "the output path \"" + name + "\" names no file; give a file name such as out.h5";
  if (same_file(output, scenario)) {
    return "the output " + name +
           " is the scenario file itself; it would be replaced by the results. Give another -o";
  }
  std::error_code error;
  const fs::file_status status = fs::symlink_status(output, error);
  if (fs::is_symlink(status)) {
    return "the output " + name +
           " is a symbolic link; innosim replaces its output by renaming a new file onto it and "
           "would replace the link, so it refuses. Give the link's target with -o";
  }
  if (fs::exists(status) && !fs::is_regular_file(status)) {
    const char* kind = fs::is_directory(status)        ? "a directory"
                       : fs::is_character_file(status) ? "a character device"
                       : fs::is_block_file(status)     ? "a block device"
                       : fs::is_fifo(status)           ? "a FIFO"
                       : fs::is_socket(status)         ? "a socket"
                                                       : "not a regular file";
    return "the output " + name + " is " + kind +
           "; innosim writes only regular files (new, or replaced when they exist)";
  }
  const fs::path directory = output.has_parent_path() ? output.parent_path() : fs::path(".");
  if (!fs::is_directory(directory, error)) {
    return "cannot write " + name + ": its directory " + directory.string() +
           " does not exist or is not a directory; create it first";
  }
  // The longest name innosim derives from the output: .<stem>.interrupted<ext>.tmp-<pid>-<n>.
  std::string probe_name = ".";
  probe_name.append(output.stem().string())
      .append(".interrupted")
      .append(output.extension().string())
      .append(".tmp-")
      .append(std::to_string(::getpid()))
      .append("-99999");
  const fs::path probe = directory / probe_name;
  const int fd = ::open(probe.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    const int code = errno;
    return "cannot write " + name + ": creating a file in " + directory.string() + " failed (" +
           std::strerror(code) + ")" + (code == ENAMETOOLONG ? "; choose a shorter file name" : "");
  }
  ::close(fd);
  ::unlink(probe.c_str());
  return "";
}

void remove_stale_temporaries(const fs::path& output, const std::string& tag) {
  if (!sim::is_coordinator()) return;
  const fs::path directory = output.has_parent_path() ? output.parent_path() : fs::path(".");
  std::string prefix = ".";
  prefix.append(output.filename().string()).append(tag).append("-");
  std::error_code error;
  for (fs::directory_iterator it(directory, error), end; !error && it != end; it.increment(error)) {
    const std::string file = it->path().filename().string();
    if (file.compare(0, prefix.size(), prefix) != 0) continue;
    const std::string rest = file.substr(prefix.size());
    std::size_t digits = 0;
    while (digits < rest.size() && rest[digits] >= '0' && rest[digits] <= '9') ++digits;
    if (digits == 0 || digits > 9) continue;
    const auto pid = static_cast<pid_t>(std::stol(rest.substr(0, digits)));
    if (pid <= 0 || pid == ::getpid()) continue;
    if (::kill(pid, 0) != 0 && errno == ESRCH) {
      std::error_code ignored;
      fs::remove(it->path(), ignored);
    }
  }
}

std::string foreign_results_problem(const fs::path& output, const std::string& scenario_path,
                                    const std::string& variant) {
  if (!sim::is_coordinator()) return "";
  std::error_code error;
  if (!fs::is_regular_file(output, error)) return "";
  const std::string keep = "; it is kept. Give another -o, or --force to replace it";
  std::string file, ran = "baseline";
  {
    H5E_BEGIN_TRY {
      const htri_t is_hdf5 = H5Fis_hdf5(output.c_str());
      const hid_t id = is_hdf5 > 0 ? H5Fopen(output.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT) : -1;
      if (id >= 0) {
        h5::Handle handle(id, H5Fclose, "opening " + output.string());
        try {
          if (h5::read_string_attribute(handle, "filetype") == RESULTS_FILETYPE)
            file = h5::read_string_attribute(handle, "scenario_file");
          if (H5Aexists(handle, "variant") > 0) ran = h5::read_string_attribute(handle, "variant");
        } catch (const std::exception&) {
          file.clear();
        }
      }
    }
    H5E_END_TRY;
  }
  if (file.empty()) return output.string() + " exists and is not an innosim results file" + keep;
  if (!same_file(file, scenario_path)) {
    return output.string() + " holds the results of another scenario file (" + file + ")" + keep;
  }
  if (ran != variant) {
    return output.string() + " holds the results of variant " + ran + ", not " + variant + keep;
  }
  return "";
}

}  // namespace innosim::io
