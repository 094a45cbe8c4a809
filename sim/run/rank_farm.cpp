#include "sim/run/rank_farm.hpp"

#include <stdexcept>

#ifdef INNOSIM_WITH_MPI
#include <algorithm>
#include <chrono>
#include <exception>
#include <limits>
#include <map>
#include <mutex>
#include <new>
#include <thread>

#include "sim/run/byte_buffer.hpp"
#include "sim/run/cluster.hpp"
#include "sim/run/cluster_channel.hpp"
#include "sim/run/task_batch.hpp"
#endif

namespace innosim::sim {

#ifndef INNOSIM_WITH_MPI

bool run_study_on_ranks(const Study& /*study*/, StudySink& /*sink*/, TaskExecutor& /*executor*/,
                        const StudyControl& /*control*/) {
  throw std::logic_error("innosim was built without MPI");
}

const FarmReport& farm_totals() {
  static const FarmReport none;
  return none;
}

#else

namespace {

FarmReport totals;

using cluster_channel::Kind;
using cluster_channel::Message;
using cluster_channel::TO_COORDINATOR;
using cluster_channel::TO_WORKER;
using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

/// What every rank must agree on before sharing a study's tasks.
std::vector<std::uint8_t> fingerprint(const Study& study) {
  ByteWriter out;
  out.put<std::uint64_t>(study.points);
  out.put<std::uint32_t>(study.replications);
  out.put<std::uint32_t>(study.first_replication);
  out.put<std::uint8_t>(study.independent_points ? 1 : 0);
  out.put<std::uint64_t>(study.seed);
  out.put<std::uint8_t>(study.keep_series ? 1 : 0);
  out.put<std::uint8_t>(study.outcomes_on_every_rank ? 1 : 0);
  out.put<std::uint64_t>(study.outcomes.size());
  for (const Outcome& outcome : study.outcomes) out.put_string(outcome.name);
  out.put_array(std::span<const int>(study.snapshot_years));
  out.put_array(std::span<const std::uint32_t>(study.snapshot_replications));
  return std::move(out.bytes());
}

struct Chunk {
  std::uint64_t begin = 0;
  std::uint64_t end = 0;
  [[nodiscard]] bool empty() const { return begin == end; }
};

/// Rank 0's plan: the next task to hand out, and each rank's measured rate.
class Scheduler {
 public:
  Scheduler(const Study& study, const BatchPolicy& policy, int ranks)
      : total_(study.tasks()),
        replications_(study.replications),
        policy_(policy),
        ranks_(static_cast<std::uint64_t>(ranks)),
        rate_(static_cast<std::size_t>(ranks), 0.0) {
    // A first chunk small enough that every rank gets work before anyone has a rate.
    first_ = std::max<std::uint64_t>(
        1, std::min(policy.first_tasks, (total_ + 4 * ranks_ - 1) / (4 * ranks_)));
  }

  Chunk take(int rank) {
    const std::lock_guard lock(mutex_);
    if (stopped_ || next_ >= total_) return {};
    const double rate = rate_[static_cast<std::size_t>(rank)];
    double wanted = rate > 0 ? rate * policy_.target_seconds : static_cast<double>(first_);
    wanted = std::min(wanted, static_cast<double>(policy_.max_tasks));
    // Guided towards the end: no chunk longer than half an even share of what is left.
    const std::uint64_t tail = std::max<std::uint64_t>(1, (total_ - next_) / (2 * ranks_));
    const std::uint64_t tasks =
        std::max<std::uint64_t>(1, std::min(static_cast<std::uint64_t>(wanted), tail));
    const Chunk chunk{next_, batch_end(next_, tasks, replications_, total_)};
    next_ = chunk.end;
    return chunk;
  }
  void measured(int rank, std::uint64_t tasks, double seconds) {
    const std::lock_guard lock(mutex_);
    if (tasks > 0 && seconds > 0)
      rate_[static_cast<std::size_t>(rank)] = static_cast<double>(tasks) / seconds;
  }
  void stop() {
    const std::lock_guard lock(mutex_);
    stopped_ = true;
  }

 private:
  std::mutex mutex_;
  std::uint64_t total_;
  std::uint32_t replications_;
  BatchPolicy policy_;
  std::uint64_t ranks_;
  std::uint64_t first_ = 1;
  std::uint64_t next_ = 0;
  bool stopped_ = false;
  std::vector<double> rate_;
};

/// Forwards to the sink and keeps every task's outcomes (Study::outcomes_on_every_rank).
class OutcomeTee final : public StudySink {
 public:
  OutcomeTee(StudySink& sink, const Study& study, bool keep)
      : sink_(sink), replications_(study.replications), keep_(keep) {}
  void accept(TaskResult& result) override {
    if (keep_) {
      tasks_.push_back(std::uint64_t{result.point} * replications_ + result.replication_index);
      values_.insert(values_.end(), result.outcomes.begin(), result.outcomes.end());
    }
    sink_.accept(result);
  }
  void end_batch(bool complete) override { sink_.end_batch(complete); }
  void put(ByteWriter& out) const {
    out.put_array(std::span<const std::uint64_t>(tasks_));
    out.put_array(std::span<const double>(values_));
  }

