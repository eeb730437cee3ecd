#include "trainer/train/ShardedLayer.h"

#include <stdexcept>

namespace longrl::train {

ShardedLayer::ShardedLayer(std::vector<torch::Tensor> params, torch::ScalarType computeDtype, Collective& collective)
    : params_(std::move(params)), computeDtype_(computeDtype), collective_(collective) {
  for (const auto& p : params_) {
    if (!p.requires_grad() || !p.is_contiguous())
      throw std::invalid_argument("ShardedLayer: a decoder layer's parameter is frozen or not contiguous");
    offsets_.push_back(total_);
    shapes_.push_back(p.sizes().vec());
    total_ += p.numel();
  }
  const int64_t n = collective_.worldSize();
  per_ = (total_ + n - 1) / n;
  const int64_t begin = per_ * collective_.rank(), length = std::max<int64_t>(0, std::min(total_ - begin, per_));
  torch::NoGradGuard noGrad;
  const auto device = params_.empty() ? torch::Device(torch::kCPU) : params_.front().device();
  master_ = torch::zeros({per_}, torch::TensorOptions().dtype(torch::kFloat32).device(device));
  for (size_t i = 0; i < params_.size(); ++i) {
    const int64_t lo = std::max(begin, offsets_[i]), hi = std::min(begin + length, offsets_[i] + params_[i].numel());
    if (lo < hi)
      master_.narrow(0, lo - begin, hi - lo)
          .copy_(params_[i].detach().reshape({-1}).narrow(0, lo - offsets_[i], hi - lo));
  }
  grad_ = torch::zeros_like(master_);
  users_ = 1;
  release();
}

void ShardedLayer::gather() {
  std::lock_guard<std::mutex> lock(mutex_);
  if (users_++ > 0) return;
  torch::NoGradGuard noGrad;
  auto full = torch::empty({per_ * collective_.worldSize()}, master_.options().dtype(computeDtype_));
  collective_.allGatherTensor(master_.to(computeDtype_), full);
  for (size_t i = 0; i < params_.size(); ++i) {
    const int64_t n = c10::multiply_integers(shapes_[i]);
    params_[i].set_data(full.narrow(0, offsets_[i], n).view(shapes_[i]));
  }
}

void ShardedLayer::release() {
  std::lock_guard<std::mutex> lock(mutex_);
  if (users_ == 0) throw std::logic_error("ShardedLayer: release() without gather()");
  if (--users_ > 0) return;
  for (auto& p : params_) p.set_data(torch::empty({0}, master_.options().dtype(computeDtype_)));
}

void ShardedLayer::reduceGradients() {
  torch::NoGradGuard noGrad;
  const int ranks = collective_.worldSize();
  // float32 sums, as MasterWeights reduces: bfloat16 would round every partial sum.
  auto flat = torch::zeros({per_ * ranks}, master_.options());
  for (size_t i = 0; i < params_.size(); ++i) {
    auto& g = params_[i].mutable_grad();
    if (g.defined()) flat.narrow(0, offsets_[i], g.numel()).copy_(g.reshape({-1}));
    g.reset();
  }
  // A reduce-scatter, range by range (torch 1.13's Gloo has no reduce_scatter).
  for (int r = 0; r < ranks; ++r) {
    auto range = flat.narrow(0, per_ * r, per_);
    collective_.reduceSum(range, r);
  }
  grad_.add_(flat.narrow(0, per_ * collective_.rank(), per_));
}

void ShardedLayer::clearGradient() {
  torch::NoGradGuard noGrad;
  grad_.zero_();
  master_.mutable_grad().reset();
}

int64_t ShardedLayer::heldElements() const {
  int64_t n = 0;
  for (const auto& p : params_) n += p.numel();
  return n;
}

}  // namespace longrl::train
