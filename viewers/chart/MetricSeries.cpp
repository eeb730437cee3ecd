#include "viewers/chart/MetricSeries.h"

namespace longrl::viewers {

void MetricSeries::append(double step, double wallTime, double value) {
  steps_.push_back(step);
  wallTimes_.push_back(wallTime);
  values_.push_back(value);
}

void MetricSeries::clear() {
  steps_.clear();
  wallTimes_.clear();
  values_.clear();
}

}  // namespace longrl::viewers
