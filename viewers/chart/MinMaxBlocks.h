#pragma once
#include <cstdint>
#include <vector>

namespace longrl::viewers {

// Where the minimum and maximum of each block of consecutive values sit, and what they are, at two
// sizes: blocks of kBlock and sub-blocks of kSubBlock. With it the per-pixel decimator takes whole
// blocks inside a pixel column from the summary, and at a column's edges whole sub-blocks, reading
// single points only for the last few: a redraw of a 1M-point series reads a small fraction of the
// data, in order (the values are kept here so comparing blocks does not jump around the series).
// Kept up to date incrementally as points arrive.
class MinMaxBlocks {
 public:
  static constexpr std::size_t kBlock = 64;
  static constexpr std::size_t kSubBlock = 8;
  static constexpr std::uint32_t kNone = UINT32_MAX;  // block with no finite value

  // One size of block.
  class Level {
   public:
    explicit Level(std::size_t size) : size_(size) {}
    std::size_t size() const { return size_; }
    std::size_t count() const { return minIndex_.size(); }
    std::uint32_t minIndex(std::size_t block) const { return minIndex_[block]; }
    std::uint32_t maxIndex(std::size_t block) const { return maxIndex_[block]; }
    // values[minIndex(block)] and values[maxIndex(block)] (NaN for a block with no finite value).
    double minValue(std::size_t block) const { return minValue_[block]; }
    double maxValue(std::size_t block) const { return maxValue_[block]; }
    // Asks the CPU to start loading the summary of `block` (which must exist) ahead of its use.
    void prefetch(std::size_t block) const {
      __builtin_prefetch(minIndex_.data() + block);
      __builtin_prefetch(maxIndex_.data() + block);
      __builtin_prefetch(minValue_.data() + block);
      __builtin_prefetch(maxValue_.data() + block);
    }

   private:
    friend class MinMaxBlocks;
    void update(const std::vector<double>& values, std::size_t from, std::size_t covered);
    void clear();
    std::size_t size_;
    std::vector<std::uint32_t> minIndex_, maxIndex_;
    std::vector<double> minValue_, maxValue_;
  };

  // Brings the summary up to date with `values` (which only grew, or changed from `from` on).
  void update(const std::vector<double>& values, std::size_t from = SIZE_MAX);
  void clear();

  // The kBlock level (kept under its old names: most callers want only it).
  std::size_t blockCount() const { return blocks_.count(); }
  std::uint32_t minIndex(std::size_t block) const { return blocks_.minIndex(block); }
  std::uint32_t maxIndex(std::size_t block) const { return blocks_.maxIndex(block); }
  double minValue(std::size_t block) const { return blocks_.minValue(block); }
  double maxValue(std::size_t block) const { return blocks_.maxValue(block); }
  const Level& blocks() const { return blocks_; }
  const Level& subBlocks() const { return subBlocks_; }
  // Number of values the summary covers.
  std::size_t covered() const { return covered_; }

 private:
  Level blocks_{kBlock}, subBlocks_{kSubBlock};
  std::size_t covered_ = 0;
};

}  // namespace longrl::viewers