 private:
  StudySink& sink_;
  std::uint32_t replications_;
  bool keep_;
  std::vector<std::uint64_t> tasks_;
  std::vector<double> values_;
};

enum class ChunkStatus : std::uint8_t { COMPLETE = 0, CANCELLED = 1, FAILED = 2 };
enum class FailureType : std::uint8_t { INVALID_ARGUMENT = 1, OUT_OF_MEMORY = 2, OTHER = 3 };

std::exception_ptr failure_of(FailureType type, const std::string& what, int rank) {
  switch (type) {
    case FailureType::INVALID_ARGUMENT:
      return std::make_exception_ptr(std::invalid_argument(what));
    case FailureType::OUT_OF_MEMORY:
      return std::make_exception_ptr(std::bad_alloc());
    case FailureType::OTHER:
      break;
  }
  return std::make_exception_ptr(
      std::runtime_error(what + " (on MPI rank " + std::to_string(rank) + ")"));
}

std::vector<std::uint8_t> chunk_message(Chunk chunk) {
  ByteWriter out;
  out.put<std::uint64_t>(chunk.begin);
  out.put<std::uint64_t>(chunk.end);
  return std::move(out.bytes());
}

bool coordinate(const Study& study, StudySink& sink, TaskExecutor& executor,
                const StudyControl& control) {
  const auto study_started = Clock::now();
  const int ranks = cluster_size();
  const std::uint64_t total = study.tasks();
  const std::vector<std::uint8_t> header = fingerprint(study);
  for (int worker = 1; worker < ranks; ++worker)
    cluster_channel::send(worker, TO_WORKER, Kind::STUDY_START, header);

  Scheduler scheduler(study, control.batches, ranks);
  OutcomeTee out(sink, study, study.outcomes_on_every_rank);
  // Rank 0's own share, on a thread of its own: the main thread must keep serving the others.
  std::atomic<bool> halt{false};
  StudyControl local_control = control;
  local_control.cancel = &halt;
  std::mutex local_mutex;
  std::vector<std::unique_ptr<TaskBatch> > local_done;
  std::exception_ptr local_failure;
  std::atomic<bool> local_finished{false};
  std::thread local([&] {
    try {
      std::size_t held_point = std::numeric_limits<std::size_t>::max();
      std::shared_ptr<const Model> held_model;
      for (Chunk chunk = scheduler.take(0); !chunk.empty(); chunk = scheduler.take(0)) {
        const auto started = Clock::now();
        auto batch = std::make_unique<TaskBatch>(study, chunk.begin, chunk.end);
        batch->build_models(executor, held_point, held_model);
        const bool complete = batch->run(executor, local_control);
        scheduler.measured(0, batch->size(), seconds_since(started));
        held_point = batch->last_point();
        held_model = batch->last_model();
        const std::lock_guard lock(local_mutex);
        local_done.push_back(std::move(batch));
        if (!complete) break;
      }
    } catch (...) {
      const std::lock_guard lock(local_mutex);
      local_failure = std::current_exception();
    }
    local_finished.store(true);
  });

  FarmReport report;
  report.tasks_by_rank.assign(static_cast<std::size_t>(ranks), 0);
  std::vector<Chunk> assigned(static_cast<std::size_t>(ranks));
  std::vector<std::uint8_t> released(static_cast<std::size_t>(ranks), 0);  // sent "no more"
  int released_count = 0;
  std::map<std::uint64_t, std::unique_ptr<TaskBatch> > ready;  // by first task, not yet delivered
  std::uint64_t delivered = 0;  // tasks [0, delivered) are with the sink
  bool stopping = false;
  std::exception_ptr failure;
  auto fail = [&](std::exception_ptr error) {
    if (!failure) failure = std::move(error);
    stopping = true;
  };
  auto collect_local = [&] {
    const std::lock_guard lock(local_mutex);
    for (auto& batch : local_done) {
      if (batch->finished() < batch->size()) stopping = true;
      report.tasks_by_rank[0] += batch->finished();
      ++report.chunks;
      ready[batch->begin()] = std::move(batch);
    }
    local_done.clear();
    if (local_failure) fail(std::exchange(local_failure, nullptr));
  };
  auto last_batch_end = Clock::now();
  auto pause = std::chrono::microseconds(10);
  for (;;) {
    bool progressed = false;
    if (control.cancel != nullptr && control.cancel->load(std::memory_order_relaxed))
      stopping = true;
    if (stopping) {
      scheduler.stop();
      halt.store(true);
    }
    Message message;
    for (auto serving = Clock::now(); cluster_channel::poll(TO_COORDINATOR, message);
         report.serving_seconds += seconds_since(serving), serving = Clock::now()) {
      progressed = true;
      report.bytes_received += message.body.size() + 1;
      const int rank = message.source;
      const auto k = static_cast<std::size_t>(rank);
      if (message.kind == Kind::HELLO) {
        if (message.body != header)
          cluster_channel::abort_job("rank " + std::to_string(rank) +
                                     " built another study than rank 0 (different scenario "
                                     "files or command line on that node?)");
      } else if (message.kind == Kind::RESULT && !assigned[k].empty()) {
        try {
          ByteReader in(message.body);
          const auto status = static_cast<ChunkStatus>(in.get<std::uint8_t>());
          const auto seconds = in.get<double>();
          const auto steps = in.get<std::uint64_t>();
          if (control.steps_done != nullptr) control.steps_done->fetch_add(steps);
          if (status == ChunkStatus::FAILED) {
            const auto type = static_cast<FailureType>(in.get<std::uint8_t>());
            fail(failure_of(type, in.get_string(), rank));
          } else {
            const std::vector<std::uint8_t> packed = in.get_array<std::uint8_t>();
            auto batch = TaskBatch::unpack(study, assigned[k].begin, assigned[k].end, packed);
            scheduler.measured(rank, batch->size(), seconds);
            report.tasks_by_rank[k] += batch->finished();
            ++report.chunks;
            if (control.tasks_done != nullptr) control.tasks_done->fetch_add(batch->finished());
            if (status == ChunkStatus::CANCELLED) stopping = true;
            ready[batch->begin()] = std::move(batch);
          }
        } catch (const std::exception& error) {
          cluster_channel::abort_job("rank " + std::to_string(rank) +
                                     " sent results that cannot be read: " + error.what());
        }
      } else {
        cluster_channel::abort_job("an unexpected message arrived from rank " +
                                   std::to_string(rank));
      }
      if (stopping) scheduler.stop();
      assigned[k] = scheduler.take(rank);
      cluster_channel::send(rank, TO_WORKER, Kind::CHUNK, chunk_message(assigned[k]));
      if (assigned[k].empty()) {
        released[k] = 1;
        ++released_count;
      }
    }
    collect_local();
    // Hand over, in task order, what is contiguous with what the sink already has.
    while (!stopping && !ready.empty() && ready.begin()->first == delivered) {
      const std::unique_ptr<TaskBatch> batch = std::move(ready.begin()->second);
      ready.erase(ready.begin());
      progressed = true;
      const auto delivering = Clock::now();
      try {
        batch->deliver(out);
        delivered = batch->end();
        if (delivered == total || seconds_since(last_batch_end) >= control.batches.target_seconds) {
          out.end_batch(true);
          last_batch_end = Clock::now();
        }
      } catch (...) {
        fail(std::current_exception());
      }
      report.delivering_seconds += seconds_since(delivering);
    }
    const bool workers_done = released_count == ranks - 1;
    if (workers_done && local_finished.load() && (stopping || delivered == total)) break;
    if (progressed) {
      pause = std::chrono::microseconds(10);
    } else {
      std::this_thread::sleep_for(pause);
      pause = std::min(pause * 2, std::chrono::microseconds(1000));
    }
  }
  local.join();
  collect_local();
  if (stopping && !failure) {
    // Cancelled: what finished, still in task order (with gaps), as the threaded runner does.
    try {
      for (auto& [begin, batch] : ready) batch->deliver(out);
      out.end_batch(false);
    } catch (...) {
      fail(std::current_exception());
    }
  }
  report.seconds = seconds_since(study_started);
  report.studies = 1;
  totals.add(report);
  if (control.farm != nullptr) *control.farm = std::move(report);
  ByteWriter end;
  end.put<std::uint8_t>(stopping ? 0 : 1);
  if (study.outcomes_on_every_rank) out.put(end);
  for (int worker = 1; worker < ranks; ++worker)
    cluster_channel::send(worker, TO_WORKER, Kind::STUDY_END, end.bytes());
  if (failure) std::rethrow_exception(failure);
  return !stopping;
}

Message expect(Kind kind, const char* what) {
  Message message = cluster_channel::next_from_coordinator();
  if (message.kind == Kind::FINISH) {
    const int code = ByteReader(message.body).get<std::int32_t>();
    cluster_channel::put_back(std::move(message));
    throw ClusterFinished{code};
  }
  if (message.kind != kind)
    cluster_channel::abort_job(std::string("rank 0 sent something else than ") + what +
                               ": the ranks are not running the same command");
  return message;
}

/// Runs one chunk; the RESULT message's body.
std::vector<std::uint8_t> run_chunk(const Study& study, TaskExecutor& executor,
                                    const StudyControl& control, Chunk chunk,
                                    std::size_t& held_point,
                                    std::shared_ptr<const Model>& held_model) {
  const auto started = Clock::now();
  std::atomic<std::uint64_t> steps{0};
  StudyControl local;
  local.cancel = control.cancel;
  local.steps_done = &steps;
  ByteWriter out;
  auto failed = [&](FailureType type, const char* what) {
    out = ByteWriter();
    out.put(ChunkStatus::FAILED);
    out.put(seconds_since(started));
    out.put<std::uint64_t>(steps.load());
    out.put(type);
    out.put_string(what);
  };
  try {
    TaskBatch batch(study, chunk.begin, chunk.end);
    batch.build_models(executor, held_point, held_model);
    const bool complete = batch.run(executor, local);
    out.put(complete ? ChunkStatus::COMPLETE : ChunkStatus::CANCELLED);
    out.put(seconds_since(started));
    out.put<std::uint64_t>(steps.load());
    const std::vector<std::uint8_t> packed = batch.pack();
    out.put_array(std::span<const std::uint8_t>(packed));
    held_point = batch.last_point();
    held_model = batch.last_model();
  } catch (const std::invalid_argument& error) {
    failed(FailureType::INVALID_ARGUMENT, error.what());
  } catch (const std::bad_alloc&) {
    failed(FailureType::OUT_OF_MEMORY, "out of memory");
  } catch (const std::exception& error) {
    failed(FailureType::OTHER, error.what());
  }
  return std::move(out.bytes());
}

bool serve(const Study& study, StudySink& sink, TaskExecutor& executor,
           const StudyControl& control) {
  const Message start = expect(Kind::STUDY_START, "a study");
  const std::vector<std::uint8_t> header = fingerprint(study);
  if (start.body != header)
    cluster_channel::abort_job(
        "this rank built another study than rank 0 (different scenario files or command line "
        "on this node?)");
  cluster_channel::send(0, TO_COORDINATOR, Kind::HELLO, header);
  std::size_t held_point = std::numeric_limits<std::size_t>::max();
  std::shared_ptr<const Model> held_model;
  for (;;) {
    const Message reply = expect(Kind::CHUNK, "a chunk of tasks");
    ByteReader in(reply.body);
    Chunk chunk;
    chunk.begin = in.get<std::uint64_t>();
    chunk.end = in.get<std::uint64_t>();
    if (chunk.empty()) break;
    cluster_channel::send(0, TO_COORDINATOR, Kind::RESULT,
                          run_chunk(study, executor, control, chunk, held_point, held_model));
  }
  const Message end = expect(Kind::STUDY_END, "the end of the study");
  ByteReader in(end.body);
  const bool finished = in.get<std::uint8_t>() != 0;
  if (study.outcomes_on_every_rank) {
    const std::vector<std::uint64_t> tasks = in.get_array<std::uint64_t>();
    const std::vector<double> values = in.get_array<double>();
    const std::size_t count = study.outcomes.size();
    for (std::size_t i = 0; i < tasks.size(); ++i) {
      TaskResult result;
      identify_task(study, tasks[i], result);
      result.outcomes = {values.data() + i * count, count};
      sink.accept(result);
    }
    sink.end_batch(finished);
  }
  // Return only when rank 0 goes on (another study, shared data); if its command ends here,
  // so does this rank's, before the command's ending, which writes files.
  Message next = cluster_channel::next_from_coordinator();
  if (next.kind == Kind::FINISH) {
    const int code = ByteReader(next.body).get<std::int32_t>();
    cluster_channel::put_back(std::move(next));
    throw ClusterFinished{code};
  }
  cluster_channel::put_back(std::move(next));
  return finished;
}

}  // namespace

const FarmReport& farm_totals() { return totals; }

bool run_study_on_ranks(const Study& study, StudySink& sink, TaskExecutor& executor,
                        const StudyControl& control) {
  return is_coordinator() ? coordinate(study, sink, executor, control)
                          : serve(study, sink, executor, control);
}

#endif

}  // namespace innosim::sim
