#pragma once
#include <optional>
#include <string>

#include "core/reward/GroundTruth.h"
#include "core/reward/RuleOutcome.h"

namespace longrl::reward {

// Multiple choice (long_toc_choices): "The correct answer is (X)" or "The correct answer is X";
// score 1 when the letter equals the ground truth's letter (case-insensitive), else 0.
// The last statement that carries a letter wins (a model that corrects itself is scored on its
// final choice). A bare letter must end at a non-letter ("is Apple" is not choice A).
class ChoiceScorer {
 public:
  static constexpr const char* kPhrase = "the correct answer is";

  static RuleOutcome score(const std::string& answerText, const GroundTruth& gt);
  // The upper-case letter, or nullopt.
  static std::optional<char> extract(const std::string& answerText);
  // "B", "(B)", "b" or a full "The correct answer is (B)". Throws RewardError otherwise.
  static char groundTruthLetter(const std::string& gt);
};

}  // namespace longrl::reward
