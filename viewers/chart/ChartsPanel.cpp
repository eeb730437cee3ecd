#include "viewers/chart/ChartsPanel.h"

#include <QComboBox>
#include <QDoubleSpinBox>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QResizeEvent>
#include <QScrollArea>
#include <QSet>
#include <QSpinBox>
#include <QStyle>
#include <QVBoxLayout>

#include <algorithm>

#include "viewers/chart/ChartCard.h"
#include "viewers/chart/MetricChartWidget.h"
#include "viewers/chart/MetricPicker.h"
#include "viewers/data/RunSession.h"

namespace longrl::viewers {

QStringList ChartsPanel::defaultMetrics() {
  // val-core first: accuracy on the same held-out examples at each validation pass, greedy and
  // sampled, the curves comparable across phases. critic/gen_score: every sample
  // generated, before dynamic sampling drops the all-right and all-wrong groups; critic/score
  // (verl's) covers only the kept, mixed groups, so it sits near the middle whatever the policy
  // does. actor/ppo_kl: the policy's drift from the rollout policy, logged by every run
  // (actor/kl_loss only with grpo.use_kl_loss, off in the recipe). behavior/*: the reasoning
  // behaviours the rule classifier counts per rollout, beside the reward they should pay for.
  // sft/loss: the warm-up before GRPO (charts of the metrics above say "not logged" until its
  // first step).
  return {QStringLiteral("val-core/all/acc/mean@1"),
          QStringLiteral("val-core/all/acc/mean@4"),  // dataset.val_n 4: the papers' measure, the demo's report
          QStringLiteral("critic/score/mean"),
          QStringLiteral("critic/gen_score/mean"),
          QStringLiteral("behavior/grounding_share/mean"),
          QStringLiteral("behavior/verification/mean"),
          QStringLiteral("behavior/backtracking/mean"),
          QStringLiteral("behavior/subgoal/mean"),
          QStringLiteral("actor/entropy"),
          QStringLiteral("actor/ppo_kl"),
          QStringLiteral("response_length/mean"),
          QStringLiteral("response_length/clip_ratio"),
          QStringLiteral("actor/pg_clipfrac"),
          QStringLiteral("actor/grad_norm"),
          QStringLiteral("actor/lr"),
          QStringLiteral("perf/throughput"),
          QStringLiteral("sft/loss")};
}

QStringList ChartsPanel::restoredMetrics(const QStringList& saved, const QStringList& defaultsWhenSaved,
                                         const QStringList& defaults) {
  if (saved.isEmpty()) return defaults;
  QStringList out;
  for (const QString& m : saved)
    if (defaults.contains(m) || !defaultsWhenSaved.contains(m)) out << m;  // a retired default goes
  for (const QString& m : defaults)
    if (!defaultsWhenSaved.contains(m) && !out.contains(m)) out << m;
  return out;
}

ChartsPanel::ChartsPanel(QWidget* parent) : QWidget(parent) {
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  auto* bar = new QHBoxLayout();
  auto* add = new QPushButton(tr("Add chart…"), this);
  xAxis_ = new QComboBox(this);
  xAxis_->addItems({tr("x: step"), tr("x: wall time"), tr("x: step in phase")});
  xAxis_->setToolTip(
      tr("step in phase: every run's steps counted from the start of the same phase, so that "
         "phase of runs whose earlier phases took different numbers of steps overlays"));
  alignPhase_ = new QSpinBox(this);
  alignPhase_->setRange(0, 99);
  alignPhase_->setPrefix(tr("phase "));
  alignPhase_->setSpecialValueText(tr("current phase"));
  alignPhase_->setToolTip(tr("The phase whose start the runs are aligned at (current: each run's own current phase)"));
  alignPhase_->setVisible(false);
  smoothing_ = new QComboBox(this);
  smoothing_->addItems({tr("no smoothing"), tr("EMA (debiased)"), tr("window average")});
  for (QComboBox* c : {xAxis_, smoothing_}) c->setMinimumContentsLength(4);  // elided in a narrow window
  smoothingValue_ = new QDoubleSpinBox(this);
  smoothingValue_->setToolTip(tr("EMA weight (0-0.999) or window length in points"));
  smoothingValue_->setDecimals(3);
  smoothingValue_->setRange(0.0, 10000.0);
  // Rewards are noisy step to step: smoothed by default (EMA 0.9, the raw line stays drawn
  // faintly underneath), as TensorBoard and W&B do; the choice persists in the settings.
  smoothing_->setCurrentIndex(1);
  smoothingValue_->setValue(0.9);
  auto* reset = new QPushButton(tr("Follow run"), this);
  reset->setToolTip(tr("Show the whole run and follow new steps (double click a chart does the same)"));
  bar->addWidget(add);
  bar->addSpacing(12);
  bar->addWidget(xAxis_);
  bar->addWidget(alignPhase_);
  bar->addWidget(smoothing_);
  bar->addWidget(smoothingValue_);
  bar->addWidget(reset);
  bar->addStretch(1);
  auto* hint = new QLabel(tr("drag: pan · wheel: zoom · shift+drag: zoom to range"), this);
  hint->setWordWrap(true);  // two lines rather than a window wider than a small screen
  bar->addWidget(hint);
  layout->addLayout(bar);

  scroll_ = new QScrollArea(this);
  scroll_->setWidgetResizable(true);
  auto* host = new QWidget(scroll_);
  grid_ = new QGridLayout(host);
  grid_->setContentsMargins(4, 4, 4, 4);
  scroll_->setWidget(host);
  layout->addWidget(scroll_, 1);

  connect(add, &QPushButton::clicked, this, &ChartsPanel::pickCharts);
  auto apply = [this] {
    smoothingValue_->setEnabled(smoothing_->currentIndex() != 0);
    for (auto* c : cards_) applyViewSettings(c);
  };
  connect(xAxis_, &QComboBox::currentIndexChanged, this, [this, apply](int index) {
    alignPhase_->setVisible(index == 2);
    apply();
  });
  connect(alignPhase_, &QSpinBox::valueChanged, this, apply);
  connect(smoothing_, &QComboBox::currentIndexChanged, this, [this, apply](int index) {
    // Sensible starting values: EMA weight 0.9, window of 20 points.
    smoothingValue_->setValue(index == 2 ? 20.0 : 0.9);
    apply();
  });
  connect(smoothingValue_, &QDoubleSpinBox::valueChanged, this, apply);
  connect(reset, &QPushButton::clicked, this, [this] {
    for (auto* c : cards_) c->chart()->resetZoom();
  });
}

namespace {
const QStringList kXAxisNames{QStringLiteral("step"), QStringLiteral("wall"), QStringLiteral("phase")};
const MetricChartWidget::XAxis kXAxes[] = {MetricChartWidget::XAxis::Step, MetricChartWidget::XAxis::WallTime,
                                           MetricChartWidget::XAxis::PhaseStart};
const QStringList kSmoothingNames{QStringLiteral("none"), QStringLiteral("ema"), QStringLiteral("window")};
}  // namespace

ChartsPanel::ViewSettings ChartsPanel::viewSettings() const {
  return {kXAxisNames.value(xAxis_->currentIndex()), kSmoothingNames.value(smoothing_->currentIndex()),
          smoothingValue_->value(), alignPhase_->value()};
}

void ChartsPanel::setViewSettings(const ViewSettings& settings) {
  if (settings.alignPhase >= 0) alignPhase_->setValue(settings.alignPhase);
  if (const int x = kXAxisNames.indexOf(settings.xAxis); x >= 0) xAxis_->setCurrentIndex(x);
  if (const int s = kSmoothingNames.indexOf(settings.smoothing); s >= 0) {
    smoothing_->setCurrentIndex(s);  // resets the value to that kind's starting value
    if (s != 0 && settings.smoothingValue > 0) smoothingValue_->setValue(settings.smoothingValue);
  }
}

void ChartsPanel::applyViewSettings(ChartCard* card) {
  auto* chart = card->chart();
  card->setXAxis(kXAxes[std::clamp(xAxis_->currentIndex(), 0, 2)], alignPhase_->value());
  // Validation metrics are measured on a fixed set every few phases: an EMA over a handful of
  // points only lags them (it drew 0.202 for a run whose last three validations were 0.200).
  const int s = card->metric().startsWith(QLatin1String("val-")) ? 0 : smoothing_->currentIndex();
  double value = smoothingValue_->value();
  if (s == 1) value = std::min(value, 0.999);
  chart->setSmoothing(s == 0 ? MetricChartWidget::Smoothing::None
                             : (s == 1 ? MetricChartWidget::Smoothing::Ema : MetricChartWidget::Smoothing::Window),
                      value);
}

void ChartsPanel::addRun(RunSession* run) {
  if (runs_.contains(run)) return;
  runs_.append(run);
  connect(run, &RunSession::dataChanged, this, [this, run] {
    for (auto* c : cards_)
      if (c->showsRun(run)) c->chart()->notifyDataChanged();
  });
  connect(run, &RunSession::metricsAdded, this, [this](const QStringList& names) {
    for (auto* c : cards_)
      if (std::any_of(names.begin(), names.end(), [c](const QString& n) { return c->drawsMetric(n); }))
        c->setRuns(runs_);
  });
  connect(run, &RunSession::phasesChanged, this, [this] {
    for (auto* c : cards_) c->setRuns(runs_);  // re-attach so the phase markers move
  });
  connect(run, &QObject::destroyed, this, [this, run] { removeRun(run); });
  for (auto* c : cards_) c->setRuns(runs_);
}

void ChartsPanel::removeRun(RunSession* run) {
  if (!runs_.removeOne(run)) return;
  disconnect(run, nullptr, this, nullptr);
  for (auto* c : cards_) c->setRuns(runs_);
}

void ChartsPanel::addChart(const QString& metric) {
  if (metric.isEmpty() || card(metric)) return;
  auto* c = new ChartCard(metric, this);
  cards_.append(c);
  connect(c, &ChartCard::closeRequested, this, [this](ChartCard* which) { removeChart(which->metric()); });
  connect(c, &ChartCard::message, this, &ChartsPanel::message);
  applyViewSettings(c);
  c->setRuns(runs_);
  relayout();
}

void ChartsPanel::removeChart(const QString& metric) {
  ChartCard* c = card(metric);
  if (!c) return;
  cards_.removeOne(c);
  c->deleteLater();
  relayout();
}

QStringList ChartsPanel::chartMetrics() const {
  QStringList out;
  for (auto* c : cards_) out << c->metric();
  return out;
}

void ChartsPanel::setChartMetrics(const QStringList& metrics) {
  for (const QString& m : chartMetrics())
    if (!metrics.contains(m)) removeChart(m);
  for (const QString& m : metrics) addChart(m);
}

ChartCard* ChartsPanel::showChart(const QString& metric) {
  addChart(metric);
  ChartCard* c = card(metric);
  if (!c) return nullptr;
  scroll_->widget()->layout()->activate();  // a card just added has no place in the grid yet
  scroll_->ensureWidgetVisible(c);
  return c;
}

ChartCard* ChartsPanel::card(const QString& metric) const {
  for (auto* c : cards_)
    if (c->metric() == metric) return c;
  return nullptr;
}

QStringList ChartsPanel::availableMetrics() const {
  QSet<QString> names;
  for (auto* r : runs_)
    for (const QString& n : r->metricNames()) names.insert(n);
  QStringList out(names.begin(), names.end());
  out.sort();
  return out;
}

void ChartsPanel::pickCharts() {
  MetricPicker picker(availableMetrics(), this);
  if (picker.exec() != QDialog::Accepted) return;
  for (const QString& m : picker.selectedMetrics()) addChart(m);
}

void ChartsPanel::relayout() {
  while (grid_->count() > 0) delete grid_->takeAt(0);
  columns_ = columnsFor(width());
  for (int i = 0; i < cards_.size(); ++i) grid_->addWidget(cards_[i], i / columns_, i % columns_);
}

// Two columns when two of the widest card's minimum fit beside each other in the scroll area
// (its frame, vertical scroll bar and the grid's margins taken off `width`).
int ChartsPanel::columnsFor(int width) const {
  int card = 1;
  for (auto* c : cards_) card = std::max(card, c->minimumSizeHint().width());
  const int scrollBar = style()->pixelMetric(QStyle::PM_ScrollBarExtent, nullptr, scroll_);
  const QMargins m = grid_->contentsMargins();
  const int room = width - 2 * scroll_->frameWidth() - scrollBar - m.left() - m.right();
  const int spacing = std::max(0, grid_->horizontalSpacing());
  return room >= 2 * card + spacing ? 2 : 1;
}

void ChartsPanel::resizeEvent(QResizeEvent* event) {
  QWidget::resizeEvent(event);
  if (columnsFor(event->size().width()) != columns_) relayout();
}

}  // namespace longrl::viewers
