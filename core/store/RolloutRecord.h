#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <tuple>

#include "core/store/RecordField.h"
#include "core/store/ZFlag.h"

namespace longrl::store {

inline constexpr const char* kJudgeVerdicts[] = {"yes", "no", "error", "", nullptr};

// One sampled completion with its rewards. (step, example_id, group_idx, sample_idx) is unique:
// a resumed trainer re-sending it updates the row instead of duplicating it.
struct RolloutRecord {
  std::int64_t id = 0;  // rowid, filled by the reader
  std::int64_t step = 0;
  int phase = 0;
  std::string example_id;
  int group_idx = 0;   // which prompt group of the batch
  int sample_idx = 0;  // which of the group's samples
  std::int64_t prompt_tokens = 0;
  std::string response;
  std::int64_t think_len = 0;  // tokens before </think>
  std::string answer;          // extracted answer
  double rule_score = 0.0;
  std::string judge_verdict;  // "yes", "no", "error", or "" (judge not called)
  std::string judge_raw;
  std::string judge_prompt;
  std::string judge_error;
  double reward = 0.0;
  double advantage = 0.0;
  std::int64_t length = 0;  // response tokens
  bool truncated = false;
  double mean_entropy = 0.0;
  std::optional<std::string> trajectory;  // JSON text: memory-agent steps (schema v2)
  double wall_time = 0.0;

  static constexpr const char* kTable = "rollouts";
  static constexpr const char* kType = "rollout";
  // Every field's column, JSON key and rules, once (see RecordField).
  static constexpr auto fields() {
    using R = RolloutRecord;
    return std::make_tuple(
        field("id", &R::id).rowid().sortable(), field("step", &R::step).key().required().sortable(),
        field("phase", &R::phase).sortable(), field("example_id", &R::example_id).key().required().sortable(),
        field("group_idx", &R::group_idx).key().required().sortable(),
        field("sample_idx", &R::sample_idx).key().required().sortable(),
        field("prompt_tokens", &R::prompt_tokens).sortable(), field("response", &R::response).packed(zflag::kResponse),
        field("think_len", &R::think_len).sortable(), field("answer", &R::answer),
        field("rule_score", &R::rule_score).nullable().sortable(),
        field("judge_verdict", &R::judge_verdict).oneOf(kJudgeVerdicts).sortable(),
        field("judge_raw", &R::judge_raw).packed(zflag::kJudgeRaw),
        field("judge_prompt", &R::judge_prompt).packed(zflag::kJudgePrompt), field("judge_error", &R::judge_error),
        field("reward", &R::reward).nullable().sortable(), field("advantage", &R::advantage).nullable().sortable(),
        field("length", &R::length).sortable(), field("truncated", &R::truncated).sortable(),
        field("mean_entropy", &R::mean_entropy).nullable().sortable(),
        field("trajectory", &R::trajectory).packed(zflag::kTrajectory), field("wall_time", &R::wall_time));
  }
};

}  // namespace longrl::store
