#pragma once
#include <vector>

namespace longrl::viewers {

// Smoothing computed on the full-resolution series (never on the decimated one, which is what
// TensorBoard gets wrong): the smoothed curve does not change when the user zooms.
class SeriesSmoother {
 public:
  // Exponential moving average with TensorBoard's weight convention (0 = none, 0.99 = heavy),
  // debiased like Adam (divide by 1 - w^k) so the first points are not pulled toward zero.
  // NaN inputs yield NaN outputs and do not disturb the average.
  static std::vector<double> debiasedEma(const std::vector<double>& y, double weight);
  // Trailing average over the last `window` finite points (window <= 1 returns y unchanged).
  static std::vector<double> windowAverage(const std::vector<double>& y, int window);
};

}  // namespace longrl::viewers
