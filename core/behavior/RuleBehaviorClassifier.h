#pragma once
#include <string_view>

#include "core/behavior/BehaviorCues.h"
#include "core/behavior/BehaviorRecord.h"
#include "core/grounding/GroundingAligner.h"
#include "core/grounding/GroundingIndex.h"

namespace longrl::behavior {

// The fast classifier, run on every rollout: splits the reasoning into steps (splitTraceSteps) and
// marks a step with a behaviour when it holds one of BehaviorCues' phrases for it; a step is also a
// verification when it holds an arithmetic expression whose result repeats an earlier one
// (findArithmetic). Counts are steps: a step counts once per kind, however many cues it has, and
// may count for several kinds ("Wait, let me check" is backtracking and verification).
//
// The reasoning is the response up to its last "</think>" (all of it without one: a trace cut at
// the length limit), after a leading "<think>". Span offsets are into the whole response.
// classify() is const: one classifier may serve several threads.
class RuleBehaviorClassifier {
 public:
  static constexpr const char* kName = "rule";

  explicit RuleBehaviorClassifier(const BehaviorCues& cues = BehaviorCues::builtIn()) : cues_(cues) {}

  // Behaviours only; groundingShare stays empty.
  BehaviorRecord classify(std::string_view response) const;
  // And the grounding share against the document `index` was built from.
  BehaviorRecord classify(std::string_view response, const grounding::GroundingIndex& index,
                          const grounding::GroundingAligner& aligner) const;

  // Sets the record's grounding share and passages: the reasoning of `response` aligned against the
  // document `index` was built from. The judge's records use it too, so both carry the same figure.
  static void measureGrounding(BehaviorRecord& record, std::string_view response,
                               const grounding::GroundingIndex& index, const grounding::GroundingAligner& aligner);

  // [begin, end) of the reasoning in `response`.
  static std::pair<size_t, size_t> reasoningRange(std::string_view response);

 private:
  const BehaviorCues& cues_;
};

}  // namespace longrl::behavior
