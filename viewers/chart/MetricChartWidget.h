#pragma once
#include <QColor>
#include <QLineF>
#include <QList>
#include <QPointF>
#include <QString>
#include <QStringList>
#include <QTimer>
#include <QWidget>

#include <vector>

#include "viewers/chart/MetricSeries.h"
#include "viewers/chart/SeriesSmoother.h"

namespace longrl::viewers {

class ChartCanvas;

// One chart of one or more metric series (several runs overlaid). Holds no data itself: the series
// live in the run's cache at full resolution; this widget decimates what is visible per pixel and
// smooths the full series, then hands lines to the ChartCanvas adapter. Redraws are coalesced on a
// 40 ms single-shot timer, so a run writing thousands of points a second costs at most 25 redraws.
// A series may carry a min/max band (drawn, by default, only where BandRule says it informs: not
// the constant 0..1 strip of a 0/1 reward) and error bars (ErrorBars: a validation mean's standard
// error). The y axis covers the lines, the bands drawn and the error bars, and spans at least
// setMinimumYSpan(), so a small change is not blown up to the chart's full height.
class MetricChartWidget : public QWidget {
  Q_OBJECT
 public:
  // PhaseStart: steps, each series shifted by its x offset (setXOffset), e.g. to overlay a phase
  // of several runs (PhaseAlignment).
  enum class XAxis { Step, WallTime, PhaseStart };
  enum class Smoothing { None, Ema, Window };
  // Auto: a band is drawn where it informs (BandRule); Shown, Hidden: always, never.
  enum class BandMode { Auto, Shown, Hidden };

  explicit MetricChartWidget(QWidget* parent = nullptr);

  void setTitle(const QString& title);
  // `series` is owned by the caller and must outlive the chart (or be removed with clearSeries()).
  int addSeries(const QString& label, const MetricSeries* series, const QColor& color);
  // A min/max band drawn under series `id` (e.g. critic/score/min and /max under /mean).
  void setBand(int id, const MetricSeries* lower, const MetricSeries* upper);
  // Error bars on series `id`: `halfWidths` holds each bar's half-width at the step of its point.
  void setErrors(int id, const MetricSeries* halfWidths);
  void setBandMode(BandMode mode);
  BandMode bandMode() const { return bandMode_; }
  // The y axis spans at least this much (linear axis); where the data lie in [0, 1], so does the
  // widened range. 0: no minimum.
  void setMinimumYSpan(double span);
  // Subtracted from series `id`'s steps (and its band's) on the PhaseStart axis.
  void setXOffset(int id, double offset);
  void clearSeries();
  void setPhaseBoundaries(const QList<double>& steps, const QStringList& labels);
  const QList<double>& phaseBoundaries() const { return phaseSteps_; }

  void setXAxis(XAxis axis);
  XAxis xAxis() const { return xAxis_; }
  void setLogY(bool logY);
  void setSmoothing(Smoothing kind, double parameter);
  Smoothing smoothing() const { return smoothing_; }
  // Back to showing the whole run and following new points.
  void resetZoom();
  bool following() const { return following_; }

  // New points were appended to some series: redraw soon (coalesced).
  void notifyDataChanged();
  void redrawNow();
  double lastRedrawMs() const { return lastRedrawMs_; }
  int redrawCount() const { return redrawCount_; }
  // Visible lines, as drawn (decimated), for tests: raw line of series `id`.
  int drawnPointCount(int id) const;
  // Whether series `id`'s band was drawn by the last redraw, and the error bars it drew (data
  // coordinates), for tests.
  bool bandShown(int id) const;
  QList<QLineF> drawnErrorBars(int id) const;
  // The smoothed values of series `id` as last drawn (empty without smoothing), for tests.
  const std::vector<double>& smoothedValues(int id) const;

  bool exportPng(const QString& path);
  bool exportSvg(const QString& path);
  // Full-resolution data of every series (not the decimated drawing), one row per point.
  bool exportCsv(const QString& path, QString* error = nullptr) const;

  ChartCanvas* canvas() const { return canvas_; }

 Q_SIGNALS:
  void hoverText(const QString& text);

 private:
  struct Entry {
    QString label;
    const MetricSeries* series = nullptr;
    const MetricSeries* bandLower = nullptr;
    const MetricSeries* bandUpper = nullptr;
    const MetricSeries* errors = nullptr;
    int rawLine = -1, smoothLine = -1, band = -1, bars = -1;
    double xOffset = 0.0;
    QColor color;
    // Smoothing of series->values(), extended as the series grows; rebuilt when the series was
    // rewritten (series->rewrites() moved on) or the smoothing changed.
    SeriesSmoother smoother;
    MinMaxBlocks smoothedBlocks;
    std::size_t smoothedRewrites = 0;
    int drawnPoints = 0;
    bool bandShown = false;
    QList<QLineF> drawnBars;
  };
  // The x range a redraw shows (wall time relative to `origin`, the earliest point of all series).
  struct XRange {
    double x0 = 0.0, x1 = 1.0;
    int ticks = 0;  // a NiceScale tick count; 0 keeps the axis' count (a range the user zoomed to)
    double origin = 0.0;
    bool wall = false;
  };
  // One entry's lines, decimated for the plot's width.
  struct Drawn {
    QList<QPointF> raw, smooth, lower, upper;
    QList<QLineF> bars;
    bool bandShown = false;
  };
  const std::vector<double>& xsOf(const MetricSeries& s) const;
  // What is subtracted from the entry's x values to draw them.
  double shiftOf(const Entry& e, const XRange& r) const;
  const std::vector<double>& smoothedOf(Entry& e);
  XRange xRangeToShow();
  QList<QPointF> decimate(const MetricSeries& s, const std::vector<double>& ys, const MinMaxBlocks* blocks,
                          const XRange& r, double shift, int pixels) const;
  void decimateEntry(Entry& e, Drawn& out, const XRange& r, int pixels);
  std::vector<Drawn> decimateAll(const XRange& r, int pixels);
  void setAxes(const XRange& r, const std::vector<Drawn>& drawn);
  void handOver(const std::vector<Drawn>& drawn);
  void rebuildLines();
  void onHover(QPointF position, bool inside);

  ChartCanvas* canvas_;
  QTimer redrawTimer_;
  std::vector<Entry> entries_;
  QList<double> phaseSteps_;
  QStringList phaseLabels_;
  XAxis xAxis_ = XAxis::Step;
  Smoothing smoothing_ = Smoothing::None;
  BandMode bandMode_ = BandMode::Auto;
  double minimumYSpan_ = 0.0;
  double smoothingParameter_ = 0.0;
  bool following_ = true;
  double lastRedrawMs_ = 0.0;
  double wallOrigin_ = 0.0;
  int decimatedWidth_ = 0;  // plot width the last redraw decimated for; 0: nothing was reduced
  int redrawCount_ = 0;
};

}  // namespace longrl::viewers
