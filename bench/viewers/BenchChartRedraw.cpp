// Redraw time of a metric chart: 10 series of 1,000,000 points each, whole run visible and zoomed.
// Prints milliseconds per redraw (decimation + handing lines to Qt Charts + one paint).
#include <QApplication>
#include <QElapsedTimer>
#include <QImage>
#include <QPainter>

#include <cmath>
#include <cstdio>
#include <memory>
#include <vector>

#include "viewers/chart/ChartCanvas.h"
#include "viewers/chart/MetricChartWidget.h"

using longrl::viewers::MetricChartWidget;
using longrl::viewers::MetricSeries;

int main(int argc, char** argv) {
  if (!qEnvironmentVariableIsSet("QT_QPA_PLATFORM")) qputenv("QT_QPA_PLATFORM", "offscreen");
  QApplication app(argc, argv);
  const int points = argc > 1 ? std::atoi(argv[1]) : 1000000;
  const int seriesCount = argc > 2 ? std::atoi(argv[2]) : 10;

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

  auto measure = [&](const char* label, auto setup) {
    setup();
    chart.redrawNow();  // warm-up
    const int reps = 10;
    double decimate = 0, paint = 0;
    for (int r = 0; r < reps; ++r) {
      chart.redrawNow();
      decimate += chart.lastRedrawMs();
      QElapsedTimer t;
      t.start();
      QPainter p(&target);
      chart.render(&p);
      paint += t.nsecsElapsed() / 1e6;
    }
    std::printf("%-28s decimate+update %7.2f ms   paint %7.2f ms   total %7.2f ms\n", label, decimate / reps,
                paint / reps, (decimate + paint) / reps);
  };
  std::printf("chart redraw: %d series x %d points, 1600x900 widget\n", seriesCount, points);
  measure("whole run", [&] { chart.resetZoom(); });
  measure("zoomed to 1% of the run", [&] {
    chart.canvas()->setXRange(points * 0.5, points * 0.51);
    Q_EMIT chart.canvas()->userChangedXRange(points * 0.5, points * 0.51);
  });
  chart.resetZoom();
  chart.setSmoothing(MetricChartWidget::Smoothing::Ema, 0.95);
  measure("whole run, EMA (cached)", [] {});
  return 0;
}
