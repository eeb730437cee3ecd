#pragma once
#include <functional>

#include <torch/torch.h>

namespace longrl::model {

// Which keys each query may see, described without materialising a [T, S] mask so that a
// block-attention kernel can use it directly: query t sits at cache slot pastLength + t and
// sees key slots s <= pastLength + t whose keyMask[b, s] is true (undefined = all true).
// Not causal (a bidirectional layer, e.g. the upper layers of the CPRS compressor): every query
// sees every key whose keyMask is true.
struct AttentionMask {
  int64_t pastLength = 0;
  torch::Tensor keyMask;  // [B, S] bool, S = pastLength + T
  bool causal = true;
};

// The attention math of one layer: q [B, H, T, D], k and v [B, Hkv, S, D] (H a multiple of
// Hkv: grouped-query attention, query head h reads kv head h / (H / Hkv)). Returns [B, H, T, D].
// kernels/ may replace it (QwenForCausalLM::setAttentionFunction).
using AttentionFunction = std::function<torch::Tensor(const torch::Tensor& q, const torch::Tensor& k,
                                                      const torch::Tensor& v, const AttentionMask& mask, double scale)>;

// The reference implementation: softmax(q k^T * scale + mask) v with scores and softmax in
// float32 (as HF upcasts the softmax), without copying K/V per query head.
torch::Tensor eagerAttention(const torch::Tensor& q, const torch::Tensor& k, const torch::Tensor& v,
                             const AttentionMask& mask, double scale);

}  // namespace longrl::model
