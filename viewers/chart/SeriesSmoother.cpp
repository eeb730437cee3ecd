#include "viewers/chart/SeriesSmoother.h"

#include <cmath>
#include <deque>
#include <limits>

namespace longrl::viewers {

std::vector<double> SeriesSmoother::debiasedEma(const std::vector<double>& y, double weight) {
  std::vector<double> out(y.size());
  if (weight <= 0.0) return y;
  if (weight >= 1.0) weight = 0.999999;
  double biased = 0.0;
  double correction = 1.0;  // weight^k for the k finite points seen so far
  for (std::size_t i = 0; i < y.size(); ++i) {
    if (std::isnan(y[i])) {
      out[i] = std::numeric_limits<double>::quiet_NaN();
      continue;
    }
    biased = biased * weight + (1.0 - weight) * y[i];
    correction *= weight;
    out[i] = biased / (1.0 - correction);
  }
  return out;
}

std::vector<double> SeriesSmoother::windowAverage(const std::vector<double>& y, int window) {
  if (window <= 1) return y;
  std::vector<double> out(y.size());
  std::deque<double> recent;
  // Kahan-free running sum is fine here: it is recomputed from the window when it drifts (every
  // `window` points), which bounds the error for very long series.
  double sum = 0.0;
  std::size_t sinceRecompute = 0;
  for (std::size_t i = 0; i < y.size(); ++i) {
    if (std::isnan(y[i])) {
      out[i] = std::numeric_limits<double>::quiet_NaN();
      continue;
    }
    recent.push_back(y[i]);
    sum += y[i];
    if (recent.size() > static_cast<std::size_t>(window)) {
      sum -= recent.front();
      recent.pop_front();
    }
    if (++sinceRecompute >= static_cast<std::size_t>(window)) {
      sum = 0.0;
      for (double v : recent) sum += v;
      sinceRecompute = 0;
    }
    out[i] = sum / static_cast<double>(recent.size());
  }
  return out;
}

}  // namespace longrl::viewers
