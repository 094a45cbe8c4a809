#include "sim/run/progress.hpp"

#include <cmath>

namespace innosim::sim {

namespace {
constexpr auto FIRST_SHOWN_AFTER = std::chrono::seconds(1);
constexpr auto REDRAW_INTERVAL = std::chrono::milliseconds(500);
constexpr auto LOG_INTERVAL = std::chrono::seconds(5);

std::string format_duration(double seconds) {
  const auto total = static_cast<long>(std::lround(seconds));
  char buffer[32];
  if (total >= 3600) {
    std::snprintf(buffer, sizeof buffer, "%ld:%02ld:%02ld", total / 3600, total / 60 % 60,
                  total % 60);
  } else {
    std::snprintf(buffer, sizeof buffer, "%ld:%02ld", total / 60, total % 60);
  }
  return buffer;
}
}  // namespace

ProgressMeter::ProgressMeter(const std::atomic<std::uint64_t>& steps_done,
                             std::uint64_t total_steps,
                             const std::atomic<std::uint64_t>& replications_done,
                             std::uint64_t replications, std::FILE* stream, bool redraw_in_place)
    : steps_done_(steps_done),
      total_steps_(total_steps),
      replications_done_(replications_done),
      replications_(replications),
      stream_(stream),
      redraw_in_place_(redraw_in_place),
      start_(std::chrono::steady_clock::now()),
      thread_([this] { loop(); }) {}

ProgressMeter::~ProgressMeter() { finish(); }

void ProgressMeter::finish() {
  {
    std::lock_guard lock(mutex_);
    if (stop_) return;
    stop_ = true;
  }
  wake_.notify_all();
  thread_.join();
  if (shown_) print(true);
}

std::string ProgressMeter::format_line(std::uint64_t steps_done, std::uint64_t total_steps,
                                       std::uint64_t replications_done, std::uint64_t replications,
                                       double elapsed_seconds) {
  const double fraction =
      total_steps == 0 ? 1.0 : static_cast<double>(steps_done) / static_cast<double>(total_steps);
  // Throughput in replications' worth of steps, so that it is meaningful before the first
  // replication completes.
  const double rate =
      elapsed_seconds > 0.0 ? fraction * static_cast<double>(replications) / elapsed_seconds : 0.0;
  std::string eta = "--:--";
  if (fraction > 0.0 && fraction < 1.0) {
    eta = format_duration(elapsed_seconds * (1.0 - fraction) / fraction);
  } else if (fraction >= 1.0) {
    eta = "0:00";
  }
  char buffer[160];
  std::snprintf(buffer, sizeof buffer,
                "%llu/%llu replications done (%3.0f%%)  %.1f replications/s  elapsed %s  ETA %s",
                static_cast<unsigned long long>(replications_done),
                static_cast<unsigned long long>(replications), 100.0 * fraction, rate,
                format_duration(elapsed_seconds).c_str(), eta.c_str());
  return buffer;
}

void ProgressMeter::print(bool final_line) {
  const double elapsed =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  const std::string line =
      format_line(steps_done_.load(std::memory_order_relaxed), total_steps_,
                  replications_done_.load(std::memory_order_relaxed), replications_, elapsed);
  if (redraw_in_place_) {
    std::fprintf(stream_, "\r\033[K%s%s", line.c_str(), final_line ? "\n" : "");
  } else {
    std::fprintf(stream_, "%s\n", line.c_str());
  }
  std::fflush(stream_);
  shown_ = true;
}

void ProgressMeter::loop() {
  std::unique_lock lock(mutex_);
  if (wake_.wait_for(lock, FIRST_SHOWN_AFTER, [this] { return stop_; })) return;
  const auto interval = redraw_in_place_ ? std::chrono::milliseconds(REDRAW_INTERVAL)
                                         : std::chrono::milliseconds(LOG_INTERVAL);
  do {
    print(false);
  } while (!wake_.wait_for(lock, interval, [this] { return stop_; }));
}

}  // namespace innosim::sim
