#include "viewers/chart/PlotLayer.h"

#include <QFontMetricsF>
#include <QPainter>

#include <algorithm>
#include <cmath>

#include "viewers/chart/ColumnSpanRaster.h"

namespace longrl::viewers {

PlotLayer::PlotLayer(QGraphicsItem* parent) : QGraphicsItem(parent) {
  setFlag(QGraphicsItem::ItemClipsToShape, false);
  setAcceptedMouseButtons(Qt::NoButton);  // the view handles panning and zooming
  setZValue(10);
}

void PlotLayer::setPlotArea(const QRectF& area) {
  if (area == area_) return;
  prepareGeometryChange();
  area_ = area;
}

void PlotLayer::setRange(double x0, double x1, double y0, double y1, bool logY) {
  x0_ = x0;
  x1_ = x1 > x0 ? x1 : x0 + 1;
  logY_ = logY;
  if (logY) {
    y0_ = std::log10(std::max(y0, 1e-300));
    y1_ = std::log10(std::max(y1, 1e-300));
  } else {
    y0_ = y0;
    y1_ = y1;
  }
  if (y1_ <= y0_) y1_ = y0_ + 1;
  update();
}

QPointF PlotLayer::toData(const QPointF& p) const {
  const double x = x0_ + (p.x() - area_.left()) / area_.width() * (x1_ - x0_);
  const double y = y0_ + (area_.bottom() - p.y()) / area_.height() * (y1_ - y0_);
  return {x, logY_ ? std::pow(10.0, y) : y};
}

QPolygonF PlotLayer::map(const QList<QPointF>& points) const {
  QPolygonF out;
  out.reserve(points.size());
  const double sx = area_.width() / (x1_ - x0_), sy = area_.height() / (y1_ - y0_);
  for (const QPointF& p : points) {
    double y = p.y();
    if (logY_) {
      if (!(y > 0)) continue;
      y = std::log10(y);
    }
    out.append(QPointF(area_.left() + (p.x() - x0_) * sx, area_.bottom() - (y - y0_) * sy));
  }
  return out;
}

void PlotLayer::paint(QPainter* painter, const QStyleOptionGraphicsItem*, QWidget*) {
  if (area_.isEmpty()) return;
  painter->save();
  painter->setClipRect(area_);
  for (const Band& b : bands_) {
    QPolygonF polygon = map(b.upper);
    const QPolygonF lower = map(b.lower);
    for (auto it = lower.crbegin(); it != lower.crend(); ++it) polygon.append(*it);
    painter->setPen(Qt::NoPen);
    painter->setBrush(b.brush);
    painter->drawPolygon(polygon);
  }
  painter->setBrush(Qt::NoBrush);
  QPen markerPen(QColor(110, 110, 110));
  markerPen.setStyle(Qt::DashLine);
  painter->setPen(markerPen);
  for (const Marker& m : markers_) {
    const double x = markerX(m);
    painter->drawLine(QPointF(x, area_.top()), QPointF(x, area_.bottom()));
  }
  paintBars(painter);
  // Qt's fast cosmetic line rasterizer handles only 1 px pens; a wider pen is stroked into a
  // self-intersecting outline, which takes hundreds of ms for a few thousand noisy points. So every
  // data line is drawn 1 px wide, and a "bold" line (smoothed curves) is drawn twice, 1 px apart.
  for (const Line& l : lines_) {
    QPolygonF polyline = map(l.points);
    const bool bold = l.pen.widthF() >= 2.0;
    if (polyline.size() == 1) {
      // A line of one point (a run's first validation) would draw nothing: show the point, whole
      // even at the plot's edge (step 0 sits on the left axis).
      if (!area_.adjusted(-kDotRadius, -kDotRadius, kDotRadius, kDotRadius).contains(polyline.front())) continue;
      painter->setClipRect(dotArea());
      painter->setRenderHint(QPainter::Antialiasing, true);
      painter->setPen(Qt::NoPen);
      painter->setBrush(l.pen.color());
      painter->drawEllipse(polyline.front(), kDotRadius, kDotRadius);
      painter->setBrush(Qt::NoBrush);
      painter->setClipRect(area_);
      continue;
    }
    // A decimated line has about two points a pixel column (its min/max envelope): its pixels are
    // one span a column, written directly (antialiasing its near-vertical zigzag would show
    // nothing but cost ~30 ms for one noisy 1600 px wide series; stroking it costs ~7 ms).
    if (polyline.size() > area_.width() && ColumnSpanRaster::draw(painter, polyline, l.pen.color(), bold, area_))
      continue;
    painter->setRenderHint(QPainter::Antialiasing, true);
    QPen pen = l.pen;
    pen.setWidthF(1.0);
    pen.setCosmetic(true);
    painter->setPen(pen);
    painter->drawPolyline(polyline);
    if (bold) {
      polyline.translate(0.0, 1.0);
      painter->drawPolyline(polyline);
    }
  }
  // Marker labels on top of the data, so a dense series never hides a phase name.
  paintMarkerLabels(painter);
  painter->restore();
}

void PlotLayer::paintBars(QPainter* painter) const {
  if (bars_.isEmpty()) return;
  // The first and last validations sit on the plot's left and right edges: clipped to the plot
  // area, their bars would be cut in half.
  painter->setClipRect(dotArea());
  painter->setRenderHint(QPainter::Antialiasing, true);
  for (const Bars& b : bars_) {
    QPen pen = b.pen;
    pen.setCosmetic(true);
    painter->setPen(pen);
    for (const QLineF& span : b.spans) {
      const QPolygonF ends = map({span.p1(), span.p2()});
      if (ends.size() != 2) continue;  // an end at or below zero on a log axis
      painter->drawLine(ends[0], ends[1]);
      for (const QPointF& e : ends)
        painter->drawLine(QPointF(e.x() - kCapHalfWidth, e.y()), QPointF(e.x() + kCapHalfWidth, e.y()));
    }
  }
  painter->setClipRect(area_);
}

double PlotLayer::markerX(const Marker& m) const { return area_.left() + (m.x - x0_) / (x1_ - x0_) * area_.width(); }

void PlotLayer::paintMarkerLabels(QPainter* painter) const {
  if (markers_.isEmpty()) return;
  painter->setRenderHint(QPainter::Antialiasing, false);
  QFont font = painter->font();
  if (font.pointSizeF() > 0) font.setPointSizeF(std::max(7.0, font.pointSizeF() * 0.9));
  painter->setFont(font);
  const QFontMetricsF fm(font);
  const double pad = 3.0, rowHeight = fm.height() + 2.0;
  // Labels sit at the top of the plot, right of their line (left of it when they would run off
  // the right edge). A label that would overlap the one before drops a row; beyond three rows
  // (markers closer than a label's width) it is left out rather than drawn over another one.
  constexpr int kRows = 3;
  double rowEnd[kRows];
  for (double& e : rowEnd) e = -1e300;
  for (const Marker& m : markers_) {
    const double x = markerX(m);
    if (m.label.isEmpty() || x < area_.left() - 0.5 || x > area_.right() + 0.5) continue;
    const double w = fm.horizontalAdvance(m.label) + 2 * pad;
    double left = x + 2.0;
    if (left + w > area_.right()) left = x - 2.0 - w;
    if (left < area_.left()) left = area_.left();
    int row = 0;
    while (row < kRows && left < rowEnd[row] + 2.0) ++row;
    if (row == kRows) continue;
    rowEnd[row] = left + w;
    const QRectF box(left, area_.top() + 2.0 + row * rowHeight, w, fm.height());
    painter->setPen(Qt::NoPen);
    painter->setBrush(QColor(255, 255, 255, 215));  // keeps the text readable over the data lines
    painter->drawRect(box);
    painter->setBrush(Qt::NoBrush);
    painter->setPen(QColor(60, 60, 60));
    painter->drawText(box, Qt::AlignCenter, m.label);
  }
}

}  // namespace longrl::viewers
