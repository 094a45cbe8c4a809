// Identity-keyed random streams: every draw is a pure function of
//   (master seed, stream purpose, replication, step, agent id, draw index).
// Consequences (tested in tests/sim/test_stream.cpp and tests/models/test_ref1_*.cpp):
//   * results do not depend on thread count, chunking or the row an agent occupies;
//   * two scenarios see the same draws for the same agent and replication (common random
//     numbers);
//   * any single replication can be re-run alone.
//
// Layout of one Philox4x32-10 call:
//   key     = (seed low 32 bits, seed high 32 bits)
//   counter = (agent id, step, replication, purpose << 24 | draw index)
// so 2^24 draw blocks of 4 words each are available per (purpose, replication, step, agent).
#pragma once

#include <cstdint>

#include "sim/rng/philox.hpp"

namespace innosim::sim {

/// A stream purpose: which decision a draw serves. Models define their own constants; keeping
/// purposes distinct keeps the decisions independent (a new decision never shifts old draws).
using StreamPurpose = std::uint8_t;

/// Random stream for one (seed, purpose, replication, step). Cheap to copy; hot loops hold one
/// per step and call block() per agent.
class StreamKey {
 public:
  StreamKey(std::uint64_t seed, StreamPurpose purpose, std::uint32_t replication,
            std::uint32_t step) noexcept
      : key_{static_cast<std::uint32_t>(seed), static_cast<std::uint32_t>(seed >> 32)},
        step_(step),
        replication_(replication),
        purpose_word_(static_cast<std::uint32_t>(purpose) << 24) {}

  static constexpr std::uint32_t MAX_DRAW_INDEX = (1u << 24) - 1;

  /// Four independent 32-bit words for (agent id, draw index).
  [[nodiscard]] PhiloxBlock block(std::uint32_t agent_id,
                                  std::uint32_t draw_index = 0) const noexcept {
    return philox4x32_10({agent_id, step_, replication_, purpose_word_ | draw_index}, key_);
  }

 private:
  PhiloxKey key_;
  std::uint32_t step_;
  std::uint32_t replication_;
  std::uint32_t purpose_word_;
};

}  // namespace innosim::sim
