// Progress of a long run on stderr: replications done / total, rate and ETA, refreshed twice a
// second once the run has lasted a second. On a terminal the line is redrawn in place;
// otherwise (a log file) a plain line is printed every few seconds.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <mutex>
#include <string>
#include <thread>

namespace innosim::sim {

class ProgressMeter {
 public:
  /// Shows `replications_done` of `replications`; the fraction, rate and ETA come from
  /// `steps_done` of `total_steps` (finer grained: a replication is many steps).
  ProgressMeter(const std::atomic<std::uint64_t>& steps_done, std::uint64_t total_steps,
                const std::atomic<std::uint64_t>& replications_done, std::uint64_t replications,
                std::FILE* stream, bool redraw_in_place);
  ~ProgressMeter();
  ProgressMeter(const ProgressMeter&) = delete;
  ProgressMeter& operator=(const ProgressMeter&) = delete;

  /// Stops the meter; prints a final line if anything was shown.
  void finish();

  /// The text of one progress line (exposed for tests).
  [[nodiscard]] static std::string format_line(std::uint64_t steps_done, std::uint64_t total_steps,
                                               std::uint64_t replications_done,
                                               std::uint64_t replications, double elapsed_seconds);

 private:
  void loop();
  void print(bool final_line);

  const std::atomic<std::uint64_t>& steps_done_;
  std::uint64_t total_steps_;
  const std::atomic<std::uint64_t>& replications_done_;
  std::uint64_t replications_;
  std::FILE* stream_;
  bool redraw_in_place_;
  bool shown_ = false;
  std::chrono::steady_clock::time_point start_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace innosim::sim
