// Philox4x32-10 counter-based generator (Salmon et al., SC'11), from the Random123 library by
// its authors (Debian: librandom123-dev). We keep only a thin value-type wrapper here so that
// the hot loops can call it inline and the compiler can vectorise it across agents.
#pragma once

#include <Random123/philox.h>

#include <array>
#include <cstdint>

namespace innosim::sim {

using PhiloxCounter = std::array<std::uint32_t, 4>;
using PhiloxKey = std::array<std::uint32_t, 2>;
using PhiloxBlock = std::array<std::uint32_t, 4>;

/// One Philox4x32-10 evaluation: 128 random bits that are a pure function of (counter, key).
[[nodiscard]] inline PhiloxBlock philox4x32_10(const PhiloxCounter& counter, const PhiloxKey& key) {
  const philox4x32_ctr_t ctr = {{counter[0], counter[1], counter[2], counter[3]}};
  const philox4x32_key_t k = {{key[0], key[1]}};
  const philox4x32_ctr_t out = philox4x32_R(10, ctr, k);
  return {out.v[0], out.v[1], out.v[2], out.v[3]};
}

}  // namespace innosim::sim
