#pragma once
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "core/reward/JudgeResult.h"

namespace longrl::reward {

// The reward of one response, with everything needed to explain it.
struct RewardResult {
  double score = 0.0;                      // final reward: max(rule, judge) + overlong penalty
  bool acc = false;                        // max(rule, judge) == 1 (before the penalty), as verl reports acc
  std::optional<std::string> pred;         // the extracted answer; nullopt when none was found
  std::optional<std::string> answer_text;  // text after the last </think>; nullopt when missing
  std::string kind;                        // "docqa", "docmath", "choice"
  std::string method;                      // how the rule decided, in words
  double rule_score = 0.0;
  double overlong_penalty = 0.0;
  std::optional<JudgeResult> judge;  // present when the judge was asked

  // {"score","acc","pred",...}; `verbose` adds the judge prompts.
  nlohmann::json toJson(bool verbose = false) const;
};

}  // namespace longrl::reward
