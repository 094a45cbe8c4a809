// Philox4x32-10 against the published known-answer vectors of its authors: Random123
// (D. E. Shaw Research), file tests/kat_vectors, the three "philox4x32 10" lines:
//   counter (4 words), key (2 words) -> expected output (4 words).
#include <gtest/gtest.h>

#include "sim/rng/stream.hpp"

namespace innosim::sim {
namespace {

struct KnownAnswer {
  PhiloxCounter counter;
  PhiloxKey key;
  PhiloxBlock expected;
};

TEST(Philox, MatchesRandom123KnownAnswerVectors) {
  const KnownAnswer vectors[] = {
      {{0x00000000, 0x00000000, 0x00000000, 0x00000000},
       {0x00000000, 0x00000000},
       {0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8}},
      {{0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff},
       {0xffffffff, 0xffffffff},
       {0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd}},
      {{0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344},
       {0xa4093822, 0x299f31d0},
       {0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1}},
  };
  for (const auto& vector : vectors) {
    EXPECT_EQ(philox4x32_10(vector.counter, vector.key), vector.expected);
  }
}

TEST(StreamKey, LaysOutSeedPurposeReplicationStepFirmAndDrawAsDocumented) {
  const std::uint64_t seed = 0x0123456789abcdefULL;
  const StreamKey stream(seed, 7, 11, 13);
  const PhiloxBlock expected =
      philox4x32_10({17u, 13u, 11u, (7u << 24) | 5u}, {0x89abcdefu, 0x01234567u});
  EXPECT_EQ(stream.block(17, 5), expected);
}

TEST(StreamKey, EveryIdentityComponentChangesTheDraws) {
  const StreamKey base(1, 2, 3, 4);
  const PhiloxBlock reference = base.block(5, 6);
  EXPECT_EQ(StreamKey(1, 2, 3, 4).block(5, 6), reference);  // a pure function
  EXPECT_NE(StreamKey(9, 2, 3, 4).block(5, 6), reference);  // seed
  EXPECT_NE(StreamKey(1, 9, 3, 4).block(5, 6), reference);  // purpose
  EXPECT_NE(StreamKey(1, 2, 9, 4).block(5, 6), reference);  // replication
  EXPECT_NE(StreamKey(1, 2, 3, 9).block(5, 6), reference);  // step
  EXPECT_NE(base.block(9, 6), reference);                   // agent
  EXPECT_NE(base.block(5, 9), reference);                   // draw index
  EXPECT_NE(StreamKey(std::uint64_t{1} << 32 | 1, 2, 3, 4).block(5, 6),
            reference);  // seed high word
}

}  // namespace
}  // namespace innosim::sim
