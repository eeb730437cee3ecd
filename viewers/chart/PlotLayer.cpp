#include "viewers/chart/PlotLayer.h"

#include <QPainter>

#include <cmath>

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

QPointF PlotLayer::toScene(const QPointF& d) const {
  const double y = logY_ ? std::log10(d.y()) : d.y();
  return {area_.left() + (d.x() - x0_) / (x1_ - x0_) * area_.width(),
          area_.bottom() - (y - y0_) / (y1_ - y0_) * area_.height()};
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
  QPen markerPen(QColor(120, 120, 120));
  markerPen.setStyle(Qt::DashLine);
  painter->setPen(markerPen);
  for (double m : markers_) {
    const double x = area_.left() + (m - x0_) / (x1_ - x0_) * area_.width();
    painter->drawLine(QPointF(x, area_.top()), QPointF(x, area_.bottom()));
  }
  // Qt's fast cosmetic line rasterizer handles only 1 px pens; a wider pen is stroked into a
  // self-intersecting outline, which takes hundreds of ms for a few thousand noisy points. So every
  // data line is drawn 1 px wide, and a "bold" line (smoothed curves) is drawn twice, 1 px apart.
  for (const Line& l : lines_) {
    QPolygonF polyline = map(l.points);
    const bool dense = polyline.size() > 2 * area_.width();
    painter->setRenderHint(QPainter::Antialiasing, !dense);
    QPen pen = l.pen;
    pen.setWidthF(1.0);
    pen.setCosmetic(true);
    painter->setPen(pen);
    painter->drawPolyline(polyline);
    if (l.pen.widthF() >= 2.0) {
      polyline.translate(0.0, 1.0);
      painter->drawPolyline(polyline);
    }
  }
  painter->restore();
}

}  // namespace longrl::viewers
