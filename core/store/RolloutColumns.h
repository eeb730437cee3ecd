#pragma once

namespace longrl::store {

// Bits of the `zflags` column: which long-text columns of a row hold zstd-compressed bytes.
namespace zflag {
constexpr int kResponse = 1;    // rollouts.response, documents.text
constexpr int kJudgeRaw = 2;    // rollouts.judge_raw
constexpr int kJudgePrompt = 4;  // rollouts.judge_prompt
constexpr int kTrajectory = 8;  // rollouts.trajectory
}  // namespace zflag

// The rollouts columns in the order the reader selects them (shared by the queries).
inline constexpr const char* kRolloutColumns =
    "id, step, phase, example_id, group_idx, sample_idx, prompt_tokens, response, think_len, answer, "
    "rule_score, judge_verdict, judge_raw, judge_prompt, judge_error, reward, advantage, length, "
    "truncated, mean_entropy, trajectory, wall_time, zflags";

}  // namespace longrl::store
