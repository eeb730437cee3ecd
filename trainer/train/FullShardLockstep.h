#pragma once
#include <cstdint>

#include "trainer/model/QwenForCausalLM.h"
#include "trainer/train/Collective.h"
#include "trainer/train/MasterWeights.h"

namespace longrl::train {

// Fully sharded (distributed.shard "full"), a training forward and backward gather every decoder
// layer from all ranks and reduce its gradients, so the ranks must run as many micro-batches as
// each other. One with fewer (its share of the rows cut into fewer) runs idle ones: a one-token
// forward whose backward is weighted 0, which gathers and reduces like the others and adds nothing.
class FullShardLockstep {
 public:
  // Idle micro-batches this rank runs after its `mine` ones (0 unless fully sharded). Collective.
  static int64_t idleCount(const MasterWeights& master, Collective& collective, int64_t mine);
  static void runIdle(model::QwenForCausalLM& model, int64_t count);
};

}  // namespace longrl::train
