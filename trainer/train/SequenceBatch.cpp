#include "trainer/train/SequenceBatch.h"

#include <algorithm>
#include <map>
#include <stdexcept>

namespace longrl::train {

SequenceBatch SequenceBatch::build(const std::vector<const std::vector<int>*>& prompts,
                                   const std::vector<const std::vector<int>*>& responses, int padId,
                                   torch::Device device) {
  if (prompts.size() != responses.size() || prompts.empty())
    throw std::invalid_argument("SequenceBatch: need as many prompts as responses (and at least one)");
  SequenceBatch b;
  const auto rows = static_cast<int64_t>(prompts.size());
  int64_t maxT = 0, maxR = 0;
  for (int64_t i = 0; i < rows; ++i) {
    if (prompts[i]->empty() || responses[i]->empty())
      throw std::invalid_argument("SequenceBatch: row " + std::to_string(i) + " has an empty prompt or response");
    b.promptLen.push_back(static_cast<int64_t>(prompts[i]->size()));
    b.responseLen.push_back(static_cast<int64_t>(responses[i]->size()));
    maxT = std::max<int64_t>(maxT, b.promptLen.back() + b.responseLen.back());
    maxR = std::max<int64_t>(maxR, b.responseLen.back());
  }
  std::vector<int64_t> ids(static_cast<size_t>(rows * maxT), padId);
  std::vector<float> mask(static_cast<size_t>(rows * maxR), 0.0f);
  std::vector<int64_t> src, tgt, dst;
  std::map<const std::vector<int>*, size_t> groupOf;
  for (int64_t i = 0; i < rows; ++i) {
    const auto& p = *prompts[i];
    const auto& r = *responses[i];
    const auto [it, isNew] = groupOf.emplace(prompts[i], b.promptGroups.size());
    if (isNew) b.promptGroups.emplace_back();
    b.promptGroups[it->second].push_back(i);
    int64_t t = 0;
    for (int x : p) ids[static_cast<size_t>(i * maxT + t++)] = x;
    for (size_t j = 0; j < r.size(); ++j) {
      ids[static_cast<size_t>(i * maxT + t)] = r[j];
      src.push_back(i * maxT + t - 1);
      tgt.push_back(r[j]);
      dst.push_back(i * maxR + static_cast<int64_t>(j));
      mask[static_cast<size_t>(i * maxR + static_cast<int64_t>(j))] = 1.0f;
      ++t;
    }
  }
  const auto i64 = torch::TensorOptions().dtype(torch::kInt64);
  b.ids = torch::tensor(ids, i64).view({rows, maxT}).to(device);
  b.responseMask = torch::tensor(mask).view({rows, maxR}).to(device);
  b.sourceIndex = torch::tensor(src, i64).to(device);
  b.targets = torch::tensor(tgt, i64).to(device);
  b.destIndex = torch::tensor(dst, i64).to(device);
  return b;
}

torch::Tensor SequenceBatch::unflatten(const torch::Tensor& flat) const {
  const int64_t rowsR = responseMask.numel();
  auto out = torch::zeros({rowsR}, flat.options());
  return out.index_copy(0, destIndex, flat).view(responseMask.sizes());
}

}  // namespace longrl::train
