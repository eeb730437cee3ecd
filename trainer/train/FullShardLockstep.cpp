#include "trainer/train/FullShardLockstep.h"

#include <algorithm>
#include <vector>

namespace longrl::train {

int64_t FullShardLockstep::idleCount(const MasterWeights& master, Collective& collective, int64_t mine) {
  if (!master.fullySharded()) return 0;
  std::vector<double> counts(static_cast<size_t>(collective.worldSize()), 0.0);
  counts[static_cast<size_t>(collective.rank())] = static_cast<double>(mine);
  collective.sum(counts);
  return static_cast<int64_t>(*std::max_element(counts.begin(), counts.end())) - mine;
}

void FullShardLockstep::runIdle(model::QwenForCausalLM& model, int64_t count) {
  if (count <= 0) return;
  const auto device = model->parameters().front().device();
  const auto ids = torch::zeros({1, 1}, torch::TensorOptions().dtype(torch::kInt64).device(device));
  for (int64_t i = 0; i < count; ++i) (model->forward(ids).sum() * 0).backward();
}

}  // namespace longrl::train
