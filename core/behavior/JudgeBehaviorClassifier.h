#pragma once
#include <string_view>
#include <vector>

#include "core/behavior/BehaviorJudgePrompt.h"
#include "core/behavior/BehaviorRecord.h"
#include "core/grounding/GroundingAligner.h"
#include "core/grounding/GroundingIndex.h"
#include "core/reward/JudgeClient.h"

namespace longrl::behavior {

// The LLM-judge classifier: sends one trace, with its question and (an excerpt of) its document, to
// an OpenAI-compatible endpoint (reward::JudgeClient: its retries, time-outs and key) with
// BehaviorJudgePrompt, and reads the counts from the reply (readBehaviorJudgeReply). The record is
// classifier "judge", without steps or spans (the judge gives no positions), with the reply in
// rawReply always; a time-out, HTTP error or malformed reply leaves the counts 0 and sets `error`,
// so that metrics leave the rollout out. The grounding share is the aligner's, as the rule
// classifier measures it. classify() is const and thread-safe.
class JudgeBehaviorClassifier {
 public:
  static constexpr const char* kName = "judge";

  struct Input {
    std::string_view question;
    std::string_view document;                         // empty: none
    std::string_view response;                         // the whole response; the judge sees its reasoning
    const grounding::GroundingIndex* index = nullptr;  // of `document`; null: no grounding share
  };

  // Throws reward::RewardError when the options are unusable (see JudgeClient).
  explicit JudgeBehaviorClassifier(reward::JudgeOptions options,
                                   size_t maxDocumentChars = BehaviorJudgePrompt::kDefaultDocumentChars);

  // `httpStatus`, when given, gets the last attempt's status: 0 when no response came at all.
  BehaviorRecord classify(const Input& input, int* httpStatus = nullptr) const;
  // On up to the client's max_concurrent threads; records in the inputs' order.
  std::vector<BehaviorRecord> classifyMany(const std::vector<Input>& inputs) const;

  const grounding::GroundingAligner& aligner() const { return aligner_; }
  const reward::JudgeClient& client() const { return client_; }

 private:
  reward::JudgeClient client_;
  size_t maxDocumentChars_;
  grounding::GroundingAligner aligner_;
};

}  // namespace longrl::behavior
