#include "viewers/chart/BandRule.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace longrl::viewers {

namespace {
// The share of finite points within `tolerance` of `bound`.
double shareAt(const QList<QPointF>& points, double bound, double tolerance) {
  int finite = 0, at = 0;
  for (const QPointF& p : points) {
    if (!std::isfinite(p.y())) continue;
    ++finite;
    if (std::abs(p.y() - bound) <= tolerance) ++at;
  }
  return finite ? static_cast<double>(at) / finite : 1.0;
}
}  // namespace

bool BandRule::informs(const QList<QPointF>& lower, const QList<QPointF>& upper) {
  double lo = std::numeric_limits<double>::infinity(), hi = -lo;
  for (const QPointF& p : lower)
    if (std::isfinite(p.y())) lo = std::min(lo, p.y());
  for (const QPointF& p : upper)
    if (std::isfinite(p.y())) hi = std::max(hi, p.y());
  if (!std::isfinite(lo) || !std::isfinite(hi)) return false;  // nothing to draw
  const double tolerance = std::max(hi - lo, 0.0) * kAtBound;
  return shareAt(lower, lo, tolerance) < kMostPoints || shareAt(upper, hi, tolerance) < kMostPoints;
}

}  // namespace longrl::viewers
