#pragma once
#include <utility>

#include <torch/torch.h>

namespace longrl::model {

// Rotary position embedding (HF "default" rope): inv_freq = 1 / theta^(2i/d), applied with
// rotate_half to the two halves of each head. Positions are explicit per row, so left-padded
// batches and KV-cache steps use the right angles.
class RotaryEmbedding {
 public:
  RotaryEmbedding(int64_t headDim, double theta);
  // cos and sin for positions [B, T] -> each [B, 1, T, headDim] in `dtype`.
  std::pair<torch::Tensor, torch::Tensor> cosSin(const torch::Tensor& positions, torch::Dtype dtype) const;
  // x: [B, H, T, headDim].
  static torch::Tensor apply(const torch::Tensor& x, const torch::Tensor& cos, const torch::Tensor& sin);

 private:
  torch::Tensor invFreq_;  // [headDim / 2], float32, CPU (moved on use)
};

}  // namespace longrl::model
