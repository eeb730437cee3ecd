#pragma once

namespace longrl::reward {

// DAPO's soft overlong punishment, used by QwenLong-L1: responses longer than
// Lmax - buffer tokens lose reward linearly, reaching -factor at Lmax:
//   penalty = min(-(len - (Lmax - buffer)) / buffer, 0) * factor      (L1: Lmax 10000, buffer 1000)
class OverlongPenalty {
 public:
  // Throws RewardError unless 0 < buffer <= maxResponseTokens and factor >= 0.
  OverlongPenalty(long maxResponseTokens, long bufferTokens = 1000, double factor = 1.0);

  // A value <= 0 that is added to the reward.
  double penalty(long responseTokens) const;

  long maxResponseTokens() const { return max_; }
  long bufferTokens() const { return buffer_; }
  double factor() const { return factor_; }

 private:
  long max_;
  long buffer_;
  double factor_;
};

}  // namespace longrl::reward
