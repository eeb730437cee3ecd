#include "core/behavior/JudgeShare.h"

namespace longrl::behavior {

namespace {

// splitmix64's finaliser: spreads every input bit over the output.
std::uint64_t mix(std::uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

}  // namespace

bool judgeSelects(double share, std::uint64_t seed, std::int64_t step, std::string_view exampleId, int groupIdx,
                  int sampleIdx) {
  if (share <= 0) return false;
  if (share >= 1) return true;
  std::uint64_t h = mix(seed);
  h = mix(h ^ static_cast<std::uint64_t>(step));
  for (unsigned char c : exampleId) h = (h ^ c) * 0x100000001b3ULL;  // FNV-1a over the id
  h = mix(h ^ (static_cast<std::uint64_t>(static_cast<std::uint32_t>(groupIdx)) << 32 |
               static_cast<std::uint32_t>(sampleIdx)));
  return static_cast<double>(h >> 11) * 0x1.0p-53 < share;
}

}  // namespace longrl::behavior
