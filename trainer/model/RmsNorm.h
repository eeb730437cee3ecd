#pragma once
#include <torch/torch.h>

namespace longrl::model {

// RMSNorm as HF's Qwen2RMSNorm: normalise in float32, cast back, then scale by the weight.
class RmsNormImpl : public torch::nn::Module {
 public:
  RmsNormImpl(int64_t dim, double eps);
  torch::Tensor forward(const torch::Tensor& x);
  torch::Tensor weight;

 private:
  double eps_;
};
TORCH_MODULE(RmsNorm);

}  // namespace longrl::model
