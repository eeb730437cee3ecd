#pragma once
#include <utility>

#include <torch/torch.h>

#include "trainer/model/RopeScaling.h"

namespace longrl::model {

// Rotary position embedding as transformers computes it (modeling_rope_utils.py): inv_freq =
// 1 / theta^(2i/d), changed by config.json's rope_scaling (linear, dynamic NTK, YaRN), applied with
// rotate_half to the two halves of each head; YaRN also scales cos and sin by its attention factor.
// Positions are explicit per row, so left-padded batches and KV-cache steps use the right angles.
class RotaryEmbedding {
 public:
  // maxPositionEmbeddings: config.json's, the window past which dynamic scaling starts and YaRN's
  // default original window.
  RotaryEmbedding(int64_t headDim, double theta, const RopeScaling& scaling = {}, int64_t maxPositionEmbeddings = 0);
  // cos and sin for positions [B, T] -> each [B, 1, T, headDim] in `dtype`. Dynamic scaling takes
  // its length from seqLen when > 0, else from the furthest real position (mask [B, T], true = real
  // token, undefined = all real) + 1, as transformers does per forward.
  std::pair<torch::Tensor, torch::Tensor> cosSin(const torch::Tensor& positions, torch::Dtype dtype,
                                                 const torch::Tensor& mask = {}, int64_t seqLen = 0) const;
  // The inverse frequencies [headDim / 2], float32, of a forward whose furthest position is
  // seqLen - 1. Only dynamic scaling depends on seqLen: past the window it rescales the base from
  // seqLen, once per forward, as transformers' dynamic_rope_update does; a KV-cache step therefore
  // rotates its new tokens for the length reached so far and leaves the cached keys as they were.
  torch::Tensor invFreq(int64_t seqLen) const;
  // The factor cos and sin are multiplied by (YaRN's attention factor; 1 otherwise).
  double attentionScaling() const { return attentionScaling_; }
  // x: [B, H, T, headDim].
  static torch::Tensor apply(const torch::Tensor& x, const torch::Tensor& cos, const torch::Tensor& sin);

 private:
  torch::Tensor dynamicInvFreq(int64_t seqLen) const;

  int64_t headDim_;
  double theta_;
  RopeScaling scaling_;
  int64_t window_;         // max_position_embeddings
  torch::Tensor invFreq_;  // [headDim / 2], float32, CPU (moved on use); dynamic: within the window
  double attentionScaling_ = 1.0;
};

}  // namespace longrl::model
