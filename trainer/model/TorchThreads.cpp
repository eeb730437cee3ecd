#include "trainer/model/TorchThreads.h"

#include <cstdlib>

#include <torch/torch.h>

namespace longrl::model {

int applyTorchThreads(int requested) {
  int n = requested;
  if (n <= 0) {
    const char* env = std::getenv("LONGRL_TORCH_THREADS");
    n = env ? std::atoi(env) : 0;
  }
  if (n <= 0) n = 1;
  torch::set_num_threads(n);
  return n;
}

}  // namespace longrl::model
