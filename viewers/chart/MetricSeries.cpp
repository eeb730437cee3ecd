#include "viewers/chart/MetricSeries.h"

#include <algorithm>

namespace longrl::viewers {

void MetricSeries::append(double step, double wallTime, double value) {
  if (steps_.empty() || step >= steps_.back()) {
    steps_.push_back(step);
    wallTimes_.push_back(wallTime);
    values_.push_back(value);
    return;
  }
  // Rare: a point older than the newest one (e.g. a metric logged late). Keep x sorted.
  const auto at = std::upper_bound(steps_.begin(), steps_.end(), step) - steps_.begin();
  steps_.insert(steps_.begin() + at, step);
  wallTimes_.insert(wallTimes_.begin() + at, wallTime);
  values_.insert(values_.begin() + at, value);
}

void MetricSeries::clear() {
  steps_.clear();
  wallTimes_.clear();
  values_.clear();
}

}  // namespace longrl::viewers
