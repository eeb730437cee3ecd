#pragma once
#include <QBrush>
#include <QGraphicsItem>
#include <QLineF>
#include <QList>
#include <QPen>
#include <QPointF>
#include <QRectF>
#include <QString>

namespace longrl::viewers {

// Draws the data of a chart (lines, min/max bands, error bars, vertical markers) as plain polylines inside
// the plot area of a QChart. Qt Charts keeps axes, grid, legend and layout; its own line items
// rebuild a stroked hover shape of every series on every update, which costs tens of ms for a
// few thousand points, while a polyline draws in about a millisecond.
class PlotLayer : public QGraphicsItem {
 public:
  struct Line {
    QList<QPointF> points;  // data coordinates
    QPen pen;
  };
  struct Band {
    QList<QPointF> lower, upper;
    QBrush brush;
  };
  // Vertical spans in data coordinates (x, y - e) .. (x, y + e), drawn with caps.
  struct Bars {
    QList<QLineF> spans;
    QPen pen;
  };
  // A vertical dashed line at data x, with a label (a phase name) at the top of the plot.
  struct Marker {
    double x = 0.0;
    QString label;
    bool operator==(const Marker& o) const { return x == o.x && label == o.label; }
  };

  explicit PlotLayer(QGraphicsItem* parent = nullptr);

  void setPlotArea(const QRectF& area);
  // Visible data range; logY maps y through log10 (values <= 0 are not drawn).
  void setRange(double x0, double x1, double y0, double y1, bool logY);
  QList<Line>& lines() { return lines_; }
  QList<Band>& bands() { return bands_; }
  QList<Bars>& bars() { return bars_; }
  QList<Marker>& markers() { return markers_; }
  void changed() { update(); }

  QPointF toData(const QPointF& scenePos) const;

  // A one-point series is drawn as a dot of this radius, whole even at the plot area's edge.
  static constexpr double kDotRadius = 3.0;
  // Half the width of an error bar's caps (a bar at the plot's edge is drawn whole, as a dot is).
  static constexpr double kCapHalfWidth = kDotRadius;
  QRectF boundingRect() const override { return dotArea(); }
  void paint(QPainter* painter, const QStyleOptionGraphicsItem* option, QWidget* widget) override;

 private:
  QPolygonF map(const QList<QPointF>& points) const;
  // The plot area grown by a dot (and a pixel of antialiasing): where the dots may paint.
  QRectF dotArea() const { return area_.adjusted(-kDotRadius - 1, -kDotRadius - 1, kDotRadius + 1, kDotRadius + 1); }
  double markerX(const Marker& m) const;
  void paintMarkerLabels(QPainter* painter) const;
  void paintBars(QPainter* painter) const;

  QRectF area_;
  double x0_ = 0, x1_ = 1, y0_ = 0, y1_ = 1;
  bool logY_ = false;
  QList<Line> lines_;
  QList<Band> bands_;
  QList<Bars> bars_;
  QList<Marker> markers_;
};

}  // namespace longrl::viewers
