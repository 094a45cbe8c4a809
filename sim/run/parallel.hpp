// The engine's one way to run independent tasks in parallel: body(i) for i in [0, count), each
// index a task, returning when all are done. Production uses oneTBB. ThreadSanitizer builds
// (INNOSIM_PARALLEL_STD_THREADS, set by CMake with -fsanitize=thread) use plain std::threads
// instead: Debian's libtbb is not instrumented and TSan cannot see TBB's work-stealing
// synchronisation (google/sanitizers#1004), so it would report every task hand-off as a race
// while a suppression broad enough to hide that would also hide races in our task bodies, the
// code TSan is there to check.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>

namespace innosim::sim {

void parallel_for_index(std::size_t count, const std::function<void(std::size_t)>& body);

/// Limits the worker threads of parallel_for_index while it lives (0: no limit).
class ThreadLimit {
 public:
  explicit ThreadLimit(int threads);
  ~ThreadLimit();
  ThreadLimit(const ThreadLimit&) = delete;
  ThreadLimit& operator=(const ThreadLimit&) = delete;

 private:
  std::shared_ptr<void> control_;
  int previous_ = 0;
};

}  // namespace innosim::sim
