#include "viewers/chart/ChartView.h"

#include <QMouseEvent>

#include <QWheelEvent>
#include <QtCharts/QChart>
#include <QtCharts/QValueAxis>
#include <algorithm>

namespace longrl::viewers {

ChartView::ChartView(QChart* chart, QWidget* parent) : QChartView(chart, parent) {
  setRenderHint(QPainter::Antialiasing, false);  // thousands of segments: antialiasing costs more than it shows
  setRubberBand(QChartView::NoRubberBand);
  setMouseTracking(true);
}

void ChartView::wheelEvent(QWheelEvent* event) {
  const auto axes = chart()->axes(Qt::Horizontal);
  if (axes.isEmpty()) return;
  auto* axis = qobject_cast<QValueAxis*>(axes.first());
  if (!axis) return;
  const QRectF area = chart()->plotArea();
  const double frac = area.width() > 0 ? (event->position().x() - area.left()) / area.width() : 0.5;
  const double x0 = axis->min(), x1 = axis->max();
  const double anchor = x0 + (x1 - x0) * std::clamp(frac, 0.0, 1.0);
  const double factor = event->angleDelta().y() > 0 ? 0.8 : 1.25;
  axis->setRange(anchor - (anchor - x0) * factor, anchor + (x1 - anchor) * factor);
  Q_EMIT zoomedOrPanned();
  event->accept();
}

void ChartView::mousePressEvent(QMouseEvent* event) {
  if (event->button() == Qt::LeftButton && (event->modifiers() & Qt::ShiftModifier)) {
    setRubberBand(QChartView::HorizontalRubberBand);  // shift + drag selects a range to zoom to
    QChartView::mousePressEvent(event);
    return;
  }
  if (event->button() == Qt::LeftButton) {
    panning_ = true;
    lastPos_ = event->position();
    event->accept();
    return;
  }
  QChartView::mousePressEvent(event);
}

void ChartView::mouseMoveEvent(QMouseEvent* event) {
  Q_EMIT mouseMovedTo(mapToScene(event->position().toPoint()));
  if (panning_) {
    const QPointF delta = event->position() - lastPos_;
    lastPos_ = event->position();
    chart()->scroll(-delta.x(), 0);
    Q_EMIT zoomedOrPanned();
    event->accept();
    return;
  }
  QChartView::mouseMoveEvent(event);
}

void ChartView::mouseReleaseEvent(QMouseEvent* event) {
  if (panning_ && event->button() == Qt::LeftButton) {
    panning_ = false;
    event->accept();
    return;
  }
  if (event->button() == Qt::LeftButton && rubberBand() != QChartView::NoRubberBand) {
    QChartView::mouseReleaseEvent(event);
    setRubberBand(QChartView::NoRubberBand);
    Q_EMIT zoomedOrPanned();
    return;
  }
  if (event->button() == Qt::RightButton) {
    event->accept();  // QChartView would zoom out on right click; double click resets instead
    return;
  }
  QChartView::mouseReleaseEvent(event);
}

void ChartView::mouseDoubleClickEvent(QMouseEvent* event) {
  Q_EMIT resetRequested();
  event->accept();
}

}  // namespace longrl::viewers
