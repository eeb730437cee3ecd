#pragma once
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <torch/torch.h>

#include "core/config/RunConfig.h"
#include "core/dataset/DatasetRecord.h"
#include "trainer/model/QwenForCausalLM.h"
#include "trainer/tokenizer/SftTokens.h"
#include "trainer/tokenizer/Tokenizer.h"
#include "trainer/train/Collective.h"
#include "trainer/train/MasterWeights.h"
#include "trainer/train/SequenceBatch.h"

namespace longrl::train {

// One SFT sequence: the prompt in the model's chat template (not trained on) and the target response
// + the eos (see SftTokens).
using SftExample = tokenizer::SftTokens;

// Warm-up SFT: next-token cross-entropy on response tokens only (the prompt is context, not a
// target), token-mean over each optimizer step's whole batch (however it is split into micro
// batches), AdamW, linear warm-up then cosine decay, gradient clipping. Data parallel: every rank
// draws the same batch, trains on its rows (round robin) and the gradients are summed, so the
// step is the same as one process taking the whole batch.
class SftTrainer {
 public:
  using StepCallback = std::function<void(int64_t step, const std::map<std::string, double>& metrics)>;

  // Plain records whose answer is the full target response (e.g. "<think>...</think> Therefore,
  // the answer is X."). Sequences longer than maxLen are dropped (counted in `dropped`).
  static std::vector<SftExample> build(const std::vector<dataset::DatasetRecord>& records,
                                       const tokenizer::Tokenizer& tokenizer, int64_t maxLen,
                                       size_t* dropped = nullptr);

  // Summed negative log-likelihood of the response tokens from the model's hidden states
  // [B, T, H]; only positions that predict a response token contribute (the prompt is masked).
  static torch::Tensor nllSumFromHidden(const torch::Tensor& hidden, const torch::Tensor& lmHeadWeight,
                                        const SequenceBatch& batch);

  // `master` (optional): the weights the optimizer steps (mixed precision, sharding); without it
  // the model's parameters as they are.
  SftTrainer(model::QwenForCausalLM model, const config::SftConfig& config, uint64_t seed,
             int64_t microBatchTokens = 16384, Collective* collective = nullptr, MasterWeights* master = nullptr);

  int64_t totalSteps(size_t exampleCount) const;
  // The learning rate of optimizer step `step` (1-based) out of `total`.
  double lrAt(int64_t step, int64_t total) const;
  // Trains every step; returns the number of steps run.
  int64_t run(const std::vector<SftExample>& examples, int padId, const StepCallback& onStep = {});

 private:
  model::QwenForCausalLM model_;
  config::SftConfig config_;
  uint64_t seed_;
  int64_t microBatchTokens_;
  Collective local_;
  Collective* collective_;
  std::unique_ptr<MasterWeights> ownMaster_;
  MasterWeights* master_;
};

}  // namespace longrl::train
