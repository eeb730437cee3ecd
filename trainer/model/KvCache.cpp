#include "trainer/model/KvCache.h"

#include <algorithm>
#include <stdexcept>
#include <string>

namespace longrl::model {

KvCache::KvCache(int64_t numLayers, int64_t reserveTokens)
    : keys_(static_cast<size_t>(numLayers)), values_(static_cast<size_t>(numLayers)), reserve_(reserveTokens) {}

torch::Tensor KvCache::positionsFor(const torch::Tensor& mask, int64_t batch, int64_t steps,
                                    torch::Device device) const {
  auto opts = torch::TensorOptions().dtype(torch::kInt64).device(device);
  torch::Tensor start = nextPositions_.defined() ? nextPositions_.to(device) : torch::zeros({batch}, opts);
  if (start.size(0) != batch)
    throw std::invalid_argument("KvCache: cache holds " + std::to_string(start.size(0)) + " rows, input has " +
                                std::to_string(batch));
  if (!mask.defined()) return start.unsqueeze(1) + torch::arange(steps, opts).unsqueeze(0);
  // Real tokens get consecutive positions; padding takes the position of the next real token
  // (its value is irrelevant: nothing attends to it).
  auto m = mask.to(torch::kInt64).to(device);
  auto before = torch::cumsum(m, 1) - m;
  return start.unsqueeze(1) + before;
}

void KvCache::ensureCapacity(int64_t needed) {
  if (needed <= capacity_) return;
  int64_t cap = std::max({needed, capacity_ * 2, reserve_});
  for (size_t l = 0; l < keys_.size(); ++l) {
    for (auto* store : {&keys_[l], &values_[l]}) {
      if (!store->defined()) continue;
      auto sizes = store->sizes().vec();
      sizes[2] = cap;
      auto grown = torch::empty(sizes, store->options());
      grown.narrow(2, 0, length_).copy_(store->narrow(2, 0, length_));
      *store = grown;
    }
  }
  capacity_ = cap;
}

std::pair<torch::Tensor, torch::Tensor> KvCache::update(int64_t layer, const torch::Tensor& k, const torch::Tensor& v) {
  if (layer < 0 || layer >= numLayers())
    throw std::out_of_range("KvCache: layer " + std::to_string(layer) + " out of range");
  const int64_t steps = k.size(2);
  ensureCapacity(length_ + steps);
  auto& K = keys_[static_cast<size_t>(layer)];
  auto& V = values_[static_cast<size_t>(layer)];
  if (!K.defined()) {
    auto sizes = k.sizes().vec();
    sizes[2] = capacity_;
    K = torch::empty(sizes, k.options());
    V = torch::empty(sizes, v.options());
  }
  if (K.size(0) != k.size(0))
    throw std::invalid_argument("KvCache: layer " + std::to_string(layer) + " holds " + std::to_string(K.size(0)) +
                                " rows, update has " + std::to_string(k.size(0)));
  K.narrow(2, length_, steps).copy_(k);
  V.narrow(2, length_, steps).copy_(v);
  return {K.narrow(2, 0, length_ + steps), V.narrow(2, 0, length_ + steps)};
}

void KvCache::commit(const torch::Tensor& mask, const torch::Tensor& positions, bool allReal) {
  auto m = mask.to(torch::kBool);
  padded_ = padded_ || !allReal;
  keyMask_ = keyMask_.defined() ? torch::cat({keyMask_, m.to(keyMask_.device())}, 1) : m;
  // Next position = one past the last real token's position (or unchanged for all-padding rows).
  auto last = torch::where(m, positions + 1, torch::zeros_like(positions)).amax(1);
  nextPositions_ = nextPositions_.defined() ? torch::maximum(nextPositions_.to(last.device()), last) : last;
  length_ += m.size(1);
}

void KvCache::expand(int64_t rows) {
  if (batchSize() != 1)
    throw std::invalid_argument("KvCache::expand needs a batch-1 cache, it has " + std::to_string(batchSize()) +
                                " rows");
  selectRows(torch::zeros({rows}, torch::kInt64));
}

torch::Tensor KvCache::stackLayer(const std::vector<torch::Tensor>& parts, const std::vector<int64_t>& lengths,
                                  int64_t rowsEach, int64_t capacity) {
  auto sizes = parts.front().sizes().vec();
  sizes[0] = static_cast<int64_t>(parts.size()) * rowsEach;
  sizes[2] = capacity;
  auto out = torch::empty(sizes, parts.front().options());
  const int64_t longest = *std::max_element(lengths.begin(), lengths.end());
  for (size_t i = 0; i < parts.size(); ++i) {
    auto rows = out.narrow(0, static_cast<int64_t>(i) * rowsEach, rowsEach);
    const int64_t pad = longest - lengths[i];
    // Padding is never attended to, but its values still meet a zero weight: no NaN from garbage.
    if (pad > 0) rows.narrow(2, 0, pad).zero_();
    rows.narrow(2, pad, lengths[i]).copy_(parts[i].narrow(2, 0, lengths[i]).expand_as(rows.narrow(2, pad, lengths[i])));
  }
  return out;
}

KvCache KvCache::stack(const std::vector<KvCache>& parts, int64_t rowsEach, int64_t reserveTokens) {
  if (parts.empty() || rowsEach < 1) throw std::invalid_argument("KvCache::stack needs caches and rowsEach >= 1");
  std::vector<int64_t> lengths;
  for (const auto& p : parts) {
    if (p.batchSize() != 1 || p.numLayers() != parts.front().numLayers())
      throw std::invalid_argument("KvCache::stack needs filled batch-1 caches of the same model");
    lengths.push_back(p.length());
  }
  const int64_t longest = *std::max_element(lengths.begin(), lengths.end());
  KvCache out(parts.front().numLayers(), reserveTokens);
  out.capacity_ = std::max(longest, reserveTokens);
  out.length_ = longest;
  std::vector<torch::Tensor> masks, next;
  for (size_t i = 0; i < parts.size(); ++i) {
    const auto& p = parts[i];
    auto mask = torch::zeros({1, longest}, p.keyMask_.options());
    mask.narrow(1, longest - lengths[i], lengths[i]).copy_(p.keyMask_);
    masks.push_back(mask.expand({rowsEach, longest}));
    next.push_back(p.nextPositions_.expand({rowsEach}));
    out.padded_ = out.padded_ || p.padded_ || lengths[i] < longest;
  }
  out.keyMask_ = torch::cat(masks, 0);
  out.nextPositions_ = torch::cat(next, 0);
  for (size_t l = 0; l < out.keys_.size(); ++l) {
    std::vector<torch::Tensor> k, v;
    for (const auto& p : parts) {
      k.push_back(p.keys_[l]);
      v.push_back(p.values_[l]);
    }
    out.keys_[l] = stackLayer(k, lengths, rowsEach, out.capacity_);
    out.values_[l] = stackLayer(v, lengths, rowsEach, out.capacity_);
  }
  return out;
}

void KvCache::selectRows(const torch::Tensor& index) {
  if (empty()) return;
  auto idx = index.to(torch::kInt64).to(keyMask_.device());
  for (size_t l = 0; l < keys_.size(); ++l) {
    if (!keys_[l].defined()) continue;
    // index_select copies: rows must not alias, since each row's new tokens are written in place.
    keys_[l] = keys_[l].index_select(0, idx.to(keys_[l].device()));
    values_[l] = values_[l].index_select(0, idx.to(values_[l].device()));
  }
  keyMask_ = keyMask_.index_select(0, idx);
  nextPositions_ = nextPositions_.index_select(0, idx.to(nextPositions_.device()));
}

void KvCache::clear() {
  for (auto& k : keys_) k = torch::Tensor();
  for (auto& v : values_) v = torch::Tensor();
  keyMask_ = nextPositions_ = torch::Tensor();
  length_ = capacity_ = 0;
  padded_ = false;
}

}  // namespace longrl::model
