#include "sim/run/cluster.hpp"

#include <cstdlib>

#ifdef INNOSIM_WITH_MPI
#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <optional>
#include <thread>

#include "sim/run/byte_buffer.hpp"
#include "sim/run/cluster_channel.hpp"
#include "sim/run/rank_farm.hpp"
#endif

namespace innosim::sim {

#ifndef INNOSIM_WITH_MPI

ClusterSession::ClusterSession(int& /*argc*/, char**& /*argv*/) {}
ClusterSession::~ClusterSession() = default;
int ClusterSession::finish(int exit_code) { return exit_code; }
int cluster_rank() { return 0; }
int cluster_size() { return 1; }
bool built_with_mpi() { return false; }
void share_from_coordinator(std::vector<std::uint8_t>& /*bytes*/) {}

#else

namespace {

bool joined = false;
int rank = 0;
int size = 1;
MPI_Comm job = MPI_COMM_NULL;
int real_stderr = 2;  // a worker's standard error before it was closed
std::optional<cluster_channel::Message> kept;

/// Whether an MPI launcher started this process (OpenMPI's mpirun, Slurm's srun with PMI or
/// PMIx, MPICH's Hydra). Without one, the program runs as one process without MPI at all.
bool launched_by_mpi() {
  for (const char* name : {"OMPI_COMM_WORLD_SIZE", "PMIX_RANK", "PMI_RANK", "PMI_SIZE"}) {
    if (std::getenv(name) != nullptr) return true;
  }
  return false;
}

/// One line on how the job's studies were shared (after rank 0's own output).
void report_farm() {
  const FarmReport& farm = farm_totals();
  if (farm.studies == 0) return;
  std::uint64_t tasks = 0;
  for (const auto count : farm.tasks_by_rank) tasks += count;
  std::string shares;
  for (std::size_t r = 0; r < farm.tasks_by_rank.size(); ++r) {
    char share[48];
    std::snprintf(
        share, sizeof share, "%s%zu: %.1f%%", r == 0 ? "" : ", ", r,
        tasks > 0 ? 100.0 * static_cast<double>(farm.tasks_by_rank[r]) / static_cast<double>(tasks)
                  : 0.0);
    shares += share;
  }
  std::fprintf(
      stderr,
      "MPI: %d ranks, %llu tasks in %llu chunks over %.2f s (tasks by rank %s); rank 0 "
      "served for %.3f s (%.0f us per chunk), its sink took %.3f s, %.1f MB of results "
      "came from the other ranks.\n",
      size, static_cast<unsigned long long>(tasks), static_cast<unsigned long long>(farm.chunks),
      farm.seconds, shares.c_str(), farm.serving_seconds,
      farm.chunks > 0 ? 1e6 * farm.serving_seconds / static_cast<double>(farm.chunks) : 0.0,
      farm.delivering_seconds, static_cast<double>(farm.bytes_received) / 1e6);
}

}  // namespace

namespace cluster_channel {

MPI_Comm communicator() { return job; }

void send(int to, int tag, Kind kind, const std::vector<std::uint8_t>& body) {
  std::vector<std::uint8_t> message;
  message.reserve(body.size() + 1);
  message.push_back(static_cast<std::uint8_t>(kind));
  message.insert(message.end(), body.begin(), body.end());
  if (message.size() > static_cast<std::size_t>(INT32_MAX))
    abort_job("a message of " + std::to_string(message.size()) +
              " bytes is larger than MPI's 2 GiB limit; use fewer replications per point");
  MPI_Send(message.data(), static_cast<int>(message.size()), MPI_BYTE, to, tag, job);
}

bool poll(int tag, Message& message) {
  int arrived = 0;
  MPI_Status status;
  MPI_Iprobe(MPI_ANY_SOURCE, tag, job, &arrived, &status);
  if (arrived == 0) return false;
  int count = 0;
  MPI_Get_count(&status, MPI_BYTE, &count);
  std::vector<std::uint8_t> bytes(static_cast<std::size_t>(count));
  MPI_Recv(bytes.data(), count, MPI_BYTE, status.MPI_SOURCE, tag, job, MPI_STATUS_IGNORE);
  if (bytes.empty())
    abort_job("an empty message arrived from rank " + std::to_string(status.MPI_SOURCE));
  message.kind = static_cast<Kind>(bytes.front());
  message.source = status.MPI_SOURCE;
  message.body.assign(bytes.begin() + 1, bytes.end());
  return true;
}

Message receive(int tag) {
  Message message;
  auto pause = std::chrono::microseconds(10);
  while (!poll(tag, message)) {
    std::this_thread::sleep_for(pause);
    pause = std::min(pause * 2, std::chrono::microseconds(1000));
  }
  return message;
}

Message next_from_coordinator() {
  if (kept) {
    Message message = std::move(*kept);
    kept.reset();
    return message;
  }
  return receive(TO_WORKER);
}

void put_back(Message message) { kept = std::move(message); }

void abort_job(const std::string& why) {
  const std::string text = "innosim: error (MPI rank " + std::to_string(rank) + " of " +
                           std::to_string(size) + "): " + why + "\n";
  [[maybe_unused]] const auto written = ::write(real_stderr, text.data(), text.size());
  MPI_Abort(job == MPI_COMM_NULL ? MPI_COMM_WORLD : job, 70);
  std::abort();
}

}  // namespace cluster_channel

ClusterSession::ClusterSession(int& argc, char**& argv) {
  if (!launched_by_mpi()) return;
  int provided = 0;
  // Only the thread that called run_study talks to MPI; rank 0 computes on another thread.
  MPI_Init_thread(&argc, &argv, MPI_THREAD_FUNNELED, &provided);
  joined = true;
  MPI_Comm_dup(MPI_COMM_WORLD, &job);
  MPI_Comm_rank(job, &rank);
  MPI_Comm_size(job, &size);
  if (provided < MPI_THREAD_FUNNELED)
    cluster_channel::abort_job("the MPI library does not allow threads (MPI_THREAD_FUNNELED)");
  if (rank != 0 && std::getenv("INNOSIM_WORKER_OUTPUT") == nullptr) {
    // Workers run the same command as rank 0 and would print the same lines: only rank 0
    // speaks (INNOSIM_WORKER_OUTPUT=1 keeps every rank's output, to debug). A worker's own
    // failure still reaches the real standard error (abort_job).
    real_stderr = ::dup(2);
    const int null_device = ::open("/dev/null", O_WRONLY);
    if (null_device >= 0) {
      ::dup2(null_device, 1);
      ::dup2(null_device, 2);
      ::close(null_device);
    }
  }
}

ClusterSession::~ClusterSession() {
  if (!joined) return;
  MPI_Comm_free(&job);
  MPI_Finalize();
}

int ClusterSession::finish(int exit_code) {
  using cluster_channel::Kind;
  if (size == 1) return exit_code;
  if (rank == 0) {
    report_farm();
    ByteWriter body;
    body.put<std::int32_t>(exit_code);
    for (int worker = 1; worker < size; ++worker)
      cluster_channel::send(worker, cluster_channel::TO_WORKER, Kind::FINISH, body.bytes());
    return exit_code;
  }
  const cluster_channel::Message message = cluster_channel::next_from_coordinator();
  if (message.kind != Kind::FINISH) {
    cluster_channel::abort_job(
        "this rank's command ended (exit code " + std::to_string(exit_code) +
        ") where rank 0's went on: the ranks did not see the same inputs (every rank must be "
        "able to read the same scenario files, with the same command line)");
  }
  return ByteReader(message.body).get<std::int32_t>();
}

int cluster_rank() { return rank; }
int cluster_size() { return size; }
bool built_with_mpi() { return true; }

void share_from_coordinator(std::vector<std::uint8_t>& bytes) {
  using cluster_channel::Kind;
  if (size == 1) return;
  if (rank == 0) {
    for (int worker = 1; worker < size; ++worker)
      cluster_channel::send(worker, cluster_channel::TO_WORKER, Kind::DATA, bytes);
    return;
  }
  cluster_channel::Message message = cluster_channel::next_from_coordinator();
  if (message.kind == Kind::FINISH) {
    const int code = ByteReader(message.body).get<std::int32_t>();
    cluster_channel::put_back(std::move(message));
    throw ClusterFinished{code};
  }
  if (message.kind != Kind::DATA)
    cluster_channel::abort_job("rank 0 sent a study where this rank expected its shared data");
  bytes = std::move(message.body);
}

#endif

}  // namespace innosim::sim
