// The processes of one innosim job. A single process, unless an MPI build (cmake -DINNOSIM_MPI=ON)
// is started by an MPI launcher (mpirun, srun): then every rank runs the same command on the
// same inputs, and run_study shares the tasks of each study among the ranks (a task farm,
// sim/run/rank_farm.hpp). Rank 0, the coordinator, is the only one that writes files or
// prints; the other ranks (workers) compute, with their standard output and error closed.
// Because every task draws from counter-based streams keyed by its identity and rank 0's sink
// receives the tasks in task order, the files are the same bits on any number of ranks.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace innosim::sim {

/// Thrown on a worker when the coordinator's command has ended, so that the worker's command
/// stops where it is instead of running its ending (which writes files). Deliberately not a
/// std::exception: a command's `catch (const std::exception&)` must let it pass.
struct ClusterFinished {
  int exit_code = 0;
};

/// The job's lifetime, held by main(): joins the MPI job when there is one.
class ClusterSession {
 public:
  ClusterSession(int& argc, char**& argv);
  ~ClusterSession();
  ClusterSession(const ClusterSession&) = delete;
  ClusterSession& operator=(const ClusterSession&) = delete;
  /// The end of the job: the coordinator tells the workers its exit code, a worker waits for
  /// it. Returns the coordinator's exit code on every rank.
  int finish(int exit_code);
};

[[nodiscard]] int cluster_rank();  ///< 0 without MPI
[[nodiscard]] int cluster_size();  ///< 1 without MPI
[[nodiscard]] inline bool is_coordinator() { return cluster_rank() == 0; }
/// Whether this program can join an MPI job (built with INNOSIM_MPI).
[[nodiscard]] bool built_with_mpi();

/// Bytes the coordinator has and the workers need, e.g. which points of a resumed sweep are
/// still to run (only rank 0 opens the partial file): sent by rank 0, received by the others.
/// Every rank calls it at the same place of the same command. Nothing happens on one process.
void share_from_coordinator(std::vector<std::uint8_t>& bytes);

}  // namespace innosim::sim
