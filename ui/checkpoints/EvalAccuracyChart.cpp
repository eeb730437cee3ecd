#include "ui/checkpoints/EvalAccuracyChart.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QSignalBlocker>
#include <QVBoxLayout>
#include <QtCharts/QChart>
#include <QtCharts/QChartView>
#include <QtCharts/QLineSeries>
#include <QtCharts/QValueAxis>

#include <cmath>
#include <map>

#include "viewers/chart/NiceScale.h"

namespace longrl::ui {

namespace {
constexpr const char* kAverage = "average";

std::optional<double> pick(const eval::EvalNumbers& n, EvalAccuracyChart::Measure m) {
  if (m == EvalAccuracyChart::Measure::Greedy) return n.greedy;
  return m == EvalAccuracyChart::Measure::MeanAtK ? n.meanAtK : n.passAtK;
}
}  // namespace

EvalAccuracyChart::EvalAccuracyChart(QWidget* parent) : QWidget(parent) {
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  auto* header = new QHBoxLayout;
  header->addWidget(new QLabel(tr("Accuracy by checkpoint step:"), this));
  measureBox_ = new QComboBox(this);
  measureBox_->setObjectName(QStringLiteral("measure"));
  measureBox_->addItems({tr("greedy"), tr("mean@k"), tr("pass@k")});
  header->addWidget(measureBox_);
  header->addStretch(1);
  layout->addLayout(header);

  chart_ = new QChart();
  chart_->setAnimationOptions(QChart::NoAnimation);
  chart_->setMargins(QMargins(4, 4, 4, 4));
  chart_->legend()->setAlignment(Qt::AlignBottom);
  xAxis_ = new QValueAxis(chart_);
  xAxis_->setTitleText(tr("checkpoint step"));
  xAxis_->setLabelFormat(QStringLiteral("%.0f"));
  yAxis_ = new QValueAxis(chart_);
  yAxis_->setRange(0, 100);
  yAxis_->setLabelFormat(QStringLiteral("%.0f"));
  // Qt elides tick labels to "..." when it lays them out before the chart has its size (a hidden tab).
  xAxis_->setTruncateLabels(false);
  yAxis_->setTruncateLabels(false);
  chart_->addAxis(xAxis_, Qt::AlignBottom);
  chart_->addAxis(yAxis_, Qt::AlignLeft);
  view_ = new QChartView(chart_, this);
  view_->setRenderHint(QPainter::Antialiasing);
  view_->setMinimumHeight(120);
  layout->addWidget(view_, 1);
  connect(measureBox_, &QComboBox::currentIndexChanged, this, [this](int i) { setMeasure(Measure(i)); });
  redraw();
}

void EvalAccuracyChart::setResults(const QMap<qint64, EvalResult>& latestByStep) {
  results_ = latestByStep;
  redraw();
}

void EvalAccuracyChart::setMeasure(Measure measure) {
  measure_ = measure;
  {
    const QSignalBlocker quiet(measureBox_);
    measureBox_->setCurrentIndex(int(measure));
  }
  redraw();
}

void EvalAccuracyChart::redraw() {
  chart_->removeAllSeries();
  std::map<QString, QList<QPointF>> lines;  // by name: the legend's order
  bool severalSources = false;
  for (const EvalResult& r : results_) {
    severalSources = severalSources || r.report.sources.size() > 1;
    for (const auto& s : r.report.sources)
      if (const auto v = pick(s.acc, measure_)) lines[QString::fromStdString(s.name)] << QPointF(r.step, *v * 100);
  }
  if (severalSources)
    for (const EvalResult& r : results_)
      if (const auto v = pick(r.report.average.acc, measure_))
        lines[QString::fromLatin1(kAverage)] << QPointF(r.step, *v * 100);
  for (const auto& [name, pts] : lines) {
    auto* series = new QLineSeries(chart_);
    series->setName(name);
    series->append(pts);
    series->setPointsVisible(true);
    chart_->addSeries(series);
    series->attachAxis(xAxis_);
    series->attachAxis(yAxis_);
    if (name == QLatin1String(kAverage)) {
      QPen pen = series->pen();
      pen.setStyle(Qt::DashLine);
      series->setPen(pen);
    }
  }
  fitXAxis(lines);
  yAxis_->setTitleText(QStringLiteral("%"));  // the measure is named above the chart
  chart_->setTitle(lines.empty() ? tr("No evaluation to chart yet: Evaluate… a checkpoint") : QString());
}

// Whole steps on readable ticks, with room around the first and last points for their markers.
void EvalAccuracyChart::fitXAxis(const std::map<QString, QList<QPointF>>& lines) {
  double lo = 0, hi = 1;
  bool first = true;
  for (const auto& [name, pts] : lines)
    for (const QPointF& p : pts) {
      lo = first ? p.x() : qMin(lo, p.x());
      hi = first ? p.x() : qMax(hi, p.x());
      first = false;
    }
  const double pad = qMax(1.0, hi - lo) * 0.04;
  auto r = viewers::NiceScale::loose(lo - pad, hi + pad, 5);
  if (r.step < 1) {
    r.min = std::floor(r.min);
    r.max = std::ceil(r.max);
    r.ticks = int(r.max - r.min) + 1;
  }
  xAxis_->setRange(r.min, r.max);
  xAxis_->setTickCount(r.ticks);
}

QList<QPointF> EvalAccuracyChart::points(const QString& line) const {
  for (QAbstractSeries* s : chart_->series())
    if (s->name() == line) return static_cast<QLineSeries*>(s)->points();
  return {};
}

QStringList EvalAccuracyChart::lines() const {
  QStringList out;
  for (QAbstractSeries* s : chart_->series()) out << s->name();
  return out;
}

}  // namespace longrl::ui
