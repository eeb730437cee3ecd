#include "trainer/model/QwenAttention.h"

#include <cmath>
#include <stdexcept>

#include "trainer/model/RotaryEmbedding.h"

namespace longrl::model {

QwenAttentionImpl::QwenAttentionImpl(const QwenConfig& c, int64_t layerIndex)
    : layer_(layerIndex), heads_(c.numAttentionHeads), kvHeads_(c.numKeyValueHeads), headDim_(c.headDim) {
  auto linear = [](int64_t in, int64_t out, bool bias) {
    return torch::nn::Linear(torch::nn::LinearOptions(in, out).bias(bias));
  };
  q_proj = register_module("q_proj", linear(c.hiddenSize, heads_ * headDim_, c.attentionBias));
  k_proj = register_module("k_proj", linear(c.hiddenSize, kvHeads_ * headDim_, c.attentionBias));
  v_proj = register_module("v_proj", linear(c.hiddenSize, kvHeads_ * headDim_, c.attentionBias));
  o_proj = register_module("o_proj", linear(heads_ * headDim_, c.hiddenSize, false));
  if (c.hasQkNorm()) {
    q_norm = register_module("q_norm", RmsNorm(headDim_, c.rmsNormEps));
    k_norm = register_module("k_norm", RmsNorm(headDim_, c.rmsNormEps));
  }
}

torch::Tensor QwenAttentionImpl::forward(const torch::Tensor& x, const torch::Tensor& cos, const torch::Tensor& sin,
                                         const torch::Tensor& fullKeyMask, KvCache* cache) {
  const int64_t B = x.size(0), T = x.size(1);
  auto q = q_proj(x).view({B, T, heads_, headDim_});
  auto k = k_proj(x).view({B, T, kvHeads_, headDim_});
  auto v = v_proj(x).view({B, T, kvHeads_, headDim_}).transpose(1, 2);
  if (!q_norm.is_empty()) {  // Qwen3 normalises each head before the rotation
    q = q_norm(q);
    k = k_norm(k);
  }
  q = RotaryEmbedding::apply(q.transpose(1, 2), cos, sin);
  k = RotaryEmbedding::apply(k.transpose(1, 2), cos, sin);
  AttentionMask mask;
  mask.keyMask = fullKeyMask;
  mask.causal = causal_;
  if (cache) {
    if (!causal_) throw std::logic_error("QwenAttention: a bidirectional layer cannot decode with a KV cache");
    mask.pastLength = cache->length();
    std::tie(k, v) = cache->update(layer_, k, v);
  }
  auto out = attention(q, k, v, mask, 1.0 / std::sqrt(static_cast<double>(headDim_)));  // [B, H, T, D]
  return o_proj(out.transpose(1, 2).reshape({B, T, heads_ * headDim_}));
}

}  // namespace longrl::model
