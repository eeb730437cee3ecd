#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/behavior/BehaviorRecord.h"
#include "core/reward/RewardResult.h"

namespace longrl::train {

// One model call of a memory-agent trajectory (a section call or the final answer), trained with
// the trajectory's advantage.
struct AgentCall {
  std::vector<int> promptIds;
  std::vector<int> responseIds;
};

// One sampled completion of a GRPO group, with its reward and (later) its advantage.
struct RolloutSample {
  int sampleIdx = 0;
  std::vector<int> responseIds;  // including the stop token, as verl trains on it
  std::string text;              // decoded without special tokens
  bool truncated = false;        // hit max new tokens
  reward::RewardResult reward;
  double advantage = 0.0;
  double meanEntropy = 0.0;
  std::int64_t thinkLen = 0;
  // Memory agent only: every call of the trajectory, the final one last (its response is
  // responseIds above), and the trajectory as stored (memory::MemoryTrajectory JSON).
  std::vector<AgentCall> calls;
  std::string trajectory;
  int malformedReplies = 0;  // section replies with a tag problem
  int truncatedCalls = 0;    // section replies cut by the memory budget
  // Its reasoning behaviours (behavior.rule), set after generation on every rank.
  std::optional<longrl::behavior::BehaviorRecord> behavior;
  // The LLM judge's (behavior.judge.share), on rank 0, for the samples it was asked about.
  std::optional<longrl::behavior::BehaviorRecord> judgeBehavior;
};

// The G samples of one prompt in one generation batch.
struct RolloutGroup {
  std::size_t exampleIndex = 0;  // into the phase's example list
  int groupIdx = 0;              // unique within the step (across generation batches)
  int genBatch = 0;
  bool kept = false;  // survived dynamic sampling (trained on)
  std::vector<RolloutSample> samples;
};

}  // namespace longrl::train
