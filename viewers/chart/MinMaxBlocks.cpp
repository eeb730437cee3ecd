#include "viewers/chart/MinMaxBlocks.h"

#include <algorithm>
#include <cmath>

namespace longrl::viewers {

void MinMaxBlocks::clear() {
  minIndex_.clear();
  maxIndex_.clear();
  minValue_.clear();
  maxValue_.clear();
  covered_ = 0;
}

void MinMaxBlocks::update(const std::vector<double>& values, std::size_t from) {
  // Points appended one at a time (a live run, a backlog being loaded) extend the last, partial
  // block in place: O(1) a point instead of rescanning the block.
  if (from >= covered_ && covered_ % kBlock != 0 && covered_ < values.size()) {
    const std::size_t b = minIndex_.size() - 1;
    const std::size_t end = std::min(values.size(), (b + 1) * kBlock);
    for (std::size_t i = covered_; i < end; ++i) {
      const double v = values[i];
      if (std::isnan(v)) continue;
      if (minIndex_[b] == kNone) {
        minIndex_[b] = maxIndex_[b] = static_cast<std::uint32_t>(i);
        minValue_[b] = maxValue_[b] = v;
        continue;
      }
      if (v < minValue_[b]) minIndex_[b] = static_cast<std::uint32_t>(i), minValue_[b] = v;
      if (v > maxValue_[b]) maxIndex_[b] = static_cast<std::uint32_t>(i), maxValue_[b] = v;
    }
    covered_ = end;
    if (end == values.size()) return;
    from = covered_;  // the rest starts a new block
  }
  // Recompute from the block holding the first changed (or first new) value.
  std::size_t start = std::min(from, covered_);
  start = (start / kBlock) * kBlock;
  minIndex_.resize(start / kBlock);
  maxIndex_.resize(start / kBlock);
  minValue_.resize(start / kBlock);
  maxValue_.resize(start / kBlock);
  for (std::size_t b = start; b < values.size(); b += kBlock) {
    std::uint32_t lo = kNone, hi = kNone;
    const std::size_t end = std::min(values.size(), b + kBlock);
    for (std::size_t i = b; i < end; ++i) {
      const double v = values[i];
      if (std::isnan(v)) continue;
      if (lo == kNone) lo = hi = static_cast<std::uint32_t>(i);
      if (v < values[lo]) lo = static_cast<std::uint32_t>(i);
      if (v > values[hi]) hi = static_cast<std::uint32_t>(i);
    }
    minIndex_.push_back(lo);
    maxIndex_.push_back(hi);
    minValue_.push_back(lo == kNone ? std::nan("") : values[lo]);
    maxValue_.push_back(hi == kNone ? std::nan("") : values[hi]);
  }
  covered_ = values.size();
}

}  // namespace longrl::viewers
