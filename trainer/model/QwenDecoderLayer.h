#pragma once
#include <torch/torch.h>

#include "trainer/model/QwenAttention.h"
#include "trainer/model/QwenMlp.h"

namespace longrl::model {

// Pre-norm decoder block: x + attn(norm(x)), then h + mlp(norm(h)).
class QwenDecoderLayerImpl : public torch::nn::Module {
 public:
  QwenDecoderLayerImpl(const QwenConfig& config, int64_t layerIndex);
  torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& cos, const torch::Tensor& sin,
                        const torch::Tensor& fullKeyMask, KvCache* cache);

  RmsNorm input_layernorm{nullptr}, post_attention_layernorm{nullptr};
  QwenAttention self_attn{nullptr};
  QwenMlp mlp{nullptr};
};
TORCH_MODULE(QwenDecoderLayer);

}  // namespace longrl::model
