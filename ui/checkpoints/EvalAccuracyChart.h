#pragma once
#include <QList>
#include <QMap>
#include <QPointF>
#include <QWidget>

#include <map>

#include "ui/checkpoints/EvalResult.h"

class QChart;
class QChartView;
class QComboBox;
class QValueAxis;

namespace longrl::ui {

// Evaluation accuracy (%) against checkpoint step: one line per data source (and the average, dashed,
// when there are several), from each step's latest evaluation. The measure is greedy, mean@k or
// pass@k (a step evaluated with k = 1 has no point on the last two).
class EvalAccuracyChart : public QWidget {
  Q_OBJECT
 public:
  enum class Measure { Greedy, MeanAtK, PassAtK };

  explicit EvalAccuracyChart(QWidget* parent = nullptr);

  void setResults(const QMap<qint64, EvalResult>& latestByStep);
  void setMeasure(Measure measure);
  Measure measure() const { return measure_; }
  // The line of a data source ("average" for the average) as drawn: (step, accuracy in %).
  QList<QPointF> points(const QString& line) const;
  QStringList lines() const;
  QChart* chart() const { return chart_; }

 private:
  void redraw();
  void fitXAxis(const std::map<QString, QList<QPointF>>& lines);

  QComboBox* measureBox_;
  QChartView* view_;
  QChart* chart_;
  QValueAxis* xAxis_;
  QValueAxis* yAxis_;
  QMap<qint64, EvalResult> results_;
  Measure measure_ = Measure::Greedy;
};

}  // namespace longrl::ui
