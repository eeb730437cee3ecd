#include "core/reward/RewardRouter.h"

#include "core/reward/AnswerExtractor.h"
#include "core/reward/ChoiceScorer.h"
#include "core/reward/DocMathScorer.h"
#include "core/reward/DocQaScorer.h"
#include "core/reward/RewardError.h"

namespace longrl::reward {

const char* kindName(RewardKind k) {
  switch (k) {
    case RewardKind::DocQa: return "docqa";
    case RewardKind::DocMath: return "docmath";
    case RewardKind::Choice: return "choice";
  }
  return "docqa";
}

void RewardRouter::setOverride(const std::string& dataSource, RewardKind kind) { overrides_[dataSource] = kind; }

std::optional<RewardKind> RewardRouter::kindFor(const std::string& ds) const {
  if (auto it = overrides_.find(ds); it != overrides_.end()) return it->second;
  auto has = [&](const char* s) { return ds.find(s) != std::string::npos; };
  // Same order as the reference's if-chain.
  if (has("long_toc_choices")) return RewardKind::Choice;
  if (has("docmath")) return RewardKind::DocMath;
  if (has("multihoprag") || has("musique")) return RewardKind::DocQa;
  if (has("docqa")) return RewardKind::DocQa;
  if (has("choice")) return RewardKind::Choice;
  return std::nullopt;
}

RewardRouter::Rule RewardRouter::score(const std::string& dataSource, const std::string& response,
                                       const GroundTruth& gt) const {
  const auto kind = kindFor(dataSource);
  if (!kind)
    throw RewardError("data_source '" + dataSource +
                      "': no reward for it (expected one containing docmath, multihoprag, musique, docqa, "
                      "long_toc_choices or choice)");
  if (gt.empty()) throw RewardError("data_source '" + dataSource + "': empty ground truth");
  Rule rule{*kind, {}, AnswerExtractor::afterThink(response)};
  if (!rule.answer_text) {
    rule.outcome.method = "no </think> in the response";
    return rule;
  }
  switch (*kind) {
    case RewardKind::DocQa: rule.outcome = DocQaScorer::score(*rule.answer_text, gt); break;
    case RewardKind::DocMath: rule.outcome = DocMathScorer::score(*rule.answer_text, gt); break;
    case RewardKind::Choice: rule.outcome = ChoiceScorer::score(*rule.answer_text, gt); break;
  }
  return rule;
}

}  // namespace longrl::reward
