#pragma once
#include <cstdint>
#include <functional>
#include <vector>

#include "core/reward/RewardFunction.h"
#include "trainer/engine/GenerationEngine.h"
#include "trainer/engine/LenientDecoder.h"
#include "trainer/tokenizer/Tokenizer.h"
#include "trainer/train/RolloutGroup.h"
#include "trainer/train/TrainExample.h"

namespace longrl::train {

// Generation and scoring of GRPO groups. Each prompt is sampled with its own seed, derived from
// (run seed, step, generation batch, example id): the samples of an example do not depend on
// which other prompts share its batch, on how a batch is split across ranks, or on a resume.
class RolloutGenerator {
 public:
  RolloutGenerator(engine::GenerationEngine& engine, const tokenizer::Tokenizer& tokenizer,
                   const reward::RewardFunction& reward, int maxConcurrentRewards);

  static std::uint64_t sampleSeed(std::uint64_t runSeed, std::int64_t step, int genBatch, const std::string& exampleId);

  // G = params.n samples for each of examples[indices[k]]; group k gets groupIdx firstGroupIdx + k.
  std::vector<RolloutGroup> generate(const std::vector<TrainExample>& examples, const std::vector<std::size_t>& indices,
                                     engine::SamplingParams params, std::uint64_t runSeed, std::int64_t step,
                                     int genBatch, int firstGroupIdx);
  // Rewards every sample (the judge, when configured, is asked concurrently).
  void score(std::vector<RolloutGroup>& groups, const std::vector<TrainExample>& examples) const;

  // One group per example of `indices` (group k gets groupIdx firstGroupIdx + k), its samples drawn
  // by `sample` from the example's seed (sampleSeed); `sample` is called for the examples in order. Shared by the
  // full-context and memory-agent rollouts.
  using SampleFn = std::function<std::vector<RolloutSample>(const TrainExample& example, std::uint64_t seed)>;
  static std::vector<RolloutGroup> groups(const std::vector<TrainExample>& examples,
                                          const std::vector<std::size_t>& indices, std::uint64_t runSeed,
                                          std::int64_t step, int genBatch, int firstGroupIdx, const SampleFn& sample);

  // A generated completion as a rollout sample (text, truncation, think length; no reward yet).
  RolloutSample toSample(const engine::GeneratedSample& s) const;
  std::string decode(const std::vector<int>& ids) const { return decoder_.decode(ids, /*skipSpecial=*/true); }

 private:
  std::int64_t thinkLength(const std::vector<int>& ids, const std::string& text) const;
  engine::GenerationEngine& engine_;
  const tokenizer::Tokenizer& tokenizer_;
  engine::LenientDecoder decoder_;  // sampled ids beyond the tokenizer's vocabulary decode to nothing
  const reward::RewardFunction& reward_;
  int maxConcurrent_;
  int thinkEndId_;
};

}  // namespace longrl::train
