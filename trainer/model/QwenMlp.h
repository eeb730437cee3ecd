#pragma once
#include <torch/torch.h>

#include "trainer/model/QwenConfig.h"

namespace longrl::model {

// SwiGLU feed-forward: down(silu(gate(x)) * up(x)), no biases.
class QwenMlpImpl : public torch::nn::Module {
 public:
  explicit QwenMlpImpl(const QwenConfig& config);
  // An expert of a sparse MoE block: the same MLP with moe_intermediate_size.
  QwenMlpImpl(int64_t hiddenSize, int64_t intermediateSize);
  torch::Tensor forward(const torch::Tensor& x);
  torch::nn::Linear gate_proj{nullptr}, up_proj{nullptr}, down_proj{nullptr};
};
TORCH_MODULE(QwenMlp);

}  // namespace longrl::model
