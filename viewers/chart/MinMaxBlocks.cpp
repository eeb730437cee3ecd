#include "viewers/chart/MinMaxBlocks.h"

#include <algorithm>
#include <cmath>

namespace longrl::viewers {

void MinMaxBlocks::Level::clear() {
  minIndex_.clear();
  maxIndex_.clear();
  minValue_.clear();
  maxValue_.clear();
}

void MinMaxBlocks::Level::update(const std::vector<double>& values, std::size_t from, std::size_t covered) {
  // Points appended one at a time (a live run, a backlog being loaded) extend the last, partial
  // block in place: O(1) a point instead of rescanning the block.
  if (from >= covered && covered % size_ != 0 && covered < values.size()) {
    const std::size_t b = minIndex_.size() - 1;
    const std::size_t end = std::min(values.size(), (b + 1) * size_);
    for (std::size_t i = covered; i < end; ++i) {
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
    if (end == values.size()) return;
    covered = from = end;  // the rest starts a new block
  }
  // Recompute from the block holding the first changed (or first new) value.
  std::size_t start = std::min(from, covered);
  start = (start / size_) * size_;
  minIndex_.resize(start / size_);
  maxIndex_.resize(start / size_);
  minValue_.resize(start / size_);
  maxValue_.resize(start / size_);
  for (std::size_t b = start; b < values.size(); b += size_) {
    std::uint32_t lo = kNone, hi = kNone;
    const std::size_t end = std::min(values.size(), b + size_);
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
}

void MinMaxBlocks::clear() {
  blocks_.clear();
  subBlocks_.clear();
  covered_ = 0;
}

void MinMaxBlocks::update(const std::vector<double>& values, std::size_t from) {
  blocks_.update(values, from, covered_);
  subBlocks_.update(values, from, covered_);
  covered_ = values.size();
}

}  // namespace longrl::viewers
