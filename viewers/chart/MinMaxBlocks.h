#pragma once
#include <cstdint>
#include <vector>

namespace longrl::viewers {

// Where the minimum and maximum of each block of kBlock consecutive values sit, and what they are:
// with it the per-pixel decimator skips whole blocks instead of reading every point, so a redraw
// of a 1M-point series reads ~1/kBlock of the data, sequentially (the values are kept here so
// that comparing blocks does not jump around the series). Kept up to date incrementally as
// points arrive.
class MinMaxBlocks {
 public:
  static constexpr std::size_t kBlock = 64;
  static constexpr std::uint32_t kNone = UINT32_MAX;  // block with no finite value

  // Brings the summary up to date with `values` (which only grew, or changed from `from` on).
  void update(const std::vector<double>& values, std::size_t from = SIZE_MAX);
  void clear();

  std::size_t blockCount() const { return minIndex_.size(); }
  std::uint32_t minIndex(std::size_t block) const { return minIndex_[block]; }
  std::uint32_t maxIndex(std::size_t block) const { return maxIndex_[block]; }
  // values[minIndex(block)] and values[maxIndex(block)] (NaN for a block with no finite value).
  double minValue(std::size_t block) const { return minValue_[block]; }
  double maxValue(std::size_t block) const { return maxValue_[block]; }
  // Number of values the summary covers.
  std::size_t covered() const { return covered_; }

 private:
  std::vector<std::uint32_t> minIndex_, maxIndex_;
  std::vector<double> minValue_, maxValue_;
  std::size_t covered_ = 0;
};

}  // namespace longrl::viewers
