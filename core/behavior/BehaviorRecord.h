#pragma once
#include <optional>
#include <string>
#include <vector>

#include "core/behavior/BehaviorKind.h"
#include "core/behavior/BehaviorSpan.h"

namespace longrl::behavior {

// The reasoning behaviours of one rollout, as one classifier saw them. Stored as JSON with the
// rollout so that the studio can chart, filter and mark them, and `longrl behaviors` can write a
// newer version beside it.
struct BehaviorRecord {
  static constexpr int kVersion = 1;  // of the rules/format that produced it

  std::string classifier;  // "rule" or "judge": shown wherever the figures are
  int version = kVersion;
  int steps = 0;  // steps (lines/sentences) of the reasoning; 0 when the classifier does not split
  int subgoal = 0;
  int backtracking = 0;
  int verification = 0;
  // Share of the reasoning's words inside passages aligned to the document (grounding::
  // tokenizeForGrounding words: a CJK character counts one), and how many distinct document
  // passages those cite. nullopt without a document.
  std::optional<double> groundingShare;
  int passages = 0;
  std::vector<BehaviorSpan> spans;  // ordered by begin; empty for a classifier without positions
  // The LLM judge's reply as received (empty for the rule classifier), so a person can check the
  // counts against what the judge wrote.
  std::string rawReply;
  // Non-empty when the classifier failed for this rollout (time-out, HTTP error, malformed JSON):
  // the counts are then meaningless and metrics leave the rollout out.
  std::string error;

  bool failed() const { return !error.empty(); }

  int count(BehaviorKind kind) const;
  int& count(BehaviorKind kind);

  std::string toJson() const;
  // Throws std::runtime_error naming the field that is missing, of the wrong type or out of range.
  static BehaviorRecord fromJson(const std::string& text);

  bool operator==(const BehaviorRecord& o) const;
  bool operator!=(const BehaviorRecord& o) const { return !(*this == o); }
};

}  // namespace longrl::behavior
