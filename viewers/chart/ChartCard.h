#pragma once
#include <QList>
#include <QString>
#include <QWidget>

#include "viewers/chart/MetricChartWidget.h"

class QLabel;
class QToolButton;

namespace longrl::viewers {

class RunSession;

// One metric chart in the charts panel: a header (name, band choice, log-scale toggle, export,
// close) over a MetricChartWidget that overlays the metric of every open run. A mean's min/max
// band comes from its .../min and .../max metrics (a reward's starts hidden, see isReward; the
// header's "band" menu chooses); a validation mean's error bars from its
// .../sem@n (val-core/all/acc/mean@1 -> val-core/all/acc/sem@1).
class ChartCard : public QWidget {
  Q_OBJECT
 public:
  ChartCard(QString metric, QWidget* parent = nullptr);

  QString metric() const { return metric_; }
  MetricChartWidget* chart() const { return chart_; }
  // Re-attaches the series of these runs (call when runs open/close or gain this metric).
  void setRuns(const QList<RunSession*>& runs);
  bool showsRun(const RunSession* run) const;
  // Whether the chart draws metric `name`: its own, its band's .../min and .../max, its error bars'
  // .../sem@n. A run that starts logging one of them is attached again.
  bool drawsMetric(const QString& name) const;
  // The x axis. On PhaseStart each run's steps count from the start of its phase `alignPhase`
  // (1-based; 0: each run's current phase; see PhaseAlignment), and a run that has not started it
  // is left out; SFT metrics, numbered apart from the phases, are drawn by step.
  void setXAxis(MetricChartWidget::XAxis axis, int alignPhase = 0);
  // The line beside the title: the hover read-out, or why the chart is empty.
  QString readoutText() const;

 Q_SIGNALS:
  void closeRequested(ChartCard* card);
  void message(const QString& text);

 private:
  void exportAs(const QString& format);

  QString metric_;
  MetricChartWidget* chart_;
  QLabel* readout_;
  QToolButton* bandButton_;
  QList<RunSession*> runs_;
  QList<const RunSession*> shown_;
  MetricChartWidget::XAxis axis_ = MetricChartWidget::XAxis::Step;
  int alignPhase_ = 0;
};

}  // namespace longrl::viewers
