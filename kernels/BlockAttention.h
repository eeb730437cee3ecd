// Block (flash-style) attention: online softmax over key blocks, causal, grouped-query, with a backward
// that recomputes each tile from q, k, v, out and the per-row log-sum-exp. Memory beyond Q/K/V/out is
// O(T) (the log-sum-exp) plus one blockQ x blockK tile, instead of the T x S score matrix.
// Also used for prefill in the engine (queryOffset places the queries after a KV cache).
#pragma once
#include <torch/torch.h>

namespace longrl::kernels {

struct BlockAttentionOptions {
  bool causal = true;
  int64_t blockQ = 256;
  int64_t blockK = 256;
  double scale = 0.0;        // <= 0: 1/sqrt(D)
  int64_t queryOffset = -1;  // position of query 0 among the keys; < 0: S - T (prefill after a cache)
};

class BlockAttention {
 public:
  using Options = BlockAttentionOptions;

  // q [B,Hq,T,D], k and v [B,Hkv,S,D] with Hq a multiple of Hkv (query head h reads kv head h / (Hq/Hkv),
  // as HF's repeat_kv does). Returns out [B,Hq,T,D], differentiable w.r.t. q, k, v. With causal, query t
  // sees keys 0..queryOffset+t. CUDA fp32 tensors with D 32, 64 or 128 use the flash kernels of cuda/ when
  // built with LONGRL_CUDA; otherwise tiles are LibTorch matmuls, fully masked tiles skipped.
  static torch::Tensor forward(const torch::Tensor& q, const torch::Tensor& k, const torch::Tensor& v,
                               const Options& options = {});

  // Same, also returning the log-sum-exp of each query row's scaled scores [B,Hq,T] (no autograd).
  static std::pair<torch::Tensor, torch::Tensor> forwardWithLse(const torch::Tensor& q, const torch::Tensor& k,
                                                                const torch::Tensor& v, const Options& options = {});
};

}  // namespace longrl::kernels
