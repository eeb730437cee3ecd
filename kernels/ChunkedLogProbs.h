// Fused, chunked log-prob + entropy from hidden states and the LM head.
//
// Materialising logits for T response tokens costs T x V floats (32K x 151,936 fp32 = 19.9 GB). This
// computes, per token t, log p(target_t) and the entropy of softmax(h_t W^T / temperature) one chunk of
// rows at a time, and its backward recomputes each chunk's logits (the idea behind Liger's fused linear
// cross-entropy), so peak extra memory is O(chunk x V) plus the weight gradient, never O(T x V).
#pragma once
#include <torch/torch.h>

#include <optional>
#include <string>

#include "core/config/ConfigEnums.h"

namespace longrl::kernels {

// The run config's kl_loss_type: k1, k2, k3 and low_var_kl (k3 clamped), as the training loss uses them.
using KlPenalty = config::KlLossType;

struct ChunkedLogProbsOptions {
  int64_t chunk = 1024;                      // rows of logits materialised at once: memory ~ a few x chunk x V floats
  double temperature = 1.0;                  // logits / temperature, as verl does for old/ref log-probs and the update
  bool computeEntropy = true;                // entropy of the full distribution (differentiable: the entropy bonus)
  std::optional<torch::Tensor> refLogProbs;  // [T]: when set, result.kl holds the per-token KL estimate
  KlPenalty klPenalty = KlPenalty::LowVarKl;
};

struct ChunkedLogProbsResult {
  torch::Tensor logprobs;  // [T], differentiable w.r.t. hidden and weight
  torch::Tensor entropy;   // [T], differentiable; undefined when computeEntropy is false
  torch::Tensor kl;        // [T], differentiable through logprobs; undefined without refLogProbs
};

class ChunkedLogProbs {
 public:
  using Options = ChunkedLogProbsOptions;
  using Result = ChunkedLogProbsResult;

  // hidden [T,H], lmHeadWeight [V,H] (same dtype and device), targets [T] int64 in [0,V).
  // When grad mode is off or neither hidden nor weight requires grad, takes the no-grad path (old/ref
  // log-probs): nothing is saved for backward. Half/bf16 inputs are computed chunk-wise in fp32.
  static Result compute(const torch::Tensor& hidden, const torch::Tensor& lmHeadWeight, const torch::Tensor& targets,
                        const Options& options = {});

  // Per-token KL estimate between the policy (logprobs) and a reference, as verl's kl_penalty;
  // the one implementation, which the training loss (grpo::PolicyLoss::klPenalty) uses too:
  //   k1 = lp - ref;  k2 = 0.5 (lp - ref)^2;
  //   k3 = exp(d) - d - 1 with d = ref - lp clamped to [-20, 20] first (exp must not overflow);
  //   low_var_kl = k3 clamped to [-10, 10].
  static torch::Tensor klEstimate(const torch::Tensor& logprobs, const torch::Tensor& refLogProbs, KlPenalty penalty);
};

}  // namespace longrl::kernels
