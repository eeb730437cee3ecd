#pragma once
#include <cstdint>
#include <optional>
#include <string>

namespace longrl::test {

// The known rule behaviours of the rollout with store id `id` (its latest revision, as
// writeSyntheticBehaviors writes it): sub-goals id % 3, backtracking 1 when id % 4 == 0,
// verification 2 when id % 5 == 0, grounding share (id % 10) / 10 (none when id % 11 == 0).
struct SyntheticBehavior {
  int subgoal = 0;
  int backtracking = 0;
  int verification = 0;
  std::optional<double> groundingShare;
};
SyntheticBehavior syntheticBehaviorOf(std::int64_t id);

// Adds behaviour records to the rollouts already in runDir's store (writeSyntheticRollouts): for
// each, a stale "rule" revision 0 (every count 9, grounding 0.95: what a reader of the wrong
// revision would show), then revision 1 with syntheticBehaviorOf(id) and a span per counted step on
// the lines of its thinking (the cue: the line's first word); on every 7th rollout a "judge" record
// with a raw reply, failed (an error, no counts) on every 14th. Returns the rollouts covered.
std::int64_t writeSyntheticBehaviors(const std::string& runDir);

}  // namespace longrl::test
