#pragma once
#include <map>
#include <string>
#include <vector>

#include "core/behavior/BehaviorRecord.h"

namespace longrl::behavior {

// What one GRPO step reports about its rollouts' behaviours, in verl's naming:
//   behavior/grounding_share/mean, behavior/passages/mean   (rollouts with a document)
//   behavior/subgoal/mean, behavior/backtracking/mean, behavior/verification/mean
// and each again over the correct and the wrong answers alone, the split a suffix of the same
// name so that a chart of one behaviour finds all three: behavior/subgoal/mean/correct,
// behavior/subgoal/mean/wrong. A group without rollouts (no wrong answer this step, no rollout with
// a document) gives no key rather than a 0 that would read as a measurement.
class BehaviorMetrics {
 public:
  using Metrics = std::map<std::string, double>;

  struct Rollout {
    const BehaviorRecord* behavior = nullptr;  // null: not classified (left out)
    bool correct = false;                      // the answer was right (accuracy / rule score 1)
  };

  static Metrics compute(const std::vector<Rollout>& rollouts);
  // Adds compute()'s metrics to `m`.
  static void add(const std::vector<Rollout>& rollouts, Metrics& m);
};

}  // namespace longrl::behavior
