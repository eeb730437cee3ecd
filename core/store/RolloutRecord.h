#pragma once
#include <cstdint>
#include <optional>
#include <string>

namespace longrl::store {

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
};

}  // namespace longrl::store
