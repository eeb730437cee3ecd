#pragma once
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/reward/GroundTruth.h"
#include "core/reward/RuleOutcome.h"

namespace longrl::reward {

enum class RewardKind { DocQa, DocMath, Choice };
const char* kindName(RewardKind k);

// Rule score of one response, routed by `data_source`. The routing table (routes()), first match
// wins:
//   contains "long_toc_choices" -> choice    \  the reference's own rules (QwenLong-L1's verl
//   contains "docmath"          -> docmath    |  reward_score: substring tests, case-sensitive),
//   contains "multihoprag"      -> docqa      |  in its order; the demo's demo_multihoprag and
//   contains "musique"          -> docqa     /   demo_docmath route through them
//   name "frames", "2wikimqa", "hotpotqa", "narrativeqa", "qasper" -> docqa   (the papers' DocQA
//   name "longbench_v2"                                            -> choice   evaluation sets)
//   contains "docqa" -> docqa, contains "choice" -> choice   (so new sources can opt in by name)
// A "name" rule matches the data_source read case-insensitively, with '-' as '_' and without a
// leading "org/" (Hugging Face ids), when it equals the name or starts with the name followed by
// '_' or '.': "hotpotqa", "HotpotQA_e", "frames_test", "google/frames-benchmark",
// "THUDM/LongBench-v2" and "longbench_v2.short" match; "hotpotqa2" and "my_frames" do not.
// Names are matched as whole words because they are short and common ("frames" inside an
// unrelated source must not silently pick a scorer). Explicit overrides (exact data_source ->
// kind) win over the table. An unknown data_source is an error that lists the table.
class RewardRouter {
 public:
  struct Rule {
    RewardKind kind;
    RuleOutcome outcome;
    std::optional<std::string> answer_text;  // after </think>
  };
  enum class Match { Contains, Name };
  struct Route {
    const char* pattern;
    Match match;
    RewardKind kind;
    bool matches(const std::string& dataSource) const;
  };

  static const std::vector<Route>& routes();
  // The table in one line, e.g. "*docmath* -> docmath, hotpotqa[_...] -> docqa, ...".
  static std::string describeRoutes();

  void setOverride(const std::string& dataSource, RewardKind kind);
  std::optional<RewardKind> kindFor(const std::string& dataSource) const;
  // kindFor, or a RewardError naming the data_source and listing the routing table.
  RewardKind requireKind(const std::string& dataSource) const;
  // Throws RewardError for an unknown data_source or a ground truth the kind cannot read.
  Rule score(const std::string& dataSource, const std::string& response, const GroundTruth& gt) const;
  // Whether the LLM judge may overturn a miss of this kind (the reference judges docqa and
  // docmath; a wrong letter is simply wrong).
  static bool judgeable(RewardKind kind) { return kind != RewardKind::Choice; }

 private:
  std::map<std::string, RewardKind> overrides_;
};

}  // namespace longrl::reward
