#include "viewers/chart/MinMaxBlocks.h"

#include <algorithm>
#include <cmath>

namespace longrl::viewers {

void MinMaxBlocks::clear() {
  minIndex_.clear();
  maxIndex_.clear();
  covered_ = 0;
}

void MinMaxBlocks::update(const std::vector<double>& values, std::size_t from) {
  // Recompute from the block holding the first changed (or first new) value.
  std::size_t start = std::min(from, covered_);
  start = (start / kBlock) * kBlock;
  minIndex_.resize(start / kBlock);
  maxIndex_.resize(start / kBlock);
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
  }
  covered_ = values.size();
}

}  // namespace longrl::viewers
