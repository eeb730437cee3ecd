#pragma once
#include <memory>
#include <optional>
#include <string>

#include "core/reward/GroundTruth.h"
#include "core/reward/JudgeClient.h"
#include "core/reward/OverlongPenalty.h"
#include "core/reward/RewardResult.h"
#include "core/reward/RewardRouter.h"

namespace longrl::reward {

struct RewardInput {
  std::string data_source;
  std::string response;
  GroundTruth ground_truth;
  std::string question;                 // for the judge; may be empty
  std::optional<long> response_tokens;  // for the overlong penalty
};

// The full reward of the recipe: rule score, the LLM judge only when the rule score is below 1
// (and an answer was extracted), final = max(rule, judge == Yes ? 1 : 0), plus the overlong
// penalty. A judge error leaves the rule score in place and is recorded in the result.
// compute() is thread-safe (the judge client is; the rest is pure).
class RewardFunction {
 public:
  explicit RewardFunction(RewardRouter router = {}, std::shared_ptr<const JudgeClient> judge = nullptr,
                          std::optional<OverlongPenalty> overlong = std::nullopt);

  // Throws RewardError (unknown data_source, bad ground truth, penalty without a token count).
  RewardResult compute(const RewardInput& input) const;

  // The combination rule on its own (pure): `judge` is the judge's result when it was asked.
  static RewardResult combine(const RewardRouter::Rule& rule, const std::optional<JudgeResult>& judge);
  // Whether compute() would ask the judge for this rule outcome.
  bool wouldJudge(const RewardRouter::Rule& rule) const;

  const RewardRouter& router() const { return router_; }
  const JudgeClient* judgeClient() const { return judge_.get(); }

 private:
  RewardRouter router_;
  std::shared_ptr<const JudgeClient> judge_;
  std::optional<OverlongPenalty> overlong_;
};

}  // namespace longrl::reward
