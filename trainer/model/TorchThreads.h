#pragma once

namespace longrl::model {

// Sets torch's intra-op thread count deliberately. On small matmuls (the demo models) one
// thread beat two on a 2-core machine, so the default is 1. `requested` > 0 wins; otherwise
// the environment variable LONGRL_TORCH_THREADS; otherwise 1. Returns the count applied.
int applyTorchThreads(int requested = 0);

}  // namespace longrl::model
