// Plain LibTorch references for the kernels (materialise everything; small shapes only), in the manner of
// llm.c: every kernel is tested against these in values and gradients (autograd through ordinary ops).
#pragma once
#include <torch/torch.h>

namespace longrl::kernels {

class KernelReference {
 public:
  // {logprobs [T], entropy [T]} of softmax(hidden W^T / temperature), via the full [T,V] logits.
  static std::pair<torch::Tensor, torch::Tensor> logProbsAndEntropy(const torch::Tensor& hidden,
                                                                    const torch::Tensor& lmHeadWeight,
                                                                    const torch::Tensor& targets, double temperature);

  // softmax(q k^T * scale + mask) v with kv heads repeated for grouped-query attention, via [B,Hq,T,S]
  // scores. Causal: query t sees keys 0..queryOffset+t; queryOffset < 0 means S - T. scale <= 0: 1/sqrt(D).
  static torch::Tensor attention(const torch::Tensor& q, const torch::Tensor& k, const torch::Tensor& v, bool causal,
                                 double scale = 0.0, int64_t queryOffset = -1);
};

}  // namespace longrl::kernels
