#include "core/reward/RewardFunction.h"

#include <algorithm>

#include "core/reward/DocMathScorer.h"
#include "core/reward/DocQaScorer.h"
#include "core/reward/RewardError.h"

namespace longrl::reward {

RewardFunction::RewardFunction(RewardRouter router, std::shared_ptr<const JudgeClient> judge,
                               std::optional<OverlongPenalty> overlong)
    : router_(std::move(router)), judge_(std::move(judge)), overlong_(std::move(overlong)) {}

bool RewardFunction::wouldJudge(const RewardRouter::Rule& rule) const {
  return judge_ && rule.outcome.score < 1.0 && rule.outcome.pred && RewardRouter::judgeable(rule.kind);
}

RewardResult RewardFunction::combine(const RewardRouter::Rule& rule, const std::optional<JudgeResult>& judge) {
  RewardResult r;
  r.kind = kindName(rule.kind);
  r.pred = rule.outcome.pred;
  r.answer_text = rule.answer_text;
  r.method = rule.outcome.method;
  r.rule_score = rule.outcome.score;
  r.judge = judge;
  const double judgeScore = judge && judge->verdict == JudgeVerdict::Yes ? 1.0 : 0.0;
  r.score = std::max(r.rule_score, judgeScore);
  r.acc = r.score == 1.0;
  return r;
}

namespace {
// What the judge sees as Answer 2: the answer part of each acceptable ground truth.
std::string judgeGroundTruth(RewardKind kind, const GroundTruth& gt) {
  std::string out;
  for (const auto& g : gt.answers()) {
    if (!out.empty()) out += " / ";
    if (kind == RewardKind::DocMath) {
      try {
        out += DocMathScorer::groundTruthNumber(g).text;
        continue;
      } catch (const RewardError&) {
      }
    }
    out += DocQaScorer::groundTruthAnswer(g);
  }
  return out;
}
}  // namespace

RewardResult RewardFunction::compute(const RewardInput& in) const {
  if (overlong_ && !in.response_tokens)
    throw RewardError("data_source '" + in.data_source + "': overlong penalty needs the response length in tokens");
  const auto rule = router_.score(in.data_source, in.response, in.ground_truth);
  std::optional<JudgeResult> verdict;
  if (wouldJudge(rule))
    verdict = judge_->judge(JudgePrompt(in.question, *rule.outcome.pred, judgeGroundTruth(rule.kind, in.ground_truth)));
  RewardResult r = combine(rule, verdict);
  if (overlong_) {
    r.overlong_penalty = overlong_->penalty(*in.response_tokens);
    r.score += r.overlong_penalty;
  }
  return r;
}

}  // namespace longrl::reward
