#include "trainer/model/RotaryEmbedding.h"

namespace longrl::model {

RotaryEmbedding::RotaryEmbedding(int64_t headDim, double theta) {
  auto exponents = torch::arange(0, headDim, 2, torch::kInt64).to(torch::kFloat32) / static_cast<double>(headDim);
  invFreq_ = 1.0 / torch::pow(torch::tensor(theta, torch::kFloat32), exponents);
}

std::pair<torch::Tensor, torch::Tensor> RotaryEmbedding::cosSin(const torch::Tensor& positions, torch::Dtype dtype) const {
  // Angles in float32 as HF does (autocast disabled there), whatever the model dtype.
  auto freqs = positions.to(torch::kFloat32).unsqueeze(-1) * invFreq_.to(positions.device());  // [B, T, d/2]
  auto emb = torch::cat({freqs, freqs}, -1).unsqueeze(1);                                       // [B, 1, T, d]
  return {emb.cos().to(dtype), emb.sin().to(dtype)};
}

torch::Tensor RotaryEmbedding::apply(const torch::Tensor& x, const torch::Tensor& cos, const torch::Tensor& sin) {
  const int64_t half = x.size(-1) / 2;
  auto x1 = x.narrow(-1, 0, half);
  auto x2 = x.narrow(-1, half, half);
  auto rotated = torch::cat({-x2, x1}, -1);
  return x * cos + rotated * sin;
}

}  // namespace longrl::model
