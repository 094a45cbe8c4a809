#include "io/cli/plot_command.hpp"

#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>

extern char** environ;

namespace innosim::io {

namespace {

/// The script: $INNOSIM_PLOT_SCRIPT, else the source tree's scripts/ (known at build time).
std::string plot_script() {
  if (const char* given = std::getenv("INNOSIM_PLOT_SCRIPT"); given != nullptr && *given != '\0')
    return given;
  return std::string(INNOSIM_SCRIPTS_DIR) + "/innosim_plot.py";
}

/// Debian's interpreter (the one with matplotlib), else python3 on PATH.
std::string python() {
  if (::access("/usr/bin/python3", X_OK) == 0) return "/usr/bin/python3";
  return "python3";
}

}  // namespace

int plot_command(const std::vector<std::string>& arguments) {
  const std::string script = plot_script();
  if (!std::filesystem::exists(script)) {
    std::fprintf(stderr,
                 "innosim plot: error: the plotting script %s is not there; set "
                 "INNOSIM_PLOT_SCRIPT to the path of scripts/innosim_plot.py\n",
                 script.c_str());
    return 2;
  }
  const std::string interpreter = python();
  std::vector<std::string> words{interpreter, script};
  words.insert(words.end(), arguments.begin(), arguments.end());
  std::vector<char*> argv;
  for (std::string& word : words) argv.push_back(word.data());
  argv.push_back(nullptr);
  pid_t child = 0;
  // posix_spawnp, no shell: file names with spaces or quotes reach the script as they are.
  if (::posix_spawnp(&child, interpreter.c_str(), nullptr, nullptr, argv.data(), environ) != 0) {
    std::fprintf(stderr,
                 "innosim plot: error: cannot run %s; install Debian's python3 and "
                 "python3-matplotlib (apt-get install python3-matplotlib)\n",
                 interpreter.c_str());
    return 2;
  }
  int status = 0;
  if (::waitpid(child, &status, 0) < 0) return 1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}

}  // namespace innosim::io
