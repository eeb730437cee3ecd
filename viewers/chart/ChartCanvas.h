#pragma once
#include <QColor>
#include <QLineF>
#include <QList>
#include <QPointF>
#include <QRectF>
#include <QString>
#include <QWidget>

#include "viewers/chart/NiceScale.h"

class QChart;
class QChartView;
class QValueAxis;
class QAbstractAxis;
class QLineSeries;
class QAreaSeries;
class QCategoryAxis;

namespace longrl::viewers {

class ChartView;
class PlotLayer;

// The thin adapter around Qt Charts: everything else in longrl speaks in lines, bands and markers,
// so the charting backend can be replaced without touching the chart logic (MetricChartWidget).
// Qt Charts provides axes, grid, legend and layout; the data itself is drawn by a PlotLayer
// (plain polylines), which is what keeps a redraw of thousands of points within a frame.
class ChartCanvas : public QWidget {
  Q_OBJECT
 public:
  explicit ChartCanvas(QWidget* parent = nullptr);
  ~ChartCanvas() override;

  int addLine(const QString& name, const QColor& color, qreal width = 1.5, bool inLegend = true);
  void setLinePoints(int id, const QList<QPointF>& points);
  int addBand(const QString& name, const QColor& color);
  void setBandPoints(int id, const QList<QPointF>& lower, const QList<QPointF>& upper);
  // Error bars (vertical spans in data coordinates, with caps) in a line's colour.
  int addErrorBars(const QColor& color);
  void setErrorBars(int id, const QList<QLineF>& spans);
  // Vertical dashed lines with labels (phase boundaries).
  void setMarkers(const QList<double>& xs, const QStringList& labels);
  void clearAll();

  void setTitle(const QString& title);
  void setXTitle(const QString& title);
  // `ticks` > 0 sets the tick count too (a NiceScale range); 0 keeps it (a range the user zoomed to).
  void setXRange(double x0, double x1, int ticks = 0);
  void setYRange(double y0, double y1);
  void setLogY(bool logY);
  bool logY() const { return logY_; }
  double xMin() const;
  double xMax() const;
  double yMin() const { return y0_; }
  double yMax() const { return y1_; }
  int plotWidthPixels() const;
  // How many times an axis range actually changed (each change relayouts the chart); a redraw
  // that leaves the ranges alone does not count. For tests and benchmarks.
  int axisChanges() const { return axisChanges_; }
  // The plot area in the coordinates of grab() (tests).
  QRectF plotArea() const;

  bool exportPng(const QString& path);
  bool exportSvg(const QString& path);

 Q_SIGNALS:
  // The user zoomed or panned (not emitted for setXRange()).
  void userChangedXRange(double x0, double x1);
  // The user asked to go back to following the whole run (double click).
  void userResetZoom();
  // Mouse over the plot area, in data coordinates; `inside` false when it left the plot area.
  void hoveredAt(QPointF position, bool inside);
  // The plot area changed width (resize, wider tick labels): lines decimated per pixel for the
  // old width should be decimated again.
  void plotWidthChanged(int pixels);

 private:
  void attach(QAbstractAxis* yAxis);
  QCategoryAxis* newLinearYAxis();
  void setYTicks(QCategoryAxis* axis, const NiceScale::Range& range);
  void syncLayer();

  QChart* chart_ = nullptr;
  ChartView* view_ = nullptr;
  QValueAxis* xAxis_ = nullptr;
  QAbstractAxis* yAxis_ = nullptr;
  bool logY_ = false;
  double y0_ = 0.0, y1_ = 1.0;
  int axisChanges_ = 0;
  int plotWidth_ = 0;
  PlotLayer* layer_ = nullptr;
  QList<int> legendSeries_;  // per line: index into legend_ or -1
  QList<QLineSeries*> legend_;
};

}  // namespace longrl::viewers
