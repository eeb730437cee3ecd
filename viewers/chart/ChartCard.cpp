#include "viewers/chart/ChartCard.h"

#include <QActionGroup>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QLabel>
#include <QMenu>
#include <QRegularExpression>
#include <QToolButton>
#include <QVBoxLayout>

#include "viewers/chart/ChartCanvas.h"
#include "viewers/chart/MetricChartWidget.h"
#include "viewers/chart/PhaseAlignment.h"
#include "viewers/data/RunSession.h"

namespace longrl::viewers {

namespace {
// Colours of overlaid runs (Okabe-Ito: distinguishable with colour-vision deficiencies).
const QColor kRunColors[] = {QColor(0, 114, 178), QColor(213, 94, 0),   QColor(0, 158, 115), QColor(204, 121, 167),
                             QColor(230, 159, 0), QColor(86, 180, 233), QColor(0, 0, 0)};

bool endsWith(const QString& s, const QString& suffix) { return s.endsWith(suffix); }

// Validation accuracies are shares of a few dozen or hundred examples: their axis spans at least
// this, so a change of an example or two is not drawn as a climb over the chart's full height.
constexpr double kValidationMinimumSpan = 0.1;

// Per-sample rewards (a rule's 0/1, less an overlong penalty): their min and max are 0 and 1 at
// nearly every step, or the worst penalty of the batch, never the spread of the policy's reward.
// Their band starts hidden; other bands follow BandRule.
bool isReward(const QString& metric) {
  for (const char* prefix : {"critic/score/", "critic/gen_score/", "critic/rewards/"})
    if (metric.startsWith(QLatin1String(prefix))) return true;
  return false;
}

// The standard error logged beside a validation mean: .../mean@n -> .../sem@n (Validator).
QString errorMetricOf(const QString& metric) {
  static const QRegularExpression mean(QStringLiteral("^(val-[^/]+/.+)/mean@(\\d+)$"));
  const auto m = mean.match(metric);
  return m.hasMatch() ? m.captured(1) + QStringLiteral("/sem@") + m.captured(2) : QString();
}
}  // namespace

ChartCard::ChartCard(QString metric, QWidget* parent) : QWidget(parent), metric_(std::move(metric)) {
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(2, 2, 2, 2);
  layout->setSpacing(0);
  auto* header = new QHBoxLayout();
  auto* title = new QLabel(QStringLiteral("<b>%1</b>").arg(metric_.toHtmlEscaped()), this);
  title->setTextInteractionFlags(Qt::TextSelectableByMouse);
  readout_ = new QLabel(this);
  readout_->setStyleSheet(QStringLiteral("color: palette(mid);"));
  readout_->setMinimumWidth(1);  // a long hover text is cut, not the card (and the grid) widened
  auto* logButton = new QToolButton(this);
  logButton->setText(tr("log"));
  logButton->setCheckable(true);
  logButton->setToolTip(tr("Logarithmic y axis"));
  bandButton_ = new QToolButton(this);
  bandButton_->setText(tr("band"));
  bandButton_->setPopupMode(QToolButton::InstantPopup);
  bandButton_->setToolTip(tr("The min/max band under the mean"));
  auto* bandMenu = new QMenu(bandButton_);
  auto* bandModes = new QActionGroup(bandMenu);
  const std::pair<QString, MetricChartWidget::BandMode> modes[] = {
      {tr("Min/max band where it informs (not a constant strip, e.g. 0..1 of a 0/1 reward)"),
       MetricChartWidget::BandMode::Auto},
      {tr("Always show the min/max band"), MetricChartWidget::BandMode::Shown},
      {tr("Never show the min/max band"), MetricChartWidget::BandMode::Hidden}};
  const auto initialBand = isReward(metric_) ? MetricChartWidget::BandMode::Hidden : MetricChartWidget::BandMode::Auto;
  for (const auto& [text, mode] : modes) {
    QAction* a = bandMenu->addAction(text, this, [this, mode] { chart_->setBandMode(mode); });
    a->setCheckable(true);
    a->setChecked(mode == initialBand);
    bandModes->addAction(a);
  }
  bandButton_->setMenu(bandMenu);
  bandButton_->setVisible(false);  // until a run with a band is attached
  auto* exportButton = new QToolButton(this);
  exportButton->setText(tr("export"));
  exportButton->setPopupMode(QToolButton::InstantPopup);
  auto* menu = new QMenu(exportButton);
  menu->addAction(tr("PNG image…"), this, [this] { exportAs(QStringLiteral("png")); });
  menu->addAction(tr("SVG image…"), this, [this] { exportAs(QStringLiteral("svg")); });
  menu->addAction(tr("CSV (full resolution)…"), this, [this] { exportAs(QStringLiteral("csv")); });
  exportButton->setMenu(menu);
  auto* closeButton = new QToolButton(this);
  closeButton->setText(QStringLiteral("✕"));
  closeButton->setToolTip(tr("Remove this chart"));
  header->addWidget(title);
  header->addStretch(1);
  header->addWidget(readout_);
  header->addWidget(bandButton_);
  header->addWidget(logButton);
  header->addWidget(exportButton);
  header->addWidget(closeButton);
  layout->addLayout(header);

  chart_ = new MetricChartWidget(this);
  chart_->setMinimumHeight(220);
  chart_->setBandMode(initialBand);
  if (metric_.startsWith(QLatin1String("val-"))) chart_->setMinimumYSpan(kValidationMinimumSpan);
  layout->addWidget(chart_, 1);

  connect(logButton, &QToolButton::toggled, chart_, &MetricChartWidget::setLogY);
  connect(closeButton, &QToolButton::clicked, this, [this] { Q_EMIT closeRequested(this); });
  connect(chart_, &MetricChartWidget::hoverText, this,
          [this](const QString& text) { readout_->setText(QString(text).replace('\n', QStringLiteral("  "))); });
}

bool ChartCard::showsRun(const RunSession* run) const { return shown_.contains(run); }

bool ChartCard::drawsMetric(const QString& name) const {
  if (name == metric_) return true;
  if (metric_.endsWith(QLatin1String("/mean"))) {
    const QString stem = metric_.chopped(4);
    if (name == stem + QStringLiteral("min") || name == stem + QStringLiteral("max")) return true;
  }
  const QString errors = errorMetricOf(metric_);
  return !errors.isEmpty() && name == errors;
}

QString ChartCard::readoutText() const { return readout_->text(); }

void ChartCard::setXAxis(MetricChartWidget::XAxis axis, int alignPhase) {
  const bool aligned = axis == MetricChartWidget::XAxis::PhaseStart;
  if (axis == axis_ && (!aligned || alignPhase == alignPhase_)) return;
  axis_ = axis;
  alignPhase_ = alignPhase;
  chart_->setXAxis(axis);
  if (aligned)
    chart_->canvas()->setXTitle(alignPhase > 0 ? tr("step in phase %1").arg(alignPhase)
                                               : tr("step in each run's current phase"));
  setRuns(runs_);
}

void ChartCard::setRuns(const QList<RunSession*>& runs) {
  runs_ = runs;
  chart_->clearSeries();
  shown_.clear();
  const std::string name = metric_.toStdString();
  const bool aligned = axis_ == MetricChartWidget::XAxis::PhaseStart && !metric_.startsWith(QLatin1String("sft/"));
  QList<double> boundaries;
  QStringList labels, notInPhase;
  int colorIndex = 0;
  bool anyBand = false;
  const std::string errorName = errorMetricOf(metric_).toStdString();
  for (RunSession* run : runs) {
    const QColor color = kRunColors[colorIndex++ % (sizeof(kRunColors) / sizeof(kRunColors[0]))];
    const MetricSeries* series = run->series(name);
    if (!series) continue;
    const auto offset =
        aligned ? PhaseAlignment::offset(run->phases(), alignPhase_, run->lastStep()) : std::optional<double>(0.0);
    if (!offset) {
      notInPhase << run->name();
      continue;
    }
    const int id = chart_->addSeries(runs.size() > 1 ? run->name() : metric_, series, color);
    chart_->setXOffset(id, *offset);
    shown_.append(run);
    // A mean gets its min/max band when the run logs them (critic/score/{mean,min,max}).
    if (endsWith(metric_, QStringLiteral("/mean"))) {
      const std::string stem = name.substr(0, name.size() - 4);
      const MetricSeries* lo = run->series(stem + "min");
      const MetricSeries* hi = run->series(stem + "max");
      if (lo && hi) chart_->setBand(id, lo, hi);
      anyBand = anyBand || (lo && hi);
    }
    if (const MetricSeries* errors = errorName.empty() ? nullptr : run->series(errorName))
      chart_->setErrors(id, errors);
    if (boundaries.isEmpty()) {
      for (const auto& p : run->phases()) {
        if (p.index == 0 || p.status == "pending") continue;
        boundaries << static_cast<double>(p.start_step) - *offset;
        labels << (p.name.empty() ? tr("phase %1").arg(p.index + 1) : QString::fromStdString(p.name));
      }
    }
  }
  bandButton_->setVisible(anyBand);
  chart_->setPhaseBoundaries(boundaries, labels);
  chart_->notifyDataChanged();
  // An empty plot alone reads as "zero" or "broken"; say why it is empty (e.g. actor/kl_loss
  // when the run trains without the KL loss, or a metric picked for another run).
  QString why;
  if (!notInPhase.isEmpty())
    why = (alignPhase_ > 0 ? tr("not in phase %1 yet: %2").arg(alignPhase_) : tr("no phase started yet: %1"))
              .arg(notInPhase.join(QStringLiteral(", ")));
  else if (shown_.isEmpty() && !runs.isEmpty()) why = tr("not logged by the open runs");
  readout_->setText(why);
}

void ChartCard::exportAs(const QString& format) {
  QString base = metric_;
  base.replace('/', '_');
  const QString path = QFileDialog::getSaveFileName(this, tr("Export %1").arg(metric_), base + '.' + format,
                                                    format.toUpper() + QStringLiteral(" (*.") + format + ')');
  if (path.isEmpty()) return;
  QString error;
  bool ok = false;
  if (format == QLatin1String("png")) ok = chart_->exportPng(path);
  else if (format == QLatin1String("svg")) ok = chart_->exportSvg(path);
  else ok = chart_->exportCsv(path, &error);
  Q_EMIT message(ok ? tr("Exported %1 to %2").arg(metric_, path)
                    : (error.isEmpty() ? tr("Could not write %1").arg(path) : error));
}

}  // namespace longrl::viewers
