#include "sim/run/parallel.hpp"

#if defined(INNOSIM_PARALLEL_STD_THREADS)
#include <algorithm>
#include <atomic>
#include <thread>
#include <vector>
#else
#include <tbb/blocked_range.h>
#include <tbb/global_control.h>
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>
#endif

namespace innosim::sim {

#if defined(INNOSIM_PARALLEL_STD_THREADS)

namespace {
std::atomic<int> thread_limit{0};
}

void parallel_for_index(std::size_t count, const std::function<void(std::size_t)>& body) {
  std::atomic<std::size_t> next{0};
  auto worker = [&] {
    for (std::size_t index = next.fetch_add(1); index < count; index = next.fetch_add(1))
      body(index);
  };
  const int limit = thread_limit.load();
  const std::size_t hardware = std::max(2u, std::thread::hardware_concurrency());
  const std::size_t threads =
      std::min(count, limit > 0 ? static_cast<std::size_t>(limit) : hardware);
  std::vector<std::thread> helpers;
  for (std::size_t i = 1; i < threads; ++i) helpers.emplace_back(worker);
  worker();
  for (auto& helper : helpers) helper.join();
}

ThreadLimit::ThreadLimit(int threads) : previous_(thread_limit.exchange(threads)) {}
ThreadLimit::~ThreadLimit() { thread_limit.store(previous_); }

#else

void parallel_for_index(std::size_t count, const std::function<void(std::size_t)>& body) {
  // isolate: while a thread waits for these tasks it must not pick up unrelated outer tasks
  // (e.g. another replication while waiting for a step's chunks), which would pile up memory.
  tbb::this_task_arena::isolate([&] {
    // Grain 1 with the simple partitioner: one task per index, the finest balance.
    tbb::parallel_for(
        tbb::blocked_range<std::size_t>(0, count, 1),
        [&](const tbb::blocked_range<std::size_t>& range) {
          for (std::size_t index = range.begin(); index != range.end(); ++index) body(index);
        },
        tbb::simple_partitioner());
  });
}

ThreadLimit::ThreadLimit(int threads) {
  if (threads > 0) {
    control_ = std::make_shared<tbb::global_control>(tbb::global_control::max_allowed_parallelism,
                                                     static_cast<std::size_t>(threads));
  }
}
ThreadLimit::~ThreadLimit() = default;

#endif

}  // namespace innosim::sim
