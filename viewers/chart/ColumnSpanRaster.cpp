#include "viewers/chart/ColumnSpanRaster.h"

#include <QPainter>
#include <QTransform>

#include <algorithm>
#include <climits>
#include <cmath>

namespace longrl::viewers {

ColumnSpanRaster::ColumnSpanRaster(const QPolygonF& points, const QRect& clip, int extraRows)
    : clip_(clip), top_(static_cast<std::size_t>(std::max(clip.width(), 0)), INT_MAX),
      bottom_(static_cast<std::size_t>(std::max(clip.width(), 0)), INT_MIN) {
  if (clip.isEmpty()) return;
  const double left = clip.left(), right = clip.right() + 1.0;  // columns [left, right)
  for (qsizetype i = 0; i + 1 < points.size(); ++i) {
    QPointF a = points[i], b = points[i + 1];
    if (std::isnan(a.x()) || std::isnan(a.y()) || std::isnan(b.x()) || std::isnan(b.y())) continue;
    if (a.x() > b.x()) std::swap(a, b);
    if (b.x() < left || a.x() >= right) continue;
    const double dx = b.x() - a.x();
    const auto yAt = [&](double x) { return dx > 0 ? a.y() + (b.y() - a.y()) * ((x - a.x()) / dx) : a.y(); };
    const int first = static_cast<int>(std::floor(std::max(a.x(), left)));
    const int last = static_cast<int>(std::floor(std::min(b.x(), right - 1e-9)));
    if (dx == 0.0) {
      cover(first, a.y(), b.y());
      continue;
    }
    for (int c = first; c <= last; ++c) {
      // The part of the segment inside column c.
      const double s = std::max(a.x(), static_cast<double>(c));
      const double e = std::min(b.x(), c + 1.0);
      cover(c, yAt(s), yAt(e));
    }
  }
  int minRow = INT_MAX, maxRow = INT_MIN, minCol = INT_MAX, maxCol = INT_MIN;
  const int lastRow = clip.bottom();
  for (std::size_t k = 0; k < top_.size(); ++k) {
    if (top_[k] > bottom_[k]) continue;
    bottom_[k] = std::min(bottom_[k] + extraRows, lastRow);
    const int c = clip.left() + static_cast<int>(k);
    minCol = std::min(minCol, c), maxCol = std::max(maxCol, c);
    minRow = std::min(minRow, top_[k]), maxRow = std::max(maxRow, bottom_[k]);
  }
  if (minCol <= maxCol) bounds_ = QRect(QPoint(minCol, minRow), QPoint(maxCol, maxRow));
}

void ColumnSpanRaster::cover(int column, double yA, double yB) {
  const int k = column - clip_.left();
  if (k < 0 || k >= static_cast<int>(top_.size())) return;
  // Aliased drawing puts a point in the pixel right of and below it: row floor(y).
  const double lo = std::min(yA, yB), hi = std::max(yA, yB);
  if (hi < clip_.top() || lo >= clip_.bottom() + 1.0) return;
  const int r0 = std::max(static_cast<int>(std::floor(lo)), clip_.top());
  const int r1 = std::min(static_cast<int>(std::floor(hi)), clip_.bottom());
  top_[k] = std::min(top_[k], r0);
  bottom_[k] = std::max(bottom_[k], r1);
}

std::pair<int, int> ColumnSpanRaster::span(int column) const {
  const int k = column - clip_.left();
  if (k < 0 || k >= static_cast<int>(top_.size())) return {0, -1};
  return {top_[k], bottom_[k]};
}

QImage ColumnSpanRaster::image(const QColor& color) const {
  if (bounds_.isEmpty()) return {};
  QImage out(bounds_.size(), QImage::Format_ARGB32_Premultiplied);
  out.fill(Qt::transparent);
  const QRgb pixel = qPremultiply(color.rgba());
  const qsizetype stride = out.bytesPerLine() / static_cast<qsizetype>(sizeof(QRgb));
  auto* bits = reinterpret_cast<QRgb*>(out.bits());
  for (int c = bounds_.left(); c <= bounds_.right(); ++c) {
    const std::size_t k = static_cast<std::size_t>(c - clip_.left());
    if (top_[k] > bottom_[k]) continue;
    QRgb* p = bits + (top_[k] - bounds_.top()) * stride + (c - bounds_.left());
    for (int r = top_[k]; r <= bottom_[k]; ++r, p += stride) *p = pixel;
  }
  return out;
}

bool ColumnSpanRaster::draw(QPainter* painter, const QPolygonF& polyline, const QColor& color, bool bold,
                            const QRectF& clip) {
  const QTransform world = painter->worldTransform();
  if (world.type() > QTransform::TxScale) return false;
  // Spans are computed in device pixels (the device pixel ratio included), so a HiDPI screen
  // gets a line as thin as its pixels, as a cosmetic pen would draw it.
  const double dpr = painter->device() ? painter->device()->devicePixelRatioF() : 1.0;
  const QTransform toDevice = world * QTransform::fromScale(dpr, dpr);
  const QRectF deviceClip = toDevice.mapRect(clip);
  const QRect clipPixels(QPoint(static_cast<int>(std::floor(deviceClip.left())),
                                static_cast<int>(std::floor(deviceClip.top()))),
                         QPoint(static_cast<int>(std::ceil(deviceClip.right())) - 1,
                                static_cast<int>(std::ceil(deviceClip.bottom())) - 1));
  const ColumnSpanRaster raster(toDevice.map(polyline), clipPixels, bold ? static_cast<int>(std::lround(dpr)) : 0);
  if (raster.isEmpty()) return true;
  QImage image = raster.image(color);
  image.setDevicePixelRatio(dpr);
  painter->save();
  painter->resetTransform();
  painter->drawImage(QPointF(raster.bounds().left() / dpr, raster.bounds().top() / dpr), image);
  painter->restore();
  return true;
}

}  // namespace longrl::viewers
