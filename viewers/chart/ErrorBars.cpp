#include "viewers/chart/ErrorBars.h"

#include <algorithm>
#include <cmath>

#include "viewers/chart/MetricSeries.h"

namespace longrl::viewers {

QList<QLineF> ErrorBars::of(const QList<QPointF>& points, double shift, const std::vector<double>& hxs,
                            const MetricSeries& halfWidths) {
  QList<QLineF> bars;
  const auto& hs = halfWidths.values();
  for (const QPointF& p : points) {
    // Shifting a wall time out and back in may not give the same double: match within rounding.
    const double x = p.x() + shift, tolerance = 1e-9 * std::max(1.0, std::abs(x));
    const auto it = std::lower_bound(hxs.begin(), hxs.end(), x - tolerance);
    if (it == hxs.end() || std::abs(*it - x) > tolerance) continue;
    const double h = hs[static_cast<std::size_t>(it - hxs.begin())];
    if (!std::isfinite(h) || !std::isfinite(p.y()) || h <= 0) continue;
    bars.append(QLineF(p.x(), p.y() - h, p.x(), p.y() + h));
  }
  return bars;
}

}  // namespace longrl::viewers
