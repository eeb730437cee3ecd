#pragma once

namespace longrl::store {

// Bits of the `zflags` column: which long-text columns of a row hold zstd-compressed bytes
// (RecordField::packed). Stored in files: never renumber.
namespace zflag {
constexpr int kResponse = 1;     // rollouts.response, documents.text
constexpr int kJudgeRaw = 2;     // rollouts.judge_raw
constexpr int kJudgePrompt = 4;  // rollouts.judge_prompt
constexpr int kTrajectory = 8;   // rollouts.trajectory
}  // namespace zflag

}  // namespace longrl::store
