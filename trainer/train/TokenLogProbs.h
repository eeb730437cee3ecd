#pragma once
#include <torch/torch.h>

#include "trainer/model/QwenForCausalLM.h"
#include "trainer/train/SequenceBatch.h"

namespace longrl::train {

struct TokenLogProbsResult {
  torch::Tensor logProbs;  // [B, R], zero outside the response mask
  torch::Tensor entropy;   // [B, R] (undefined when not asked for)
  // MoE: HF's router load-balancing loss over the batch's real tokens, all sparse layers
  // (undefined unless asked for and the model is MoE).
  torch::Tensor routerAuxLoss;
};

// Per-token log-probs (and entropies) of the response tokens of a batch under `model`, with the
// logits divided by `temperature` as verl's actor does for old, reference and updated log-probs.
// Differentiable when grad mode is on. Only the response positions go through the LM head.
class TokenLogProbs {
 public:
  static TokenLogProbsResult compute(model::QwenForCausalLM& model, const SequenceBatch& batch, double temperature,
                                     bool withEntropy, bool withRouterAuxLoss = false);
  // The one place where the LM head meets the targets: [N, H] hidden rows -> [N] log-probs (+ entropy).
  // Uses the chunked kernel (kernels/ChunkedLogProbs), which never materialises [N, vocab] at once.
  static TokenLogProbsResult fromHidden(const torch::Tensor& hidden, const torch::Tensor& lmHeadWeight,
                                        const torch::Tensor& targets, double temperature, bool withEntropy);
  // fromHidden for the batch's targets: `rows` [N, H] are the hidden states predicting
  // batch.targets, in their order; returns them as [B, R] matrices (float32, zero off the mask).
  static TokenLogProbsResult forTargets(const torch::Tensor& rows, const torch::Tensor& lmHeadWeight,
                                        const SequenceBatch& batch, double temperature, bool withEntropy);

  // Process-wide: false computes the full [N, vocab] logits instead (kernels::KernelReference), only to
  // measure what the chunked kernel saves (benchgrpostep --compare-kernels). On by default.
  static void setChunked(bool on);
  static bool chunked();
  // Process-wide: rows that share a prompt go through SharedPromptLogProbs (the prompt once per
  // group). On by default; false runs every row's prompt, only to measure what sharing saves
  // (benchgrpostep --compare-sharing).
  static void setSharedPrompts(bool on);
  static bool sharedPrompts();

 private:
  // compute() without the router recording around it.
  static TokenLogProbsResult logProbs(model::QwenForCausalLM& model, const SequenceBatch& batch, double temperature,
                                      bool withEntropy);
};

}  // namespace longrl::train
