#pragma once
#include <torch/torch.h>

#include "core/config/ConfigEnums.h"

namespace longrl::grpo {

// The GRPO actor loss as verl computes it (core_algos.compute_policy_loss, agg_loss, kl_penalty).
// All tensors are [B, T] over response tokens; `mask` is 1 for real response tokens.
struct PolicyLossOptions {
  double clipRatioLow = 0.2;
  double clipRatioHigh = 0.2;
  bool dualClip = true;
  double clipRatioC = 3.0;
  config::LossAggMode aggMode = config::LossAggMode::TokenMean;
};

struct PolicyLossResult {
  torch::Tensor loss;           // scalar, differentiable w.r.t. logProbs
  torch::Tensor clipFrac;       // actor/pg_clipfrac
  torch::Tensor clipFracLower;  // actor/pg_clipfrac_lower (dual clip active)
  torch::Tensor ppoKl;          // actor/ppo_kl: masked mean of old - new log-prob
};

class PolicyLoss {
 public:
  // Aggregates a [B, T] loss matrix: token-mean (every token weighs the same), seq-mean-token-mean
  // (every sequence weighs the same), seq-mean-token-sum (sequence sums, averaged).
  static torch::Tensor aggregate(const torch::Tensor& loss, const torch::Tensor& mask, config::LossAggMode mode);
  static torch::Tensor maskedMean(const torch::Tensor& x, const torch::Tensor& mask);

  // PPO clip with separate low/high ratios (DAPO clip-higher) and optional dual clip
  // (for negative advantages the loss is bounded by clip_ratio_c * |A|).
  static PolicyLossResult compute(const torch::Tensor& logProbs, const torch::Tensor& oldLogProbs,
                                  const torch::Tensor& advantages, const torch::Tensor& mask,
                                  const PolicyLossOptions& options);

  // Per-token KL estimate between the policy and the reference policy (kernels::ChunkedLogProbs::klEstimate):
  //   k1 = log p - log q;  k2 = 0.5 (log p - log q)^2;
  //   k3 = exp(log q - log p) - (log q - log p) - 1 (Schulman's unbiased, low-variance estimator),
  //        its exponent clamped to [-20, 20];
  //   low_var_kl = k3 clamped to [-10, 10] (verl's default).
  static torch::Tensor klPenalty(const torch::Tensor& logProbs, const torch::Tensor& refLogProbs,
                                 config::KlLossType type);
};

}  // namespace longrl::grpo
