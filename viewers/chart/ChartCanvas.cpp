#include "viewers/chart/ChartCanvas.h"

#include <cmath>

#include <QPainter>
#include <QSvgGenerator>
#include <QVBoxLayout>
#include <QtCharts/QCategoryAxis>
#include <QtCharts/QChart>
#include <QtCharts/QLineSeries>
#include <QtCharts/QLogValueAxis>
#include <QtCharts/QValueAxis>

#include <algorithm>

#include "viewers/chart/ChartView.h"
#include "viewers/chart/NiceScale.h"
#include "viewers/chart/PlotLayer.h"
#include "viewers/chart/TickLabels.h"

namespace longrl::viewers {

ChartCanvas::ChartCanvas(QWidget* parent) : QWidget(parent) {
  chart_ = new QChart();
  chart_->legend()->setAlignment(Qt::AlignBottom);
  chart_->setMargins(QMargins(4, 4, 4, 4));
  chart_->setAnimationOptions(QChart::NoAnimation);
  view_ = new ChartView(chart_, this);
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->addWidget(view_);

  xAxis_ = new QValueAxis(chart_);
  xAxis_->setLabelFormat("%.6g");
  xAxis_->setTruncateLabels(false);
  chart_->addAxis(xAxis_, Qt::AlignBottom);
  attach(newLinearYAxis());

  layer_ = new PlotLayer();
  chart_->scene()->addItem(layer_);
  connect(chart_, &QChart::plotAreaChanged, this, [this](const QRectF& area) {
    syncLayer();
    const int w = static_cast<int>(area.width());
    if (w == plotWidth_) return;
    plotWidth_ = w;
    Q_EMIT plotWidthChanged(w);
  });
  connect(xAxis_, &QValueAxis::rangeChanged, this, [this] { syncLayer(); });
  connect(view_, &ChartView::zoomedOrPanned, this, [this] { Q_EMIT userChangedXRange(xAxis_->min(), xAxis_->max()); });
  connect(view_, &ChartView::mouseMovedTo, this, [this](QPointF scenePos) {
    const bool inside = chart_->plotArea().contains(scenePos);
    Q_EMIT hoveredAt(inside ? layer_->toData(scenePos) : QPointF(), inside);
  });
  connect(view_, &ChartView::resetRequested, this, &ChartCanvas::userResetZoom);
}

ChartCanvas::~ChartCanvas() {
  // The layer lives in the chart's scene; remove it before the view and chart go.
  if (layer_ && layer_->scene()) layer_->scene()->removeItem(layer_);
  delete layer_;
}

void ChartCanvas::attach(QAbstractAxis* yAxis) {
  if (yAxis_) {
    chart_->removeAxis(yAxis_);
    yAxis_->deleteLater();
  }
  yAxis_ = yAxis;
  yAxis_->setTruncateLabels(false);  // Qt elides tick labels to "..." when it lays out before the range is known
  if (auto* l = qobject_cast<QLogValueAxis*>(yAxis_)) l->setLabelFormat("%.3g");
  chart_->addAxis(yAxis_, Qt::AlignLeft);
  for (auto* s : chart_->series()) s->attachAxis(yAxis_);
}

int ChartCanvas::addLine(const QString& name, const QColor& color, qreal width, bool inLegend) {
  QPen pen(color);
  pen.setWidthF(width);
  layer_->lines().append(PlotLayer::Line{{}, pen});
  int legendIndex = -1;
  if (inLegend) {
    // An empty series: it only gives the legend its entry (the layer draws the data).
    auto* s = new QLineSeries(chart_);
    s->setName(name);
    s->setPen(pen);
    chart_->addSeries(s);
    s->attachAxis(xAxis_);
    s->attachAxis(yAxis_);
    legend_.append(s);
    legendIndex = static_cast<int>(legend_.size() - 1);
  }
  legendSeries_.append(legendIndex);
  return static_cast<int>(layer_->lines().size() - 1);
}

void ChartCanvas::setLinePoints(int id, const QList<QPointF>& points) {
  if (id < 0 || id >= layer_->lines().size()) return;
  layer_->lines()[id].points = points;
  layer_->changed();
}

int ChartCanvas::addBand(const QString&, const QColor& color) {
  QColor fill = color;
  fill.setAlphaF(0.18);
  layer_->bands().append(PlotLayer::Band{{}, {}, QBrush(fill)});
  return static_cast<int>(layer_->bands().size() - 1);
}

void ChartCanvas::setBandPoints(int id, const QList<QPointF>& lower, const QList<QPointF>& upper) {
  if (id < 0 || id >= layer_->bands().size()) return;
  layer_->bands()[id].lower = lower;
  layer_->bands()[id].upper = upper;
  layer_->changed();
}

int ChartCanvas::addErrorBars(const QColor& color) {
  QPen pen(color);
  pen.setWidthF(1.0);
  layer_->bars().append(PlotLayer::Bars{{}, pen});
  return static_cast<int>(layer_->bars().size() - 1);
}

void ChartCanvas::setErrorBars(int id, const QList<QLineF>& spans) {
  if (id < 0 || id >= layer_->bars().size()) return;
  layer_->bars()[id].spans = spans;
  layer_->changed();
}

void ChartCanvas::setMarkers(const QList<double>& xs, const QStringList& labels) {
  QList<PlotLayer::Marker> markers;
  markers.reserve(xs.size());
  for (qsizetype i = 0; i < xs.size(); ++i) markers.append({xs[i], i < labels.size() ? labels[i] : QString()});
  // In x order: the layer stacks overlapping labels from left to right.
  std::stable_sort(markers.begin(), markers.end(), [](const auto& a, const auto& b) { return a.x < b.x; });
  if (markers == layer_->markers()) return;
  layer_->markers() = markers;
  layer_->changed();
}

void ChartCanvas::clearAll() {
  chart_->removeAllSeries();
  legend_.clear();
  legendSeries_.clear();
  layer_->lines().clear();
  layer_->bands().clear();
  layer_->bars().clear();
  layer_->markers().clear();
  layer_->changed();
}

void ChartCanvas::syncLayer() {
  layer_->setPlotArea(chart_->plotArea());
  layer_->setRange(xAxis_->min(), xAxis_->max(), y0_, y1_, logY_);
}

void ChartCanvas::setTitle(const QString& title) { chart_->setTitle(title); }
void ChartCanvas::setXTitle(const QString& title) { xAxis_->setTitleText(title); }

void ChartCanvas::setXRange(double x0, double x1, int ticks) {
  if (x1 <= x0) x1 = x0 + 1.0;
  if (ticks <= 0) ticks = xAxis_->tickCount();
  // Every axis change relayouts the whole chart (tick labels, legend, plot area): that was most of
  // a redraw's cost while following a run whose range did not move. So touch the axis only when
  // the rounded range differs from the one shown.
  if (x0 == xAxis_->min() && x1 == xAxis_->max() && ticks == xAxis_->tickCount()) return;
  ++axisChanges_;
  xAxis_->setTickCount(ticks);
  xAxis_->setRange(x0, x1);
  syncLayer();
}

void ChartCanvas::setYRange(double y0, double y1) {
  if (logY_) {
    y0 = std::max(y0, 1e-12);
    y1 = std::max(y1, y0 * 10.0);
  } else if (y1 <= y0) {
    // A flat series (a constant learning rate, a validation score that did not move): a range
    // around the value, in its own scale. A fixed +-0.5 drew 0.075 in a -0.6..0.6 axis and 1e-6
    // as a line at zero.
    const double v = y0, half = std::abs(v) > 1e-12 ? std::abs(v) * 0.1 : 0.5;
    y0 = v - half;
    y1 = v + half;
  }
  double lo = y0, hi = y1;
  bool axisSet = false;
  if (auto* c = qobject_cast<QCategoryAxis*>(yAxis_)) {
    const auto r = NiceScale::loose(y0, y1);
    lo = r.min;
    hi = r.max;
    axisSet = lo == c->min() && hi == c->max();  // see setXRange; the ticks follow from the range
    if (!axisSet) setYTicks(c, r);
  } else if (auto* l = qobject_cast<QLogValueAxis*>(yAxis_)) {
    axisSet = lo == l->min() && hi == l->max();
  }
  if (axisSet && lo == y0_ && hi == y1_) return;
  if (!axisSet) {
    ++axisChanges_;
    yAxis_->setRange(lo, hi);
  }
  y0_ = lo;
  y1_ = hi;
  syncLayer();
}

QCategoryAxis* ChartCanvas::newLinearYAxis() {
  auto* axis = new QCategoryAxis(chart_);
  axis->setLabelsPosition(QCategoryAxis::AxisLabelsPositionOnValue);
  return axis;
}

void ChartCanvas::setYTicks(QCategoryAxis* axis, const NiceScale::Range& range) {
  // Labels at exact tick values (Qt's own value axis labels the zero of [-0.01, 0.06] "-3.469e-18").
  for (const QString& label : axis->categoriesLabels()) axis->remove(label);
  axis->setStartValue(range.min);
  for (const auto& tick : TickLabels::of(range)) axis->append(tick.label, tick.value);
}

void ChartCanvas::setLogY(bool logY) {
  if (logY == logY_) return;
  logY_ = logY;
  if (logY) {
    auto* axis = new QLogValueAxis(chart_);
    axis->setBase(10.0);
    attach(axis);
  } else {
    attach(newLinearYAxis());
  }
}

QRectF ChartCanvas::plotArea() const { return view_->mapFromScene(chart_->plotArea()).boundingRect(); }

double ChartCanvas::xMin() const { return xAxis_->min(); }
double ChartCanvas::xMax() const { return xAxis_->max(); }
int ChartCanvas::plotWidthPixels() const {
  const int w = static_cast<int>(chart_->plotArea().width());
  return w > 0 ? w : std::max(100, width() - 60);
}

bool ChartCanvas::exportPng(const QString& path) { return view_->grab().save(path, "PNG"); }

bool ChartCanvas::exportSvg(const QString& path) {
  QSvgGenerator generator;
  generator.setFileName(path);
  generator.setSize(view_->size());
  generator.setViewBox(view_->rect());
  generator.setTitle(chart_->title());
  QPainter painter;
  if (!painter.begin(&generator)) return false;
  view_->render(&painter);
  return painter.end();
}

}  // namespace longrl::viewers
