// Messages between the ranks of an MPI job (MPI builds only). Rank 0 sends workers one kind of
// message at a time over one tag, so a worker receives them in the order they were sent;
// workers answer on another tag. Waiting polls with short sleeps: OpenMPI's blocking calls spin
// a core, which a waiting rank should leave to the ranks that compute.
#pragma once

#include <mpi.h>

#include <cstdint>
#include <string>
#include <vector>

namespace innosim::sim::cluster_channel {

enum class Kind : std::uint8_t {
  STUDY_START = 1,  ///< rank 0 -> workers: a study begins (its fingerprint)
  CHUNK,            ///< rank 0 -> worker: tasks [begin, end), or none: no more work
  STUDY_END,        ///< rank 0 -> workers: the study ended (finished?, shared outcomes)
  DATA,             ///< rank 0 -> workers: share_from_coordinator's bytes
  FINISH,           ///< rank 0 -> workers: the command ended (its exit code)
  HELLO,            ///< worker -> rank 0: joined the study (its fingerprint)
  RESULT,           ///< worker -> rank 0: a chunk's results
};

constexpr int TO_WORKER = 1;
constexpr int TO_COORDINATOR = 2;

struct Message {
  Kind kind = Kind::FINISH;
  int source = 0;
  std::vector<std::uint8_t> body;
};

[[nodiscard]] MPI_Comm communicator();
void send(int rank, int tag, Kind kind, const std::vector<std::uint8_t>& body);
/// A message on `tag` if one has arrived (from any rank).
bool poll(int tag, Message& message);
/// Waits for a message on `tag` from any rank.
Message receive(int tag);
/// A worker's next message from rank 0 (one put back by put_back first).
Message next_from_coordinator();
/// Keeps a message for the next next_from_coordinator().
void put_back(Message message);
/// Ends the whole job after printing why on this rank's real standard error.
[[noreturn]] void abort_job(const std::string& why);

}  // namespace innosim::sim::cluster_channel
