#pragma once
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <torch/torch.h>

#include "core/config/ConfigEnums.h"
#include "trainer/grpo/PolicyLoss.h"
#include "trainer/model/QwenForCausalLM.h"
#include "trainer/train/Collective.h"
#include "trainer/train/MasterWeights.h"

namespace longrl::train {

// One training sequence of a GRPO batch.
struct ActorSequence {
  const std::vector<int>* prompt = nullptr;
  const std::vector<int>* response = nullptr;
  double advantage = 0.0;
};

struct ActorOptions {
  grpo::PolicyLossOptions loss;
  double entropyCoeff = 0.001;
  bool useKlLoss = false;
  double klCoef = 0.0;
  config::KlLossType klType = config::KlLossType::LowVarKl;
  double temperature = 1.0;
  double gradClip = 1.0;
  int64_t ppoEpochs = 1;
  // Sequences go through the model in micro-batches of at most this many (padded) tokens
  // (at least one sequence each), like verl's ppo_max_token_len_per_gpu. Gradients accumulate
  // so that the loss equals the mini-batch's loss computed at once.
  int64_t microBatchTokens = 16384;
  int padId = 0;
};

// The actor side of a GRPO step (verl's dp_actor): log-probs without grad (old policy, reference)
// and the PPO updates. The policy and its optimizer are shared with the caller.
class ActorUpdater {
 public:
  // `optimizer` steps master->parameters(); without `master` it steps the policy's parameters
  // as they are (MasterWeights::passThroughOf).
  ActorUpdater(model::QwenForCausalLM policy, torch::optim::Optimizer& optimizer, ActorOptions options,
               Collective* collective = nullptr, MasterWeights* master = nullptr);

  // Per sequence [R_i] log-probs under `model` (no grad). meanEntropy (optional) gets each
  // sequence's mean token entropy.
  std::vector<torch::Tensor> logProbs(model::QwenForCausalLM& model, const std::vector<ActorSequence>& seqs,
                                      std::vector<double>* meanEntropy = nullptr) const;

  // ppoEpochs passes over the mini-batches (each a list of indices into seqs), one optimizer step
  // per mini-batch. refLogProbs is empty unless useKlLoss. Returns verl's actor/* metrics,
  // averaged over the optimizer steps.
  std::map<std::string, double> update(const std::vector<ActorSequence>& seqs,
                                       const std::vector<torch::Tensor>& oldLogProbs,
                                       const std::vector<torch::Tensor>& refLogProbs,
                                       const std::vector<std::vector<size_t>>& miniBatches);

  // The same update when the policy has not changed since the rollouts: one epoch over one
  // mini-batch. The old log-probs are then the update's own log-probs (detached; the ratio is 1
  // and its gradient that of the log-prob), so the separate no-grad pass is skipped, as TRL does
  // for one iteration per generation. meanEntropy gets each owned sequence's mean token entropy
  // under that policy (0 for the rows of `miniBatch` this rank does not hold).
  std::map<std::string, double> updateOnPolicy(const std::vector<ActorSequence>& seqs,
                                               const std::vector<torch::Tensor>& refLogProbs,
                                               const std::vector<size_t>& miniBatch, std::vector<double>& meanEntropy);

  // Splits `rows` into micro-batches within the token budget, in order. Where rows share a prompt
  // (TokenLogProbs::sharedPrompts()) it counts once; the K/V copies of it that each row attends to
  // are not counted (kvHeads x headDim a layer, not a token's activations).
  static std::vector<std::vector<size_t>> microBatches(const std::vector<ActorSequence>& seqs,
                                                       const std::vector<size_t>& rows, int64_t tokenBudget);

 private:
  // Where a mini-batch step takes the old log-probs of its PPO ratio from.
  enum class OldLogProbs {
    Given,        // the oldLogProbs argument (a separate no-grad pass before the update)
    ThisForward,  // the step's own forward pass, detached (on-policy: the policy has not moved)
  };
  // One optimizer step on `rows`. meanEntropy (optional) gets each row's mean token entropy from
  // the step's forward pass.
  std::map<std::string, double> miniBatchStep(const std::vector<ActorSequence>& seqs, OldLogProbs source,
                                              const std::vector<torch::Tensor>& oldLogProbs,
                                              const std::vector<torch::Tensor>& refLogProbs,
                                              const std::vector<size_t>& rows,
                                              std::vector<double>* meanEntropy = nullptr);
  model::QwenForCausalLM policy_;
  torch::optim::Optimizer& optimizer_;
  ActorOptions options_;
  Collective local_;
  Collective* collective_;
  std::unique_ptr<MasterWeights> ownMaster_;
  MasterWeights* master_;
};

}  // namespace longrl::train
