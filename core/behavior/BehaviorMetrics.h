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
//
// Those are the rule classifier's. The LLM judge's (behavior.judge.share, `longrl behaviors --judge`)
// never mix with them: the same names under behavior_judge/ (behavior_judge/subgoal/mean, ...) over
// the judged rollouts that did not fail, plus behavior_judge/calls and behavior_judge/failed.
class BehaviorMetrics {
 public:
  using Metrics = std::map<std::string, double>;

  struct Rollout {
    const BehaviorRecord* behavior = nullptr;  // null: not classified (left out)
    bool correct = false;                      // the answer was right (accuracy / rule score 1)
  };

  static constexpr const char* kRulePrefix = "behavior";
  static constexpr const char* kJudgePrefix = "behavior_judge";

  static Metrics compute(const std::vector<Rollout>& rollouts, const std::string& prefix = kRulePrefix);
  // Adds compute()'s metrics to `m`.
  static void add(const std::vector<Rollout>& rollouts, Metrics& m, const std::string& prefix = kRulePrefix);
  // The judge's: add() under behavior_judge/, and the number of rollouts judged and of failed calls.
  static void addJudge(const std::vector<Rollout>& rollouts, Metrics& m);
};

}  // namespace longrl::behavior
