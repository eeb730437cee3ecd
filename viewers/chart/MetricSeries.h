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
  // The last step / wall time of each block of MinMaxBlocks::kBlock points (the last block may be
  // partial): the decimator tests whether a block ends inside a pixel column by reading these,
  // in order, instead of one x 64 points apart (a cache miss each on a 1M-point series).
  const std::vector<double>& blockLastSteps() const { return blockLastSteps_; }
  const std::vector<double>& blockLastWallTimes() const { return blockLastWallTimes_; }
  // The same for the sub-blocks of MinMaxBlocks::kSubBlock points.
  const std::vector<double>& subBlockLastSteps() const { return subBlockLastSteps_; }
  const std::vector<double>& subBlockLastWallTimes() const { return subBlockLastWallTimes_; }
  // Bumped by every change that is not an append (clear, a late point inserted in place): a
  // cache derived from a prefix of the series (smoothing) is valid while this stays the same.
  std::size_t rewrites() const { return rewrites_; }

 private:
  void updateBlockLast(std::size_t from);
  void updateLast(std::size_t from, std::size_t size, std::vector<double>& lastSteps,
                  std::vector<double>& lastWallTimes);

  std::vector<double> steps_, wallTimes_, values_;
  std::vector<double> blockLastSteps_, blockLastWallTimes_;
  std::vector<double> subBlockLastSteps_, subBlockLastWallTimes_;
  MinMaxBlocks blocks_;
  std::size_t rewrites_ = 0;
};

}  // namespace longrl::viewers
