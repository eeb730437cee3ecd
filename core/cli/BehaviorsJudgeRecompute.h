#pragma once
#include <cstdint>
#include <ostream>
#include <string>

#include "core/reward/JudgeOptions.h"
#include "core/store/RolloutRecord.h"

namespace longrl::cli {

// acc as training counts it: max(rule, judge) == 1.
bool rolloutCorrect(const store::RolloutRecord& r);

// `longrl behaviors RUN_DIR --judge URL`: the LLM judge's behaviours of the run's rollouts (the
// share JudgeShare picks with `seed`), written as the next revision of classifier "judge". Each
// failed call is recorded as that rollout's error. Returns the exit status: 1 when the first call
// got no response at all (nothing is written then) or every call failed, else 0.
struct BehaviorsJudgeRecompute {
  std::string runDir;
  reward::JudgeOptions options;
  double share = 1.0;
  std::uint64_t seed = 0;
  bool grounding = true;
  bool metrics = false;

  int run(std::ostream& out, std::ostream& err) const;
};

}  // namespace longrl::cli
