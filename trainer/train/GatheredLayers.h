#pragma once
#include "trainer/train/MasterWeights.h"

namespace longrl::train {

// A fully sharded model's decoder layers held whole for the scope (MasterWeights::gatherLayers):
// for what runs them outside CheckpointedLayer (generation's KV cache, a checkpoint's weights,
// a copy of the model). Nothing to do for other MasterWeights, or none. Collective: every rank
// opens the same scopes in the same order.
class GatheredLayers {
 public:
  explicit GatheredLayers(MasterWeights* master) : master_(master && master->fullySharded() ? master : nullptr) {
    if (master_) master_->gatherLayers();
  }
  ~GatheredLayers() {
    if (master_) master_->releaseLayers();
  }
  GatheredLayers(const GatheredLayers&) = delete;
  GatheredLayers& operator=(const GatheredLayers&) = delete;

 private:
  MasterWeights* master_;
};

}  // namespace longrl::train
