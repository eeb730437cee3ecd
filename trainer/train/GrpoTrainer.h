#pragma once
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/config/RunConfig.h"
#include "core/curriculum/BatchSampler.h"
#include "core/reward/RewardFunction.h"
#include "trainer/engine/GenerationEngine.h"
#include "trainer/model/QwenForCausalLM.h"
#include "trainer/tokenizer/Tokenizer.h"
#include "trainer/train/ActorUpdater.h"
#include "trainer/train/RolloutGenerator.h"

namespace longrl::train {

struct GrpoStepResult {
  std::map<std::string, double> metrics;  // verl's names (DESIGN.md section 3)
  std::vector<RolloutGroup> groups;       // every group generated this step (kept or dropped)
  bool updated = false;                   // false when no group survived dynamic sampling
  int64_t skippedPrompts = 0;             // longer than the phase's max input tokens
};

// One GRPO step as verl's ray_trainer does it: sample prompts, generate G samples each, reward,
// dynamic sampling (DAPO), group advantages, old log-probs, reference log-probs (when the KL loss
// is on), then ppo_epochs x mini-batch updates.
//
// Old log-probs are always recomputed by the actor before the update (verl's compute_log_prob),
// rather than taken from the sampler: the batched KV-cache sampler and the full forward differ
// in rounding, and several mini-batches per step make the later ones off-policy anyway.
class GrpoTrainer {
 public:
  // `reference` is required when config.grpo.use_kl_loss. microBatchTokens bounds one forward.
  GrpoTrainer(const config::RunConfig& config, model::QwenForCausalLM policy,
              std::optional<model::QwenForCausalLM> reference, engine::EngineOptions engineOptions,
              const tokenizer::Tokenizer& tokenizer, std::shared_ptr<const reward::RewardFunction> reward,
              int64_t microBatchTokens = 16384, Collective* collective = nullptr);

  GrpoStepResult step(int64_t step, const config::PhaseConfig& phase, const std::vector<TrainExample>& examples,
                      curriculum::BatchSampler& sampler);

  torch::optim::AdamW& optimizer() { return *optimizer_; }
  model::QwenForCausalLM& policy() { return policy_; }
  std::optional<model::QwenForCausalLM>& reference() { return reference_; }
  // AEPO (QwenLong-L1.5): whether negative-advantage samples are currently masked (part of the
  // resumable state: the switch has hysteresis between the low and high entropy bounds).
  bool aepoMasking() const { return aepoMasking_; }
  void setAepoMasking(bool on) { aepoMasking_ = on; }

 private:
  void applyAepo(std::vector<ActorSequence>& seqs, std::vector<std::vector<size_t>>& miniBatches,
                 std::vector<torch::Tensor>& oldLp, const std::vector<double>& meanEntropy,
                 std::map<std::string, double>& m);
  const config::RunConfig& config_;
  model::QwenForCausalLM policy_;
  std::optional<model::QwenForCausalLM> reference_;
  engine::GenerationEngine engine_;
  const tokenizer::Tokenizer& tokenizer_;
  std::shared_ptr<const reward::RewardFunction> reward_;
  std::unique_ptr<torch::optim::AdamW> optimizer_;
  std::unique_ptr<ActorUpdater> updater_;
  RolloutGenerator generator_;
  bool aepoMasking_ = false;
};

}  // namespace longrl::train
