#pragma once
#include <cstdint>
#include <string_view>

namespace longrl::behavior {

// Which rollouts the behaviour judge sees (behavior.judge.share, `longrl behaviors --judge-share`):
// each rollout independently, by a hash of the seed and its key, so the choice is the same on every
// rank, on a resumed run, and when `longrl behaviors` is given the run's seed and share; about
// `share` of each step's rollouts. share <= 0: none; >= 1: all.
bool judgeSelects(double share, std::uint64_t seed, std::int64_t step, std::string_view exampleId, int groupIdx,
                  int sampleIdx);

}  // namespace longrl::behavior
