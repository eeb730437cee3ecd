#pragma once
#include <string_view>
#include <vector>

#include "core/behavior/BehaviorRecord.h"
#include "core/behavior/RuleBehaviorClassifier.h"

namespace longrl::behavior {

// The rule-based behaviours of a GRPO group: the samples of one prompt share its document, so its
// index is built once for all of them. Without a document (or with grounding off) the records have
// no grounding share.
class GroupBehaviorClassifier {
 public:
  explicit GroupBehaviorClassifier(bool grounding = true) : grounding_(grounding) {}

  std::vector<BehaviorRecord> classify(std::string_view document, const std::vector<std::string_view>& responses) const;

 private:
  bool grounding_;
  RuleBehaviorClassifier rule_;
  grounding::GroundingAligner aligner_;
};

}  // namespace longrl::behavior
