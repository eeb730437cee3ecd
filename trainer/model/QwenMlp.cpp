#include "trainer/model/QwenMlp.h"

namespace longrl::model {

QwenMlpImpl::QwenMlpImpl(const QwenConfig& c) : QwenMlpImpl(c.hiddenSize, c.intermediateSize) {}

QwenMlpImpl::QwenMlpImpl(int64_t hidden, int64_t intermediate) {
  auto linear = [](int64_t in, int64_t out) {
    return torch::nn::Linear(torch::nn::LinearOptions(in, out).bias(false));
  };
  gate_proj = register_module("gate_proj", linear(hidden, intermediate));
  up_proj = register_module("up_proj", linear(hidden, intermediate));
  down_proj = register_module("down_proj", linear(intermediate, hidden));
}

torch::Tensor QwenMlpImpl::forward(const torch::Tensor& x) { return down_proj(torch::silu(gate_proj(x)) * up_proj(x)); }

}  // namespace longrl::model
