#pragma once
#include <cstdint>
#include <vector>

#include "core/config/RunConfig.h"
#include "core/memory/DocumentChunker.h"
#include "trainer/engine/GenerationEngine.h"
#include "trainer/tokenizer/Tokenizer.h"
#include "trainer/train/RolloutGenerator.h"

namespace longrl::train {

// Memory-agent rollouts (QwenLong-L1.5) for phases in mode "memory": the document is read in
// sections of memory.chunk_tokens; for each section every trajectory of the group rewrites its
// <memory> and <plan> (at most memory.memory_tokens new tokens), and a final call answers from the
// memory alone. The final answer is the sample's response (rewarded as usual); every call is kept
// in RolloutSample::calls, so the GRPO update trains each of them with the trajectory's advantage.
//
// Seeds follow RolloutGenerator's rule (per example, step and generation batch) with the call's
// index mixed in, so a trajectory does not depend on its batch neighbours or on a resume.
class MemoryAgentRollout {
 public:
  MemoryAgentRollout(engine::GenerationEngine& engine, const tokenizer::Tokenizer& tokenizer,
                     const RolloutGenerator& samples, const config::MemoryConfig& memory);

  // Same contract as RolloutGenerator::generate; params.maxNewTokens bounds the final answer.
  std::vector<RolloutGroup> generate(const std::vector<TrainExample>& examples, const std::vector<std::size_t>& indices,
                                     engine::SamplingParams params, std::uint64_t runSeed, std::int64_t step,
                                     int genBatch, int firstGroupIdx);

  // The G trajectories of one example, sampled from `seed`.
  std::vector<RolloutSample> trajectories(const TrainExample& example, engine::SamplingParams params,
                                          std::uint64_t seed);

 private:
  std::vector<int> chatPrompt(const std::string& user) const;

  engine::GenerationEngine& engine_;
  const tokenizer::Tokenizer& tokenizer_;
  const RolloutGenerator& samples_;
  config::MemoryConfig memory_;
  memory::DocumentChunker chunker_;
};

}  // namespace longrl::train
