#pragma once
#include <optional>
#include <string>

#include "core/reward/GroundTruth.h"
#include "core/reward/RuleOutcome.h"

namespace longrl::reward {

// Multi-hop document QA (musique, multihoprag): the prediction is the text after the last
// "the answer is" (any case only when the lowercase phrase is absent), with surrounding
// whitespace and periods removed; the score
// is sub-EM on SQuAD-normalised strings: 1 when gt is a substring of pred or pred of gt.
class DocQaScorer {
 public:
  static constexpr const char* kPhrase = "the answer is";

  // `answerText` is the text after `</think>` (see AnswerExtractor::afterThink).
  static RuleOutcome score(const std::string& answerText, const GroundTruth& gt);
  // The prediction, or nullopt when the phrase is missing or nothing follows it.
  static std::optional<std::string> extract(const std::string& answerText);
  // A ground truth written as a full response ("... the answer is X") is reduced to X.
  static std::string groundTruthAnswer(const std::string& gt);
  // Sub-EM on normalised strings; an empty side never matches.
  static bool subEm(const std::string& pred, const std::string& gt);
};

}  // namespace longrl::reward
