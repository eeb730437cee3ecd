#pragma once
#include <QList>
#include <QPointF>

#include <cstddef>

#include "viewers/chart/MinMaxBlocks.h"

namespace longrl::viewers {

// Per-pixel min/max decimation of a series sorted by x. For every pixel column of the visible range
// it keeps the lowest and the highest point (in x order), so the drawn line covers exactly the
// envelope of the full-resolution data: spikes never disappear when zoomed out, and zooming in
// shows every point (a range with at most two points a pixel is returned whole). The full series stays in memory; only
// the drawing is reduced.
class SeriesDecimator {
 public:
  // x must be non-decreasing. NaN values in y are skipped. One point just outside each edge of
  // [x0, x1] is kept so the line reaches the border of the plot.
  // `blocks`, when given, must summarise y[0, n): whole blocks inside a pixel column are then
  // taken from it instead of being scanned (same result, far fewer reads), and at a column's edges
  // whole sub-blocks. `blockLastX` / `subBlockLastX`, when given with `blocks`, hold x of the last
  // point of each block / sub-block (MetricSeries::blockLastSteps(), subBlockLastSteps()).
  static QList<QPointF> decimate(const double* x, const double* y, std::size_t n, double x0, double x1, int pixels,
                                 const MinMaxBlocks* blocks = nullptr, const double* blockLastX = nullptr,
                                 const double* subBlockLastX = nullptr);
};

}  // namespace longrl::viewers
