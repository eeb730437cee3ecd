#pragma once
#include <map>
#include <optional>
#include <string>

#include "core/reward/GroundTruth.h"
#include "core/reward/RuleOutcome.h"

namespace longrl::reward {

enum class RewardKind { DocQa, DocMath, Choice };
const char* kindName(RewardKind k);

// Rule score of one response, routed by `data_source` as the reference routes it:
// contains "long_toc_choices" -> choice, "docmath" -> docmath, "multihoprag" or "musique" -> docqa.
// Beyond the reference, "docqa" -> docqa and "choice" -> choice (so new sources can opt in by
// name), and explicit overrides (exact data_source -> kind) win over the substring rules.
class RewardRouter {
 public:
  struct Rule {
    RewardKind kind;
    RuleOutcome outcome;
    std::optional<std::string> answer_text;  // after </think>
  };

  void setOverride(const std::string& dataSource, RewardKind kind);
  std::optional<RewardKind> kindFor(const std::string& dataSource) const;
  // Throws RewardError for an unknown data_source or a ground truth the kind cannot read.
  Rule score(const std::string& dataSource, const std::string& response, const GroundTruth& gt) const;
  // Whether the LLM judge may overturn a miss of this kind (the reference judges docqa and
  // docmath; a wrong letter is simply wrong).
  static bool judgeable(RewardKind kind) { return kind != RewardKind::Choice; }

 private:
  std::map<std::string, RewardKind> overrides_;
};

}  // namespace longrl::reward
