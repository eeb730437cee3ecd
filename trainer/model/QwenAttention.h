#pragma once
#include <torch/torch.h>

#include "trainer/model/AttentionFunction.h"
#include "trainer/model/KvCache.h"
#include "trainer/model/QwenConfig.h"
#include "trainer/model/RmsNorm.h"

namespace longrl::model {

// Grouped-query self-attention of one decoder layer (HF Qwen2Attention / Qwen3Attention):
// q/k/v projections (biased for Qwen2), per-head q/k RMSNorm (Qwen3), rotary embedding,
// attention (replaceable `attention` function), output projection.
class QwenAttentionImpl : public torch::nn::Module {
 public:
  QwenAttentionImpl(const QwenConfig& config, int64_t layerIndex);
  // x [B, T, hidden]; cos/sin [B, 1, T, headDim]; keyMask [B, T] for the new tokens (or
  // undefined); cache may be null. Returns [B, T, hidden].
  torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& cos, const torch::Tensor& sin,
                        const torch::Tensor& fullKeyMask, KvCache* cache);

  torch::nn::Linear q_proj{nullptr}, k_proj{nullptr}, v_proj{nullptr}, o_proj{nullptr};
  RmsNorm q_norm{nullptr}, k_norm{nullptr};  // Qwen3 only
  AttentionFunction attention = eagerAttention;
  // Off: every token attends to every (unmasked) token of the forward, as the bidirectional upper
  // layers of the CPRS compressor do. Such a layer takes no KvCache.
  void setCausal(bool causal) { causal_ = causal; }
  bool causal() const { return causal_; }

 private:
  int64_t layer_, heads_, kvHeads_, headDim_;
  bool causal_ = true;
};
TORCH_MODULE(QwenAttention);

}  // namespace longrl::model
