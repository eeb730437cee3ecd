#pragma once
#include <cstddef>
#include <vector>

#include "viewers/chart/MinMaxBlocks.h"

namespace longrl::viewers {

// One metric of one run at full resolution: every point the run store holds, kept in memory
// (3 doubles a point: 1M points is 24 MB). Points normally arrive in step order from the store
// follower; a late point is inserted in place so x stays sorted for the decimator.
class MetricSeries {
 public:
  void append(double step, double wallTime, double value);
  void clear();
  std::size_t size() const { return values_.size(); }
  bool empty() const { return values_.empty(); }

  const std::vector<double>& steps() const { return steps_; }
  const std::vector<double>& wallTimes() const { return wallTimes_; }
  const std::vector<double>& values() const { return values_; }
  // Block min/max summary of values(), for fast decimation.
  const MinMaxBlocks& blocks() const { return blocks_; }
  // Bumped by every change that is not an append (clear, a late point inserted in place): a
  // cache derived from a prefix of the series (smoothing) is valid while this stays the same.
  std::size_t rewrites() const { return rewrites_; }

 private:
  std::vector<double> steps_, wallTimes_, values_;
  MinMaxBlocks blocks_;
  std::size_t rewrites_ = 0;
};

}  // namespace longrl::viewers
