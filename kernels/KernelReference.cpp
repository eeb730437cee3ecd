#include "kernels/KernelReference.h"

#include <cmath>
#include <limits>

namespace longrl::kernels {

std::pair<torch::Tensor, torch::Tensor> KernelReference::logProbsAndEntropy(const torch::Tensor& hidden,
                                                                            const torch::Tensor& lmHeadWeight,
                                                                            const torch::Tensor& targets,
                                                                            double temperature) {
  auto logits = torch::matmul(hidden, lmHeadWeight.t()) / temperature;
  auto logp = torch::log_softmax(logits, -1);
  auto lp = logp.gather(1, targets.unsqueeze(1)).squeeze(1);
  auto entropy = -(logp.exp() * logp).sum(-1);
  return {lp, entropy};
}

torch::Tensor KernelReference::attention(const torch::Tensor& q, const torch::Tensor& k, const torch::Tensor& v,
                                         bool causal, double scale, int64_t queryOffset) {
  const int64_t group = q.size(1) / k.size(1), T = q.size(2), S = k.size(2);
  if (scale <= 0.0) scale = 1.0 / std::sqrt(static_cast<double>(q.size(3)));
  if (queryOffset < 0) queryOffset = S - T;
  auto kr = k.repeat_interleave(group, 1), vr = v.repeat_interleave(group, 1);
  auto scores = torch::matmul(q, kr.transpose(-1, -2)) * scale;
  if (causal) {
    auto opts = torch::TensorOptions().dtype(torch::kLong).device(q.device());
    auto qi = torch::arange(queryOffset, queryOffset + T, opts).unsqueeze(1);
    auto kj = torch::arange(0, S, opts).unsqueeze(0);
    scores = scores.masked_fill(kj > qi, -std::numeric_limits<double>::infinity());
  }
  return torch::matmul(torch::softmax(scores, -1), vr);
}

}  // namespace longrl::kernels
