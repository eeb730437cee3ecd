#include "trainer/model/TorchThreads.h"

#include <dlfcn.h>

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
  // Debian's libblas.so.3 is usually OpenBLAS, which starts its own pool of one thread per core on
  // top of torch's: the two pools preempt each other (measured: `longrl generate` 2x slower on a
  // busy 2-core machine). Give BLAS the same count. Looked up at run time: the reference BLAS has
  // no such function.
  using SetBlasThreads = void (*)(int);
  if (auto setBlas = reinterpret_cast<SetBlasThreads>(dlsym(RTLD_DEFAULT, "openblas_set_num_threads"))) setBlas(n);
  return n;
}

}  // namespace longrl::model
