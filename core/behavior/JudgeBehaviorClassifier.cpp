#include "core/behavior/JudgeBehaviorClassifier.h"

#include <algorithm>

#include "core/behavior/BehaviorJudgeReply.h"
#include "core/behavior/RuleBehaviorClassifier.h"
#include "core/io/ParallelFor.h"

namespace longrl::behavior {

JudgeBehaviorClassifier::JudgeBehaviorClassifier(reward::JudgeOptions options, size_t maxDocumentChars)
    : client_(std::move(options)), maxDocumentChars_(maxDocumentChars) {}

BehaviorRecord JudgeBehaviorClassifier::classify(const Input& in, int* httpStatus) const {
  BehaviorRecord r;
  r.classifier = kName;
  const auto [from, to] = RuleBehaviorClassifier::reasoningRange(in.response);
  const std::string user = BehaviorJudgePrompt::userMessage(in.question, in.document,
                                                            in.response.substr(from, to - from), maxDocumentChars_);
  const reward::JudgeResult reply = client_.complete(BehaviorJudgePrompt::systemMessage(), user);
  if (httpStatus) *httpStatus = reply.http_status;
  r.rawReply = reply.raw_reply;
  if (!reply.error.empty()) r.error = reply.error;
  else readBehaviorJudgeReply(reply.raw_reply, r);
  if (in.index) RuleBehaviorClassifier::measureGrounding(r, in.response, *in.index, aligner_);
  return r;
}

std::vector<BehaviorRecord> JudgeBehaviorClassifier::classifyMany(const std::vector<Input>& inputs) const {
  std::vector<BehaviorRecord> out(inputs.size());
  io::parallelFor(inputs.size(), static_cast<size_t>(client_.options().max_concurrent),
                  [&](size_t i) { out[i] = classify(inputs[i]); });
  return out;
}

}  // namespace longrl::behavior
