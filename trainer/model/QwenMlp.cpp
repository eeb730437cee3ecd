#include "trainer/model/QwenMlp.h"

namespace longrl::model {

QwenMlpImpl::QwenMlpImpl(const QwenConfig& c) {
  auto linear = [](int64_t in, int64_t out) { return torch::nn::Linear(torch::nn::LinearOptions(in, out).bias(false)); };
  gate_proj = register_module("gate_proj", linear(c.hiddenSize, c.intermediateSize));
  up_proj = register_module("up_proj", linear(c.hiddenSize, c.intermediateSize));
  down_proj = register_module("down_proj", linear(c.intermediateSize, c.hiddenSize));
}

torch::Tensor QwenMlpImpl::forward(const torch::Tensor& x) {
  return down_proj(torch::silu(gate_proj(x)) * up_proj(x));
}

}  // namespace longrl::model
