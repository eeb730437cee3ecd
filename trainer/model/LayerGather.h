#pragma once

namespace longrl::model {

// A decoder layer whose parameters are sharded over ranks (FSDP, distributed.shard "full"):
// between uses each rank holds only its part, and CheckpointedLayer calls these around the
// layer's forward and its recomputation in backward. Every rank must make the same calls in the
// same order (they are collective operations).
class LayerGather {
 public:
  virtual ~LayerGather() = default;
  // The layer's full parameters are in place (gathered from the ranks unless already held).
  virtual void gather() = 0;
  // Undoes one gather(); the last one frees the full parameters again.
  virtual void release() = 0;
  // The gradients the layer's parameters accumulated (.grad) are summed over the ranks into this
  // rank's shard of them and cleared.
  virtual void reduceGradients() = 0;
};

}  // namespace longrl::model
