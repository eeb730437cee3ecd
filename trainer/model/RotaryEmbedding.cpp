#include "trainer/model/RotaryEmbedding.h"

#include <algorithm>
#include <cmath>

namespace longrl::model {
namespace {

constexpr double kPi = 3.14159265358979323846;

// 2i / d for i < d / 2, float32 as transformers builds it.
torch::Tensor exponents(int64_t headDim) {
  return torch::arange(0, headDim, 2, torch::kInt64).to(torch::kFloat32) / static_cast<double>(headDim);
}

// theta^(2i/d) in float32 (theta: a float32 scalar tensor, so a rescaled dynamic base stays float32).
torch::Tensor baseFreqs(const torch::Tensor& theta, int64_t headDim) { return torch::pow(theta, exponents(headDim)); }

// YaRN's dimension at which a wavelength fits `rotations` times into the original window.
double correctionDim(double rotations, int64_t dim, double base, int64_t window) {
  return dim * std::log(static_cast<double>(window) / (rotations * 2 * kPi)) / (2 * std::log(base));
}

// YaRN: dimensions below `low` keep their frequency (extrapolation), those above `high` are divided
// by the factor (interpolation), with a linear ramp between.
torch::Tensor yarnInvFreq(int64_t dim, double theta, const RopeScaling& s, int64_t window) {
  double low = correctionDim(s.betaFast, dim, theta, window);
  double high = correctionDim(s.betaSlow, dim, theta, window);
  if (s.truncate) {
    low = std::floor(low);
    high = std::ceil(high);
  }
  low = std::max(low, 0.0);
  high = std::min(high, static_cast<double>(dim - 1));
  if (low == high) high += 0.001;  // a zero-width ramp would divide by zero
  auto ramp = ((torch::arange(dim / 2, torch::kFloat32) - low) / (high - low)).clamp(0, 1);
  auto extrapolationShare = 1 - ramp;
  auto posFreqs = baseFreqs(torch::tensor(theta, torch::kFloat32), dim);
  auto extrapolated = 1.0 / posFreqs;
  auto interpolated = 1.0 / (s.factor * posFreqs);
  return interpolated * (1 - extrapolationShare) + extrapolated * extrapolationShare;
}

}  // namespace

RotaryEmbedding::RotaryEmbedding(int64_t headDim, double theta, const RopeScaling& scaling,
                                 int64_t maxPositionEmbeddings)
    : headDim_(headDim), theta_(theta), scaling_(scaling), window_(maxPositionEmbeddings) {
  using Type = RopeScaling::Type;
  if (scaling.type == Type::Yarn) {
    invFreq_ = yarnInvFreq(headDim, theta, scaling, scaling.yarnOriginalWindow(maxPositionEmbeddings));
  } else {
    invFreq_ = 1.0 / baseFreqs(torch::tensor(theta, torch::kFloat32), headDim);
    if (scaling.type == Type::Linear) invFreq_ = invFreq_ / scaling.factor;
  }
  attentionScaling_ = scaling.attentionScaling();
}

torch::Tensor RotaryEmbedding::dynamicInvFreq(int64_t seqLen) const {
  // base * (factor * L / window - (factor - 1))^(d / (d - 2)), in float32 as transformers (where
  // L is a tensor) computes it.
  const double f = scaling_.factor;
  auto length = torch::tensor(static_cast<float>(seqLen), torch::kFloat32);
  auto stretch = torch::pow(f * length / static_cast<double>(window_) - (f - 1),
                            static_cast<double>(headDim_) / static_cast<double>(headDim_ - 2));
  return 1.0 / baseFreqs(theta_ * stretch, headDim_);
}

torch::Tensor RotaryEmbedding::invFreq(int64_t seqLen) const {
  if (scaling_.type == RopeScaling::Type::Dynamic && seqLen > window_) return dynamicInvFreq(seqLen);
  return invFreq_;
}

std::pair<torch::Tensor, torch::Tensor> RotaryEmbedding::cosSin(const torch::Tensor& positions, torch::Dtype dtype,
                                                                const torch::Tensor& mask, int64_t seqLen) const {
  torch::Tensor inv = invFreq_;
  if (scaling_.type == RopeScaling::Type::Dynamic && seqLen > 0) {
    inv = invFreq(seqLen);
  } else if (scaling_.type == RopeScaling::Type::Dynamic && positions.numel() > 0) {
    auto real = mask.defined() ? positions.masked_fill(mask.to(positions.device()).logical_not(), 0) : positions;
    inv = invFreq(real.max().item<int64_t>() + 1);
  }
  // Angles in float32 as HF does (autocast disabled there), whatever the model dtype.
  auto freqs = positions.to(torch::kFloat32).unsqueeze(-1) * inv.to(positions.device());  // [B, T, d/2]
  auto emb = torch::cat({freqs, freqs}, -1).unsqueeze(1);                                 // [B, 1, T, d]
  auto cos = emb.cos(), sin = emb.sin();
  if (attentionScaling_ != 1.0) {
    cos = cos * attentionScaling_;
    sin = sin * attentionScaling_;
  }
  return {cos.to(dtype), sin.to(dtype)};
}

torch::Tensor RotaryEmbedding::apply(const torch::Tensor& x, const torch::Tensor& cos, const torch::Tensor& sin) {
  const int64_t half = x.size(-1) / 2;
  auto x1 = x.narrow(-1, 0, half);
  auto x2 = x.narrow(-1, half, half);
  auto rotated = torch::cat({-x2, x1}, -1);
  return x * cos + rotated * sin;
}

}  // namespace longrl::model
