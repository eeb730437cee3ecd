#include "viewers/chart/SeriesDecimator.h"

#include <algorithm>
#include <cmath>

namespace longrl::viewers {

QList<QPointF> SeriesDecimator::decimate(const double* x, const double* y, std::size_t n, double x0, double x1,
                                         int pixels) {
  QList<QPointF> out;
  if (n == 0 || pixels <= 0 || !(x1 >= x0)) return out;
  // Binary search for the visible slice, widened by one point on each side.
  std::size_t begin = static_cast<std::size_t>(std::lower_bound(x, x + n, x0) - x);
  std::size_t end = static_cast<std::size_t>(std::upper_bound(x, x + n, x1) - x);
  if (begin > 0) --begin;
  if (end < n) ++end;
  if (begin >= end) return out;

  const std::size_t visible = end - begin;
  if (visible <= static_cast<std::size_t>(pixels) * 4) {
    out.reserve(static_cast<qsizetype>(visible));
    for (std::size_t i = begin; i < end; ++i)
      if (!std::isnan(y[i])) out.append(QPointF(x[i], y[i]));
    return out;
  }

  out.reserve(pixels * 4 + 2);
  const double width = x1 > x0 ? x1 - x0 : 1.0;
  const double scale = pixels / width;
  auto column = [&](double xv) {
    return static_cast<long long>(std::floor((xv - x0) * scale));
  };

  std::size_t i = begin;
  while (i < end) {
    const long long col = column(x[i]);
    std::size_t first = n, last = n, lo = n, hi = n;
    for (; i < end && column(x[i]) == col; ++i) {
      if (std::isnan(y[i])) continue;
      if (first == n) first = lo = hi = i;
      last = i;
      if (y[i] < y[lo]) lo = i;
      if (y[i] > y[hi]) hi = i;
    }
    if (first == n) continue;
    // Emit in x order so the polyline stays monotonic in x; skip duplicates.
    std::size_t picks[4] = {first, std::min(lo, hi), std::max(lo, hi), last};
    std::size_t previous = n;
    for (std::size_t p : picks) {
      if (p == previous) continue;
      out.append(QPointF(x[p], y[p]));
      previous = p;
    }
  }
  return out;
}

}  // namespace longrl::viewers
