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
#include "trainer/train/BehaviorJudgeStep.h"
#include "trainer/train/MemoryAgentRollout.h"
#include "trainer/train/RolloutGenerator.h"

namespace longrl::train {

struct GrpoStepResult {
  std::map<std::string, double> metrics;  // verl's names (DESIGN.md section 3)
  std::vector<RolloutGroup> groups;       // every group generated this step (kept or dropped)
  bool updated = false;                   // false when no group survived dynamic sampling
  int64_t skippedPrompts = 0;             // longer than the phase's max input tokens (full-context phases)
};

// One GRPO step as verl's ray_trainer does it: sample prompts, generate G samples each, reward,
// dynamic sampling (DAPO), group advantages, old log-probs, reference log-probs (when the KL loss
// is on), then ppo_epochs x mini-batch updates.
//
// Old log-probs are always recomputed by the actor before the update (verl's compute_log_prob),
// rather than taken from the sampler: the batched KV-cache sampler and the full forward differ
// in rounding, and several mini-batches per step make the later ones off-policy anyway.
//
// Data parallel (a Collective over several ranks): each rank generates its slice of every
// generation batch; the groups are gathered so that every rank takes the same dynamic-sampling,
// advantage and AEPO decisions as one process; each rank then trains on its share of every
// mini-batch and the gradients are summed (ActorUpdater), so N ranks update as one would.
class GrpoTrainer {
 public:
  // `reference` is required when config.grpo.use_kl_loss. microBatchTokens bounds one forward.
  // `master` (optional): the weights the optimizer steps (mixed precision, sharding).
  GrpoTrainer(const config::RunConfig& config, model::QwenForCausalLM policy,
              std::optional<model::QwenForCausalLM> reference, engine::EngineOptions engineOptions,
              const tokenizer::Tokenizer& tokenizer, std::shared_ptr<const reward::RewardFunction> reward,
              int64_t microBatchTokens = 16384, Collective* collective = nullptr, MasterWeights* master = nullptr);

  GrpoStepResult step(int64_t step, const config::PhaseConfig& phase, const std::vector<TrainExample>& examples,
                      curriculum::BatchSampler& sampler);

  torch::optim::AdamW& optimizer() { return *optimizer_; }
  model::QwenForCausalLM& policy() { return policy_; }
  engine::GenerationEngine& engine() { return engine_; }  // over the policy (validation generates with it)
  const reward::RewardFunction& reward() const { return *reward_; }
  std::optional<model::QwenForCausalLM>& reference() { return reference_; }
  // AEPO (QwenLong-L1.5): whether negative-advantage samples are currently masked (part of the
  // resumable state: the switch has hysteresis between the low and high entropy bounds).
  bool aepoMasking() const { return aepoMasking_; }
  void setAepoMasking(bool on) { aepoMasking_ = on; }

 private:
  engine::SamplingParams samplingParams(const config::PhaseConfig& phase) const;
  // Generation batches until dynamic sampling has its groups (or may generate no more), every
  // group into out.groups; returns the kept groups' indices.
  std::vector<size_t> collectGroups(int64_t step, const config::PhaseConfig& phase,
                                    const std::vector<TrainExample>& examples, curriculum::BatchSampler& sampler,
                                    GrpoStepResult& out);
  // Sets the advantages of the kept groups' samples and returns those samples (the ones trained
  // on), in kept order.
  std::vector<RolloutSample*> assignAdvantages(std::vector<RolloutGroup>& groups, const std::vector<size_t>& kept,
                                               const std::vector<TrainExample>& examples) const;
  // Old and reference log-probs, AEPO, then the PPO update on the trained samples (their mean
  // entropies set on the way). False when no sequence was left to train on.
  bool updateActor(std::vector<RolloutGroup>& groups, const std::vector<size_t>& kept,
                   const std::vector<RolloutSample*>& trained, const std::vector<TrainExample>& examples,
                   std::map<std::string, double>& m);
  // The rule-based behaviours of every generated sample (each group against its example's
  // document), and behavior/* over them.
  void classifyBehaviors(std::vector<RolloutGroup>& groups, const std::vector<TrainExample>& examples,
                         std::map<std::string, double>& m) const;
  void applyAepo(std::vector<ActorSequence>& seqs, std::vector<std::vector<size_t>>& miniBatches,
                 std::vector<torch::Tensor>& oldLp, std::vector<int>& owner, const std::vector<double>& meanEntropy,
                 std::map<std::string, double>& m);
  // Generates and scores this rank's share of `indices` (a contiguous slice), then gathers every
  // rank's groups: the result is the whole batch, in the order one process would produce it.
  std::vector<RolloutGroup> generateBatch(const std::vector<TrainExample>& examples, const std::vector<size_t>& indices,
                                          const engine::SamplingParams& params, bool memoryAgent, int64_t step,
                                          int genBatch, int firstGroupIdx, double& tGen, double& tReward);
  // Log-probs (and, when asked, mean entropies) of the sequences this rank owns; the others'
  // log-probs stay undefined, the mean entropies are summed so that every rank has all of them.
  std::vector<torch::Tensor> ownedLogProbs(model::QwenForCausalLM& model, const std::vector<ActorSequence>& seqs,
                                           const std::vector<int>& owner, std::vector<double>* meanEntropy);
  const config::RunConfig& config_;
  model::QwenForCausalLM policy_;
  std::optional<model::QwenForCausalLM> reference_;
  engine::GenerationEngine engine_;
  const tokenizer::Tokenizer& tokenizer_;
  std::shared_ptr<const reward::RewardFunction> reward_;
  std::unique_ptr<torch::optim::AdamW> optimizer_;
  std::unique_ptr<ActorUpdater> updater_;
  RolloutGenerator generator_;
  MemoryAgentRollout memoryRollout_;  // phases in mode "memory"
  bool aepoMasking_ = false;
  Collective local_;
  Collective* collective_;
  MasterWeights* master_ = nullptr;                   // null: pass-through (the updater's own)
  std::unique_ptr<BehaviorJudgeStep> behaviorJudge_;  // behavior.judge.share > 0, on rank 0
};

}  // namespace longrl::train
