#include "viewers/chart/ChartCanvas.h"

#include <QPainter>
#include <QSvgGenerator>
#include <QVBoxLayout>
#include <QtCharts/QAreaSeries>
#include <QtCharts/QChart>
#include <QtCharts/QLegendMarker>
#include <QtCharts/QLineSeries>
#include <QtCharts/QLogValueAxis>
#include <QtCharts/QValueAxis>

#include "viewers/chart/ChartView.h"

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
  attach(new QValueAxis(chart_));

  connect(view_, &ChartView::zoomedOrPanned, this, [this] { Q_EMIT userChangedXRange(xAxis_->min(), xAxis_->max()); });
  connect(view_, &ChartView::resetRequested, this, &ChartCanvas::userResetZoom);
}

ChartCanvas::~ChartCanvas() = default;

void ChartCanvas::attach(QAbstractAxis* yAxis) {
  if (yAxis_) {
    chart_->removeAxis(yAxis_);
    yAxis_->deleteLater();
  }
  yAxis_ = yAxis;
  yAxis_->setTruncateLabels(false);  // Qt elides tick labels to "..." when it lays out before the range is known
  if (auto* v = qobject_cast<QValueAxis*>(yAxis_)) v->setLabelFormat("%.4g");
  if (auto* l = qobject_cast<QLogValueAxis*>(yAxis_)) l->setLabelFormat("%.3g");
  chart_->addAxis(yAxis_, Qt::AlignLeft);
  for (auto* s : chart_->series()) s->attachAxis(yAxis_);
}

int ChartCanvas::addLine(const QString& name, const QColor& color, qreal width, bool inLegend) {
  auto* s = new QLineSeries(chart_);
  s->setName(name);
  QPen pen(color);
  pen.setWidthF(width);
  s->setPen(pen);
  chart_->addSeries(s);
  s->attachAxis(xAxis_);
  s->attachAxis(yAxis_);
  if (!inLegend)
    for (auto* m : chart_->legend()->markers(s)) m->setVisible(false);
  connect(s, &QLineSeries::hovered, this, [this, s](const QPointF& p, bool state) { Q_EMIT hovered(s->name(), p, state); });
  lines_.append(s);
  return static_cast<int>(lines_.size() - 1);
}

void ChartCanvas::setLinePoints(int id, const QList<QPointF>& points) {
  if (id < 0 || id >= lines_.size()) return;
  if (!logY_) {
    lines_[id]->replace(points);
    return;
  }
  // A log axis cannot place values <= 0: drop them instead of letting Qt Charts warn per point.
  QList<QPointF> positive;
  positive.reserve(points.size());
  for (const auto& p : points)
    if (p.y() > 0) positive.append(p);
  lines_[id]->replace(positive);
}

int ChartCanvas::addBand(const QString& name, const QColor& color) {
  auto* lower = new QLineSeries(chart_);
  auto* upper = new QLineSeries(chart_);
  auto* band = new QAreaSeries(upper, lower);
  band->setName(name);
  QColor fill = color;
  fill.setAlphaF(0.18);
  band->setBrush(fill);
  band->setPen(Qt::NoPen);
  chart_->addSeries(band);
  band->attachAxis(xAxis_);
  band->attachAxis(yAxis_);
  for (auto* m : chart_->legend()->markers(band)) m->setVisible(false);
  bands_.append(band);
  return static_cast<int>(bands_.size() - 1);
}

void ChartCanvas::setBandPoints(int id, const QList<QPointF>& lower, const QList<QPointF>& upper) {
  if (id < 0 || id >= bands_.size()) return;
  bands_[id]->lowerSeries()->replace(lower);
  bands_[id]->upperSeries()->replace(upper);
}

void ChartCanvas::setMarkers(const QList<double>& xs, const QStringList& labels) {
  for (auto* m : markers_) {
    chart_->removeSeries(m);
    delete m;
  }
  markers_.clear();
  markerXs_ = xs;
  for (int i = 0; i < xs.size(); ++i) {
    auto* s = new QLineSeries(chart_);
    s->setName(i < labels.size() ? labels[i] : QString());
    QPen pen(QColor(120, 120, 120));
    pen.setStyle(Qt::DashLine);
    pen.setWidthF(1.0);
    s->setPen(pen);
    chart_->addSeries(s);
    s->attachAxis(xAxis_);
    s->attachAxis(yAxis_);
    for (auto* m : chart_->legend()->markers(s)) m->setVisible(false);
    markers_.append(s);
  }
  updateMarkerGeometry();
}

void ChartCanvas::updateMarkerGeometry() {
  for (int i = 0; i < markers_.size(); ++i)
    markers_[i]->replace(QList<QPointF>{{markerXs_[i], y0_}, {markerXs_[i], y1_}});
}

void ChartCanvas::clearAll() {
  chart_->removeAllSeries();
  lines_.clear();
  bands_.clear();
  markers_.clear();
  markerXs_.clear();
}

void ChartCanvas::setTitle(const QString& title) { chart_->setTitle(title); }
void ChartCanvas::setXTitle(const QString& title) { xAxis_->setTitleText(title); }

void ChartCanvas::setXRange(double x0, double x1, bool nice) {
  if (x1 <= x0) x1 = x0 + 1.0;
  xAxis_->setRange(x0, x1);
  if (nice) xAxis_->applyNiceNumbers();
}

void ChartCanvas::setYRange(double y0, double y1) {
  if (logY_) {
    y0 = std::max(y0, 1e-12);
    y1 = std::max(y1, y0 * 10.0);
  } else if (y1 <= y0) {
    y0 -= 0.5;
    y1 += 0.5;
  }
  y0_ = y0;
  y1_ = y1;
  yAxis_->setRange(y0, y1);
  if (auto* v = qobject_cast<QValueAxis*>(yAxis_)) {
    v->applyNiceNumbers();
    y0_ = v->min();
    y1_ = v->max();
  }
  updateMarkerGeometry();
}

void ChartCanvas::setLogY(bool logY) {
  if (logY == logY_) return;
  logY_ = logY;
  if (logY) {
    auto* axis = new QLogValueAxis(chart_);
    axis->setBase(10.0);
    attach(axis);
  } else {
    attach(new QValueAxis(chart_));
  }
}

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
