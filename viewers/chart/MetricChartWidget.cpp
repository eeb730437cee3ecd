#include "viewers/chart/MetricChartWidget.h"

#include <QCursor>
#include <QElapsedTimer>
#include <QFile>
#include <QTextStream>
#include <QToolTip>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentMap>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <vector>

#include "viewers/chart/BandRule.h"
#include "viewers/chart/ChartCanvas.h"
#include "viewers/chart/ErrorBars.h"
#include "viewers/chart/NiceScale.h"
#include "viewers/chart/SeriesDecimator.h"

namespace longrl::viewers {

namespace {
constexpr int kRedrawDelayMs = 40;
constexpr std::size_t kParallelPoints = 200000;  // all series together

void extendRange(const QList<QPointF>& points, double* lo, double* hi) {
  for (const auto& p : points) {
    if (!std::isfinite(p.y())) continue;
    *lo = std::min(*lo, p.y());
    *hi = std::max(*hi, p.y());
  }
}

// Widens [lo, hi] to `span` around its middle, kept inside [0, 1] when the data are.
void widenTo(double span, double* lo, double* hi) {
  if (!(*hi - *lo < span)) return;
  const double mid = (*lo + *hi) / 2;
  double a = mid - span / 2, b = mid + span / 2;
  if (*lo >= 0.0 && a < 0.0) b -= a, a = 0.0;
  else if (*hi <= 1.0 && b > 1.0) a -= b - 1.0, b = 1.0;
  *lo = a;
  *hi = b;
}
}  // namespace

MetricChartWidget::MetricChartWidget(QWidget* parent) : QWidget(parent), canvas_(new ChartCanvas(this)) {
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->addWidget(canvas_);
  redrawTimer_.setSingleShot(true);
  redrawTimer_.setInterval(kRedrawDelayMs);
  connect(&redrawTimer_, &QTimer::timeout, this, &MetricChartWidget::redrawNow);
  connect(canvas_, &ChartCanvas::userChangedXRange, this, [this](double, double) {
    following_ = false;
    notifyDataChanged();
  });
  connect(canvas_, &ChartCanvas::userResetZoom, this, &MetricChartWidget::resetZoom);
  // Lines are decimated per pixel column: when the plot gets wider or narrower (resize, wider
  // tick labels after a range change), decimate again, unless every line was drawn in full (or
  // nothing is shown).
  connect(canvas_, &ChartCanvas::plotWidthChanged, this, [this](int pixels) {
    if (isVisible() && decimatedWidth_ > 0 && pixels != decimatedWidth_) notifyDataChanged();
  });
  connect(canvas_, &ChartCanvas::hoveredAt, this, &MetricChartWidget::onHover);
  canvas_->setXTitle(tr("step"));
}

void MetricChartWidget::setTitle(const QString& title) { canvas_->setTitle(title); }

int MetricChartWidget::addSeries(const QString& label, const MetricSeries* series, const QColor& color) {
  Entry e;
  e.label = label;
  e.series = series;
  e.color = color;
  entries_.push_back(std::move(e));
  rebuildLines();
  notifyDataChanged();
  return static_cast<int>(entries_.size() - 1);
}

void MetricChartWidget::setBand(int id, const MetricSeries* lower, const MetricSeries* upper) {
  if (id < 0 || id >= static_cast<int>(entries_.size())) return;
  entries_[id].bandLower = lower;
  entries_[id].bandUpper = upper;
  rebuildLines();
  notifyDataChanged();
}

void MetricChartWidget::setErrors(int id, const MetricSeries* halfWidths) {
  if (id < 0 || id >= static_cast<int>(entries_.size())) return;
  entries_[id].errors = halfWidths;
  rebuildLines();
  notifyDataChanged();
}

void MetricChartWidget::setBandMode(BandMode mode) {
  bandMode_ = mode;
  notifyDataChanged();
}

void MetricChartWidget::setMinimumYSpan(double span) {
  minimumYSpan_ = std::max(0.0, span);
  notifyDataChanged();
}

void MetricChartWidget::setXOffset(int id, double offset) {
  if (id < 0 || id >= static_cast<int>(entries_.size())) return;
  entries_[id].xOffset = offset;
  notifyDataChanged();
}

void MetricChartWidget::clearSeries() {
  entries_.clear();
  rebuildLines();
}

void MetricChartWidget::setPhaseBoundaries(const QList<double>& steps, const QStringList& labels) {
  phaseSteps_ = steps;
  phaseLabels_ = labels;
  notifyDataChanged();
}

void MetricChartWidget::setXAxis(XAxis axis) {
  if (axis == xAxis_) return;
  xAxis_ = axis;
  canvas_->setXTitle(axis == XAxis::Step       ? tr("step")
                     : axis == XAxis::WallTime ? tr("wall time (s since start)")
                                               : tr("step in phase"));
  resetZoom();
}

void MetricChartWidget::setLogY(bool logY) {
  canvas_->setLogY(logY);
  notifyDataChanged();
}

void MetricChartWidget::setSmoothing(Smoothing kind, double parameter) {
  smoothing_ = kind;
  smoothingParameter_ = parameter;
  for (auto& e : entries_) e.smoother = SeriesSmoother();  // rebuilt by the next redraw
  rebuildLines();
  notifyDataChanged();
}

void MetricChartWidget::resetZoom() {
  following_ = true;
  notifyDataChanged();
}

void MetricChartWidget::notifyDataChanged() {
  if (!redrawTimer_.isActive()) redrawTimer_.start();
}

const std::vector<double>& MetricChartWidget::xsOf(const MetricSeries& s) const {
  return xAxis_ == XAxis::WallTime ? s.wallTimes() : s.steps();
}

double MetricChartWidget::shiftOf(const Entry& e, const XRange& r) const {
  if (r.wall) return r.origin;
  return xAxis_ == XAxis::PhaseStart ? e.xOffset : 0.0;
}

const std::vector<double>& MetricChartWidget::smoothedOf(Entry& e) {
  const auto& values = e.series->values();
  if (smoothing_ == Smoothing::None) return values;
  const auto kind = smoothing_ == Smoothing::Ema ? SeriesSmoother::Kind::Ema : SeriesSmoother::Kind::Window;
  if (e.smoother.kind() != kind || e.smoother.parameter() != smoothingParameter_ ||
      e.smoothedRewrites != e.series->rewrites() || e.smoother.covered() > values.size()) {
    e.smoother = SeriesSmoother(kind, smoothingParameter_);
    e.smoothedBlocks.clear();
    e.smoothedRewrites = e.series->rewrites();
  }
  // A live series only grows: smooth the new points from the state at the cached tail, so a
  // redraw costs O(new points) here instead of O(series).
  const std::size_t from = e.smoother.covered();
  if (from != values.size()) {
    e.smoother.extend(values);
    e.smoothedBlocks.update(e.smoother.values(), from);
  }
  return e.smoother.values();
}

void MetricChartWidget::rebuildLines() {
  canvas_->clearAll();
  for (auto& e : entries_) {
    e.band = (e.bandLower && e.bandUpper) ? canvas_->addBand(e.label + " min/max", e.color) : -1;
    e.bars = e.errors ? canvas_->addErrorBars(e.color) : -1;
    if (smoothing_ == Smoothing::None) {
      e.rawLine = canvas_->addLine(e.label, e.color, 1.5, true);
      e.smoothLine = -1;
    } else {
      // TensorBoard-style: the raw series faint behind, the smoothed one on top.
      QColor faint = e.color;
      faint.setAlphaF(0.3);
      e.rawLine = canvas_->addLine(e.label + " (raw)", faint, 1.0, false);
      e.smoothLine = canvas_->addLine(e.label, e.color, 2.0, true);
    }
  }
}

void MetricChartWidget::redrawNow() {
  QElapsedTimer timer;
  timer.start();
  redrawTimer_.stop();
  const XRange range = xRangeToShow();
  // Decimate everything and find the y range first, then set the axes, then hand the lines over:
  // Qt Charts recomputes every series' geometry on each axis change, so this order does it once.
  const std::vector<Drawn> drawn = decimateAll(range, canvas_->plotWidthPixels());
  setAxes(range, drawn);
  handOver(drawn);
  if (!range.wall) {
    canvas_->setMarkers(phaseSteps_, phaseLabels_);
  } else {
    canvas_->setMarkers({}, {});  // phase boundaries are known by step; wall-time markers come with the runs panel
  }
  lastRedrawMs_ = static_cast<double>(timer.nsecsElapsed()) / 1e6;
  ++redrawCount_;
}

MetricChartWidget::XRange MetricChartWidget::xRangeToShow() {
  XRange r;
  r.wall = xAxis_ == XAxis::WallTime;
  // Wall time is shown relative to the earliest point of all series.
  double origin = std::numeric_limits<double>::infinity();
  double dataX0 = std::numeric_limits<double>::infinity(), dataX1 = -dataX0;
  for (const auto& e : entries_) {
    if (!e.series || e.series->empty()) continue;
    const auto& xs = xsOf(*e.series);
    const double shift = xAxis_ == XAxis::PhaseStart ? e.xOffset : 0.0;
    dataX0 = std::min(dataX0, xs.front() - shift);
    dataX1 = std::max(dataX1, xs.back() - shift);
    if (r.wall) origin = std::min(origin, xs.front());
  }
  if (!std::isfinite(origin)) origin = 0.0;
  wallOrigin_ = r.origin = origin;
  if (!std::isfinite(dataX0)) dataX0 = dataX1 = 0.0;
  if (!following_) {
    r.x0 = canvas_->xMin();
    r.x1 = canvas_->xMax();
    return r;  // ticks 0: keep the axis' tick count while the user zooms
  }
  r.x0 = r.wall ? 0.0 : dataX0;
  r.x1 = r.wall ? dataX1 - origin : dataX1;
  if (r.x1 <= r.x0) r.x1 = r.x0 + 1.0;
  // The axis shows the range rounded outward to readable ticks: decimate over that, so columns
  // are the plot's pixel columns (over the data range they were narrower: more points, drawn
  // as several a pixel).
  const auto nice = NiceScale::loose(r.x0, r.x1);
  r.x0 = nice.min;
  r.x1 = nice.max;
  r.ticks = nice.ticks;
  return r;
}

QList<QPointF> MetricChartWidget::decimate(const MetricSeries& s, const std::vector<double>& ys,
                                           const MinMaxBlocks* blocks, const XRange& r, double shift,
                                           int pixels) const {
  const auto& xs = xsOf(s);
  const double* lastX = (r.wall ? s.blockLastWallTimes() : s.blockLastSteps()).data();
  const double* subLastX = (r.wall ? s.subBlockLastWallTimes() : s.subBlockLastSteps()).data();
  // Wall-time x is drawn relative to the run's start (a phase-aligned step relative to the phase's
  // start): shift the range in, the points back out.
  auto points = SeriesDecimator::decimate(xs.data(), ys.data(), xs.size(), r.x0 + shift, r.x1 + shift, pixels, blocks,
                                          lastX, subLastX);
  if (shift != 0.0)
    for (auto& p : points) p.setX(p.x() - shift);
  return points;
}

void MetricChartWidget::decimateEntry(Entry& e, Drawn& out, const XRange& r, int pixels) {
  if (!e.series) return;
  const double shift = shiftOf(e, r);
  out.raw = decimate(*e.series, e.series->values(), &e.series->blocks(), r, shift, pixels);
  if (e.smoothLine >= 0) out.smooth = decimate(*e.series, smoothedOf(e), &e.smoothedBlocks, r, shift, pixels);
  if (e.band >= 0 && bandMode_ != BandMode::Hidden) {
    out.lower = decimate(*e.bandLower, e.bandLower->values(), &e.bandLower->blocks(), r, shift, pixels);
    out.upper = decimate(*e.bandUpper, e.bandUpper->values(), &e.bandUpper->blocks(), r, shift, pixels);
    out.bandShown = bandMode_ == BandMode::Shown || BandRule::informs(out.lower, out.upper);
    if (!out.bandShown) out.lower.clear(), out.upper.clear();
  }
  if (e.bars >= 0 && out.raw.size() <= pixels * ErrorBars::kMaxPointsPerPixel)
    out.bars = ErrorBars::of(out.raw, shift, xsOf(*e.errors), *e.errors);
}

std::vector<MetricChartWidget::Drawn> MetricChartWidget::decimateAll(const XRange& r, int pixels) {
  decimatedWidth_ = 0;  // set below when some line depends on the width
  std::size_t totalPoints = 0;
  for (const auto& e : entries_) {
    for (const MetricSeries* s : {e.series, e.band >= 0 ? e.bandLower : nullptr, e.band >= 0 ? e.bandUpper : nullptr}) {
      if (!s) continue;
      totalPoints += s->size();
      if (s->size() > static_cast<std::size_t>(pixels) * 2) decimatedWidth_ = pixels;
    }
  }
  std::vector<Drawn> drawn(entries_.size());
  auto decimateOne = [&](std::size_t k) { decimateEntry(entries_[k], drawn[k], r, pixels); };
  // Entries are independent (each touches only its own series, smoother and output), and a redraw
  // of several long series is bound by memory latency: decimate them on all cores. Short ones are
  // not worth a thread hand-off.
  std::vector<std::size_t> order(entries_.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  if (entries_.size() > 1 && totalPoints >= kParallelPoints) QtConcurrent::blockingMap(order, decimateOne);
  else std::for_each(order.begin(), order.end(), decimateOne);
  return drawn;
}

void MetricChartWidget::setAxes(const XRange& r, const std::vector<Drawn>& drawn) {
  double lo = std::numeric_limits<double>::infinity(), hi = -lo;
  for (const auto& d : drawn) {
    extendRange(d.raw, &lo, &hi);
    extendRange(d.lower, &lo, &hi);
    extendRange(d.upper, &lo, &hi);
    for (const QLineF& bar : d.bars) extendRange({bar.p1(), bar.p2()}, &lo, &hi);
  }
  if (!std::isfinite(lo)) lo = 0.0, hi = 1.0;
  const bool fromZero = minimumYSpan_ > 0 && lo >= 0.0;  // a share (accuracy) is not padded below 0
  if (!canvas_->logY()) widenTo(minimumYSpan_, &lo, &hi);
  const double pad = (hi - lo) * 0.05;
  canvas_->setXRange(r.x0, r.x1, r.ticks);
  if (canvas_->logY()) canvas_->setYRange(lo > 0 ? lo / 1.2 : 1e-6, hi * 1.2);
  else canvas_->setYRange(fromZero ? std::max(0.0, lo - pad) : lo - pad, hi + pad);
}

void MetricChartWidget::handOver(const std::vector<Drawn>& drawn) {
  for (std::size_t k = 0; k < entries_.size(); ++k) {
    auto& e = entries_[k];
    canvas_->setLinePoints(e.rawLine, drawn[k].raw);
    e.drawnPoints = static_cast<int>(drawn[k].raw.size());
    if (e.smoothLine >= 0) canvas_->setLinePoints(e.smoothLine, drawn[k].smooth);
    if (e.band >= 0) canvas_->setBandPoints(e.band, drawn[k].lower, drawn[k].upper);
    e.bandShown = drawn[k].bandShown;
    if (e.bars >= 0) canvas_->setErrorBars(e.bars, drawn[k].bars);
    e.drawnBars = drawn[k].bars;
  }
}

int MetricChartWidget::drawnPointCount(int id) const {
  if (id < 0 || id >= static_cast<int>(entries_.size())) return 0;
  return entries_[id].drawnPoints;
}

bool MetricChartWidget::bandShown(int id) const {
  return id >= 0 && id < static_cast<int>(entries_.size()) && entries_[id].bandShown;
}

QList<QLineF> MetricChartWidget::drawnErrorBars(int id) const {
  if (id < 0 || id >= static_cast<int>(entries_.size())) return {};
  return entries_[id].drawnBars;
}

const std::vector<double>& MetricChartWidget::smoothedValues(int id) const {
  static const std::vector<double> kNone;
  if (id < 0 || id >= static_cast<int>(entries_.size()) || smoothing_ == Smoothing::None) return kNone;
  return entries_[id].smoother.values();
}

void MetricChartWidget::onHover(QPointF position, bool inside) {
  if (!inside) {
    QToolTip::hideText();
    return;
  }
  // The series whose value at the hovered x is closest to the pointer.
  const Entry* best = nullptr;
  std::size_t bestIndex = 0;
  double bestDistance = std::numeric_limits<double>::infinity();
  for (const auto& e : entries_) {
    if (!e.series || e.series->empty()) continue;
    const auto& xs = xsOf(*e.series);
    const double x = position.x() + (xAxis_ == XAxis::WallTime     ? wallOrigin_
                                     : xAxis_ == XAxis::PhaseStart ? e.xOffset
                                                                   : 0.0);
    std::size_t i = static_cast<std::size_t>(std::lower_bound(xs.begin(), xs.end(), x) - xs.begin());
    if (i >= xs.size()) i = xs.size() - 1;
    if (i > 0 && std::abs(xs[i - 1] - x) < std::abs(xs[i] - x)) --i;
    const double d = std::abs(e.series->values()[i] - position.y());
    if (d < bestDistance) {
      bestDistance = d;
      best = &e;
      bestIndex = i;
    }
  }
  if (!best) return;
  QString text = QStringLiteral("%1 · step %2: %3")
                     .arg(best->label)
                     .arg(best->series->steps()[bestIndex])
                     .arg(best->series->values()[bestIndex], 0, 'g', 6);
  if (best->errors) {
    const auto& steps = best->errors->steps();
    const double step = best->series->steps()[bestIndex];
    const auto it = std::lower_bound(steps.begin(), steps.end(), step);
    if (it != steps.end() && *it == step)
      text +=
          QStringLiteral(" ± %1").arg(best->errors->values()[static_cast<std::size_t>(it - steps.begin())], 0, 'g', 3);
  }
  const auto& smoothed = best->smoother.values();
  if (smoothing_ != Smoothing::None && bestIndex < smoothed.size())
    text += QStringLiteral(" (smoothed %1)").arg(smoothed[bestIndex], 0, 'g', 6);
  Q_EMIT hoverText(text);
  QToolTip::showText(QCursor::pos(), text, this);
}

bool MetricChartWidget::exportPng(const QString& path) {
  redrawNow();
  return canvas_->exportPng(path);
}

bool MetricChartWidget::exportSvg(const QString& path) {
  redrawNow();
  return canvas_->exportSvg(path);
}

bool MetricChartWidget::exportCsv(const QString& path, QString* error) const {
  QFile file(path);
  if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate | QIODevice::Text)) {
    if (error) *error = tr("cannot write %1: %2").arg(path, file.errorString());
    return false;
  }
  QTextStream out(&file);
  out << "series,step,wall_time,value\n";
  for (const auto& e : entries_) {
    if (!e.series) continue;
    QString label = e.label;
    label.replace('"', "\"\"");
    const auto& s = *e.series;
    for (std::size_t i = 0; i < s.size(); ++i)
      out << '"' << label << "\"," << s.steps()[i] << ',' << QString::number(s.wallTimes()[i], 'f', 3) << ','
          << QString::number(s.values()[i], 'g', 17) << '\n';
  }
  out.flush();
  if (file.error() != QFileDevice::NoError) {
    if (error) *error = tr("error writing %1: %2").arg(path, file.errorString());
    return false;
  }
  return true;
}

}  // namespace longrl::viewers
