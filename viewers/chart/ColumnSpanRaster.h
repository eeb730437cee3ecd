#pragma once
#include <QColor>
#include <QImage>
#include <QPolygonF>
#include <QRect>

#include <vector>

class QPainter;

namespace longrl::viewers {

// Draws a dense 1 px line (a decimated min/max envelope: two or more points a pixel column) as one
// vertical span per device pixel column, written straight into an image that is then drawn once.
// A non-antialiased polyline with the same points covers the same pixels, but Qt's cosmetic
// stroker blends a steep line one pixel at a time: for a noisy 1M-point series that fills the plot
// height in every column that was 7-8 ms of a 12 ms redraw.
class ColumnSpanRaster {
 public:
  // The pixels the polyline covers, in device pixels: for every column the rows from the lowest to
  // the highest y that any segment reaches inside the column (x in [c, c + 1)), then `extraRows`
  // more below (1 for a bold line, drawn 2 px high). Only columns and rows inside `clip`.
  // Points with a NaN coordinate break the line.
  ColumnSpanRaster(const QPolygonF& devicePoints, const QRect& clip, int extraRows = 0);

  bool isEmpty() const { return bounds_.isEmpty(); }
  // The smallest rectangle holding every covered pixel.
  QRect bounds() const { return bounds_; }
  // Rows covered in device column `column`; an empty pair (first > second) where none is.
  std::pair<int, int> span(int column) const;
  // The covered pixels in `color`, everything else transparent; pixel (0, 0) is bounds().topLeft().
  QImage image(const QColor& color) const;

  // Draws `polyline` (in the painter's logical coordinates) with a 1 px line of `color`, `bold`
  // adding a second row below, clipped to `clip` (logical). Returns false, drawing nothing, when
  // the painter's transform rotates or shears (the caller then draws a polyline).
  static bool draw(QPainter* painter, const QPolygonF& polyline, const QColor& color, bool bold, const QRectF& clip);

 private:
  void cover(int column, double yA, double yB);

  QRect clip_;
  std::vector<int> top_, bottom_;  // per clip column
  QRect bounds_;
};

}  // namespace longrl::viewers
