#pragma once
#include <QLineF>
#include <QList>
#include <QPointF>

#include <vector>

namespace longrl::viewers {

class MetricSeries;

// Error bars of a series: at each drawn point whose step has a logged half-width (a validation
// mean's standard error over examples, val-core/.../acc/sem@n), a vertical span value ± half-width.
class ErrorBars {
 public:
  // A chart with more drawn points than this over its plot width draws no bars: there they would
  // be a smear, not bars (error bars are for the few points of a validation curve).
  static constexpr double kMaxPointsPerPixel = 0.25;

  // `points` as drawn (x already shifted by `shift` from the series' x values `xs`); the half-width
  // of a point is the `halfWidths` value at the same x (halfWidths' own x values `hxs`).
  static QList<QLineF> of(const QList<QPointF>& points, double shift, const std::vector<double>& hxs,
                          const MetricSeries& halfWidths);
};

}  // namespace longrl::viewers
