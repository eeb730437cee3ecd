#include "viewers/chart/MetricSeries.h"

#include <algorithm>

namespace longrl::viewers {

void MetricSeries::append(double step, double wallTime, double value) {
  if (steps_.empty() || step >= steps_.back()) {
    steps_.push_back(step);
    wallTimes_.push_back(wallTime);
    values_.push_back(value);
    blocks_.update(values_, values_.size() - 1);
    updateBlockLast(values_.size() - 1);
    return;
  }
  // Rare: a point older than the newest one (e.g. a metric logged late). Keep x sorted.
  ++rewrites_;
  const auto at = std::upper_bound(steps_.begin(), steps_.end(), step) - steps_.begin();
  steps_.insert(steps_.begin() + at, step);
  wallTimes_.insert(wallTimes_.begin() + at, wallTime);
  values_.insert(values_.begin() + at, value);
  blocks_.update(values_, static_cast<std::size_t>(at));
  updateBlockLast(static_cast<std::size_t>(at));
}

void MetricSeries::updateBlockLast(std::size_t from) {
  updateLast(from, MinMaxBlocks::kBlock, blockLastSteps_, blockLastWallTimes_);
  updateLast(from, MinMaxBlocks::kSubBlock, subBlockLastSteps_, subBlockLastWallTimes_);
}

void MetricSeries::updateLast(std::size_t from, std::size_t size, std::vector<double>& lastSteps,
                              std::vector<double>& lastWallTimes) {
  const std::size_t blocks = (values_.size() + size - 1) / size;
  lastSteps.resize(blocks);
  lastWallTimes.resize(blocks);
  for (std::size_t b = from / size; b < blocks; ++b) {
    const std::size_t last = std::min(values_.size(), (b + 1) * size) - 1;
    lastSteps[b] = steps_[last];
    lastWallTimes[b] = wallTimes_[last];
  }
}

void MetricSeries::clear() {
  steps_.clear();
  wallTimes_.clear();
  values_.clear();
  blocks_.clear();
  blockLastSteps_.clear();
  blockLastWallTimes_.clear();
  subBlockLastSteps_.clear();
  subBlockLastWallTimes_.clear();
  ++rewrites_;
}

}  // namespace longrl::viewers
