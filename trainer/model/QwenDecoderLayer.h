#pragma once
#include <memory>

#include <torch/torch.h>

#include "trainer/model/QwenAttention.h"
#include "trainer/model/QwenMlp.h"
#include "trainer/model/QwenSparseMoeBlock.h"

namespace longrl::model {

// Pre-norm decoder block: x + attn(norm(x)), then h + mlp(norm(h)). The MLP is dense, or a sparse
// MoE block in the layers config.isSparseLayer() selects; either is registered as `mlp`.
class QwenDecoderLayerImpl : public torch::nn::Module {
 public:
  QwenDecoderLayerImpl(const QwenConfig& config, int64_t layerIndex,
                       std::shared_ptr<RouterLogitsRecorder> recorder = nullptr);
  torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& cos, const torch::Tensor& sin,
                        const torch::Tensor& fullKeyMask, KvCache* cache);

  RmsNorm input_layernorm{nullptr}, post_attention_layernorm{nullptr};
  QwenAttention self_attn{nullptr};
  QwenMlp mlp{nullptr};             // null in a sparse layer
  QwenSparseMoeBlock moe{nullptr};  // null in a dense layer
};
TORCH_MODULE(QwenDecoderLayer);

}  // namespace longrl::model
