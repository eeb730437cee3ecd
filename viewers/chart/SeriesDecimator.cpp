#include "viewers/chart/SeriesDecimator.h"

#include <algorithm>
#include <cmath>

namespace longrl::viewers {

QList<QPointF> SeriesDecimator::decimate(const double* x, const double* y, std::size_t n, double x0, double x1,
                                         int pixels, const MinMaxBlocks* blocks) {
  if (blocks && blocks->covered() != n) blocks = nullptr;  // stale summary: scan instead
  QList<QPointF> out;
  if (n == 0 || pixels <= 0 || !(x1 >= x0)) return out;
  // Binary search for the visible slice, widened by one point on each side.
  std::size_t begin = static_cast<std::size_t>(std::lower_bound(x, x + n, x0) - x);
  std::size_t end = static_cast<std::size_t>(std::upper_bound(x, x + n, x1) - x);
  if (begin > 0) --begin;
  if (end < n) ++end;
  if (begin >= end) return out;

  const std::size_t visible = end - begin;
  if (visible <= static_cast<std::size_t>(pixels) * 2) {
    out.reserve(static_cast<qsizetype>(visible));
    for (std::size_t i = begin; i < end; ++i)
      if (!std::isnan(y[i])) out.append(QPointF(x[i], y[i]));
    return out;
  }

  out.reserve(pixels * 2 + 4);
  const double width = x1 > x0 ? x1 - x0 : 1.0;
  const double scale = pixels / width;
  auto column = [&](double xv) { return static_cast<long long>(std::floor((xv - x0) * scale)); };

  std::size_t i = begin;
  while (i < end) {
    // The end of this pixel column by binary search (x is sorted), so the scan below is a plain
    // min/max loop without per-point column arithmetic.
    const long long col = column(x[i]);
    const std::size_t j = static_cast<std::size_t>(
        std::partition_point(x + i, x + end, [&](double xv) { return column(xv) <= col; }) - x);
    std::size_t lo = n, hi = n;
    auto consider = [&](std::size_t k) {
      if (lo == n) lo = hi = k;
      if (y[k] < y[lo]) lo = k;
      if (y[k] > y[hi]) hi = k;
    };
    constexpr std::size_t B = MinMaxBlocks::kBlock;
    for (std::size_t k = i; k < j;) {
      if (blocks && k % B == 0 && k + B <= j) {
        const std::size_t b = k / B;
        if (blocks->minIndex(b) != MinMaxBlocks::kNone) {
          consider(blocks->minIndex(b));
          consider(blocks->maxIndex(b));
        }
        k += B;
        continue;
      }
      if (!std::isnan(y[k])) consider(k);
      ++k;
    }
    i = j;
    if (lo == n) continue;
    // Two points a column, in x order: the drawn polyline covers exactly the column's envelope.
    const std::size_t a = std::min(lo, hi), b = std::max(lo, hi);
    out.append(QPointF(x[a], y[a]));
    if (b != a) out.append(QPointF(x[b], y[b]));
  }
  return out;
}

}  // namespace longrl::viewers
