#pragma once
#include <cstddef>
#include <deque>
#include <vector>

namespace longrl::viewers {

// Smoothing computed on the full-resolution series (never on the decimated one, which is what
// TensorBoard gets wrong): the smoothed curve does not change when the user zooms.
//
// A smoother keeps the state at the tail of what it has seen, so a live series that grows by a
// few points is extended in O(new points) instead of being smoothed again from the start. The
// extension performs exactly the operations a full pass would, so it is bit-identical to one.
class SeriesSmoother {
 public:
  enum class Kind { None, Ema, Window };

  SeriesSmoother() = default;
  // Ema: `parameter` is the weight; Window: the window length in points.
  SeriesSmoother(Kind kind, double parameter);

  // Smooths y[covered() ..) and appends it to values(). `y` must start with the points already
  // seen, unchanged (call reset() when earlier points changed).
  void extend(const std::vector<double>& y);
  void reset();
  const std::vector<double>& values() const { return out_; }
  std::size_t covered() const { return out_.size(); }
  Kind kind() const { return kind_; }
  double parameter() const { return parameter_; }

  // Exponential moving average with TensorBoard's weight convention (0 = none, 0.99 = heavy),
  // debiased like Adam (divide by 1 - w^k) so the first points are not pulled toward zero.
  // NaN inputs yield NaN outputs and do not disturb the average.
  static std::vector<double> debiasedEma(const std::vector<double>& y, double weight);
  // Trailing average over the last `window` finite points (window <= 1 returns y unchanged).
  static std::vector<double> windowAverage(const std::vector<double>& y, int window);

 private:
  Kind kind_ = Kind::None;
  double parameter_ = 0.0;
  std::vector<double> out_;
  // EMA state: the biased average and weight^k for the k finite points seen so far.
  double biased_ = 0.0;
  double correction_ = 1.0;
  // Window state: the last `window` finite values, their running sum, points since the sum was
  // last recomputed from the window (which bounds the drift of the running sum).
  std::deque<double> recent_;
  double sum_ = 0.0;
  std::size_t sinceRecompute_ = 0;
};

}  // namespace longrl::viewers
