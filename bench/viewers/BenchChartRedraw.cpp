// Redraw time of a metric chart: 10 series of 1,000,000 points each, whole run visible and zoomed,
// smoothed, and following a live run (points appended before every redraw, as a training run
// does). Prints milliseconds per redraw (decimation + smoothing + axes + handing lines to the plot
// layer, then one paint). Usage: benchchartredraw [POINTS] [SERIES] [PNG]
// PNG, when given, receives the whole-run chart as painted (to look at what was timed).
#include <QApplication>
#include <QElapsedTimer>
#include <QImage>
#include <QPainter>

#include <cmath>
#include <cstdio>
#include <memory>
#include <vector>

#include "bench/BenchArgs.h"
#include "viewers/chart/ChartCanvas.h"
#include "viewers/chart/MetricChartWidget.h"

using longrl::viewers::MetricChartWidget;
using longrl::viewers::MetricSeries;

int main(int argc, char** argv) {
  if (!qEnvironmentVariableIsSet("QT_QPA_PLATFORM")) qputenv("QT_QPA_PLATFORM", "offscreen");
  QApplication app(argc, argv);
  int points = 1000000, seriesCount = 10;
  std::string png;
  // After QApplication, which takes its own options (-platform ...) out of argv.
  longrl::bench::parseArgs(argc, argv, "[POINTS (default 1000000)] [SERIES (default 10)] [PNG]",
                           [&](longrl::cli::ArgList& args) {
                             const auto p = longrl::bench::takePositionals(args, 3);
                             points =
                                 static_cast<int>(longrl::bench::positionalInt(p, 0, "POINTS", 1, 100000000, points));
                             seriesCount =
                                 static_cast<int>(longrl::bench::positionalInt(p, 1, "SERIES", 1, 1000, seriesCount));
                             if (p.size() > 2) png = p[2];
                           });

  std::vector<std::unique_ptr<MetricSeries>> series;
  for (int s = 0; s < seriesCount; ++s) {
    auto m = std::make_unique<MetricSeries>();
    double v = 0;
    for (int i = 0; i < points; ++i) {
      v += std::sin(i * 0.37 + s) * 0.01;
      m->append(i, i * 0.1, v + s);
    }
    series.push_back(std::move(m));
  }
  MetricChartWidget chart;
  chart.resize(1600, 900);
  chart.show();
  for (int s = 0; s < seriesCount; ++s)
    chart.addSeries(QStringLiteral("series %1").arg(s), series[s].get(), QColor::fromHsv(s * 36, 200, 200));
  QImage target(chart.size(), QImage::Format_ARGB32_Premultiplied);

  auto measure = [&](const char* label, auto setup, auto beforeEach) {
    setup();
    chart.redrawNow();                  // warm-up
    QCoreApplication::processEvents();  // lets the chart lay out its new axes, as the event loop would
    const int reps = 10;
    double decimate = 0, paint = 0;
    for (int r = 0; r < reps; ++r) {
      beforeEach();
      chart.redrawNow();
      decimate += chart.lastRedrawMs();
      QElapsedTimer t;
      t.start();
      QPainter p(&target);
      chart.render(&p);
      paint += t.nsecsElapsed() / 1e6;
    }
    std::printf("%-40s decimate+update %7.2f ms   paint %7.2f ms   total %7.2f ms\n", label, decimate / reps,
                paint / reps, (decimate + paint) / reps);
  };
  std::printf("chart redraw: %d series x %d points, 1600x900 widget\n", seriesCount, points);
  const auto nothing = [] {};
  // A live run: every redraw follows 100 new points per series (at 10 steps a second and 25
  // redraws a second, a busy run adds far fewer).
  double next = points;
  const auto appendPoints = [&] {
    for (int s = 0; s < seriesCount; ++s)
      for (int i = 0; i < 100; ++i)
        series[s]->append(next + i, (next + i) * 0.1, s + std::sin((next + i) * 0.37) * 0.01);
    next += 100;
  };
  measure(
      "whole run", [&] { chart.resetZoom(); }, nothing);
  if (!png.empty() && !target.save(QString::fromStdString(png))) std::fprintf(stderr, "cannot write %s\n", png.c_str());
  measure(
      "zoomed to 1% of the run",
      [&] {
        chart.canvas()->setXRange(points * 0.5, points * 0.51);
        Q_EMIT chart.canvas()->userChangedXRange(points * 0.5, points * 0.51);
      },
      nothing);
  measure(
      "whole run, following +100 pts/series", [&] { chart.resetZoom(); }, appendPoints);
  chart.setSmoothing(MetricChartWidget::Smoothing::Ema, 0.95);
  measure("whole run, EMA (unchanged data)", nothing, nothing);
  measure("whole run, EMA, following +100 pts/series", nothing, appendPoints);
  chart.setSmoothing(MetricChartWidget::Smoothing::Window, 50);
  measure("whole run, window 50, following +100 pts", nothing, appendPoints);
  return 0;
}
