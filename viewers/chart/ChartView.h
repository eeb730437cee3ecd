#pragma once
#include <QtCharts/QChartView>

namespace longrl::viewers {

// QChartView with the interactions a training dashboard needs: wheel zooms x around the cursor,
// left drag pans, rubber band (right drag) zooms to a range, double click resets.
class ChartView : public QChartView {
  Q_OBJECT
 public:
  explicit ChartView(QChart* chart, QWidget* parent = nullptr);

 Q_SIGNALS:
  void zoomedOrPanned();
  void resetRequested();
  void mouseMovedTo(QPointF scenePos);

 protected:
  void wheelEvent(QWheelEvent* event) override;
  void mousePressEvent(QMouseEvent* event) override;
  void mouseMoveEvent(QMouseEvent* event) override;
  void mouseReleaseEvent(QMouseEvent* event) override;
  void mouseDoubleClickEvent(QMouseEvent* event) override;

 private:
  bool panning_ = false;
  QPointF lastPos_;
};

}  // namespace longrl::viewers
