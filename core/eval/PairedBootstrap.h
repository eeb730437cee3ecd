#pragma once
#include <cstdint>
#include <vector>

namespace longrl::eval {

// The change of a mean between two measurements of the same examples, with a percentile bootstrap
// interval: examples are resampled with replacement (pairs kept together, so an example's own
// difficulty cancels out), `resamples` times from a fixed seed, and the interval is the middle
// `level` of the resampled mean changes (Efron & Tibshirani, ch. 13).
struct PairedChange {
  double before = 0, after = 0, change = 0;
  double lo = 0, hi = 0;
  int64_t examples = 0;
};

class PairedBootstrap {
 public:
  explicit PairedBootstrap(int resamples = 10000, uint64_t seed = 0, double level = 0.95);
  // Throws std::invalid_argument when the lists differ in length or are empty.
  PairedChange change(const std::vector<double>& before, const std::vector<double>& after) const;

  int resamples() const { return resamples_; }
  uint64_t seed() const { return seed_; }
  double level() const { return level_; }

 private:
  int resamples_;
  uint64_t seed_;
  double level_;
};

}  // namespace longrl::eval
