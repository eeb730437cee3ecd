#pragma once
#include <cstdint>
#include <mutex>
#include <vector>

#include <torch/torch.h>

#include "trainer/model/LayerGather.h"
#include "trainer/train/Collective.h"

namespace longrl::train {

// One decoder layer's parameters sharded over the ranks (FSDP unit, distributed.shard "full").
// The layer's parameters form one flat space, padded to a multiple of the world size and cut into
// equal ranges; rank r keeps range r as float32 master weights (what the optimizer steps) and a
// float32 gradient of the same size. Between uses the model's parameters of the layer are empty
// tensors; gather() all-gathers the ranges in the compute dtype into their place.
class ShardedLayer : public model::LayerGather {
 public:
  // Takes the layer's parameters as they are now (every rank holds the same values, float32 as
  // loaded), keeps this rank's range and frees them. Each must require grad and be contiguous.
  ShardedLayer(std::vector<torch::Tensor> params, torch::ScalarType computeDtype, Collective& collective);

  void gather() override;
  void release() override;
  void reduceGradients() override;

  // What the optimizer steps: this rank's float32 range (its .grad set by attachGradient()).
  torch::Tensor& master() { return master_; }
  const torch::Tensor& master() const { return master_; }
  // The summed gradient of this rank's range so far (float32, zeros after clearGradient()).
  torch::Tensor& gradient() { return grad_; }
  void attachGradient() { master_.mutable_grad() = grad_; }
  void clearGradient();
  int64_t totalElements() const { return total_; }
  // Elements of the model's parameters of this layer held now (0 between uses).
  int64_t heldElements() const;

 private:
  std::vector<torch::Tensor> params_;
  std::vector<int64_t> offsets_;
  std::vector<std::vector<int64_t>> shapes_;
  int64_t total_ = 0, per_ = 0;
  torch::ScalarType computeDtype_;
  Collective& collective_;
  torch::Tensor master_, grad_;
  int users_ = 0;
  std::mutex mutex_;
};

}  // namespace longrl::train
