#include "viewers/chart/SeriesDecimator.h"

#include <algorithm>
#include <cmath>
#include <type_traits>

namespace longrl::viewers {

QList<QPointF> SeriesDecimator::decimate(const double* x, const double* y, std::size_t n, double x0, double x1,
                                         int pixels, const MinMaxBlocks* blocks, const double* blockLastX,
                                         const double* subBlockLastX) {
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
  constexpr std::size_t B = MinMaxBlocks::kBlock;
  constexpr std::size_t S = MinMaxBlocks::kSubBlock;

  // One pass over the visible slice, column by column. A point k is in the column of x[i] when
  // (x[k] - x0) * scale < floor((x[i] - x0) * scale) + 1, the same test as comparing floors,
  // without a floor per point. Since x is sorted, a block whose last point is in the column lies in
  // it whole and is taken from the summary: the scan reads one x and two summary values per
  // block, in order; at the column edges whole sub-blocks the same way, and single points only
  // for the last few (fewer than kSubBlock on each side). (A binary search per column and
  // reading the block extremes from y cost two thirds of a redraw in cache misses; scanning the
  // edges point by point, up to 63 a side, cost most of the rest.)
  // The reads at column edges jump ahead by a column's worth of points each time, too far for the
  // hardware prefetcher: ask for the data around the edge two columns ahead while this one is
  // scanned (a redraw of 10 x 1M points was bound by these cache misses).
  const std::size_t ahead = 2 * visible / static_cast<std::size_t>(pixels);
  std::size_t i = begin;
  while (i < end) {
    if (const std::size_t p = std::min(i + ahead, end - 1); p > i) {
      __builtin_prefetch(x + p);
      __builtin_prefetch(y + p);
      if (blocks) {
        blocks->subBlocks().prefetch(p / S);
        if (subBlockLastX) __builtin_prefetch(subBlockLastX + p / S);
      }
    }
    const double limit = std::floor((x[i] - x0) * scale) + 1.0;
    auto inColumn = [&](std::size_t k) { return (x[k] - x0) * scale < limit; };
    std::size_t lo = n, hi = n;
    double loV = 0.0, hiV = 0.0;
    auto consider = [&](std::size_t kLo, double vLo, std::size_t kHi, double vHi) {
      if (lo == n) {
        lo = kLo, loV = vLo, hi = kHi, hiV = vHi;
        return;
      }
      if (vLo < loV) lo = kLo, loV = vLo;
      if (vHi > hiV) hi = kHi, hiV = vHi;
    };
    std::size_t k = i;
    // Takes the (sub-)block starting at k from the summary when it lies whole in the column. The
    // size is a compile-time constant (the tag's value), so k % size stays a mask.
    auto takeWhole = [&](auto sizeTag, const MinMaxBlocks::Level& level, const double* lastX) {
      constexpr std::size_t size = decltype(sizeTag)::value;
      if (k % size != 0 || k + size > end) return false;
      const std::size_t b = k / size;
      if (!(lastX ? (lastX[b] - x0) * scale < limit : inColumn(b * size + size - 1))) return false;
      if (level.minIndex(b) != MinMaxBlocks::kNone)
        consider(level.minIndex(b), level.minValue(b), level.maxIndex(b), level.maxValue(b));
      k += size;
      return true;
    };
    while (k < end) {
      if (blocks && (takeWhole(std::integral_constant<std::size_t, B>{}, blocks->blocks(), blockLastX) ||
                     takeWhole(std::integral_constant<std::size_t, S>{}, blocks->subBlocks(), subBlockLastX)))
        continue;
      if (!inColumn(k)) break;
      if (!std::isnan(y[k])) consider(k, y[k], k, y[k]);
      ++k;
    }
    i = k > i ? k : i + 1;  // a NaN x is in no column: step over it
    if (lo == n) continue;
    // Two points a column, in x order: the drawn polyline covers exactly the column's envelope.
    const std::size_t a = std::min(lo, hi), b = std::max(lo, hi);
    out.append(QPointF(x[a], y[a]));
    if (b != a) out.append(QPointF(x[b], y[b]));
  }
  return out;
}

}  // namespace longrl::viewers
