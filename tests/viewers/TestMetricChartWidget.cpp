#include <QtTest/QtTest>

#include <QApplication>
#include <QFile>
#include <QImage>

#include <cmath>
#include <memory>
#include <vector>

#include "support/TestPaths.h"
#include "viewers/chart/ChartCanvas.h"
#include "viewers/chart/MetricChartWidget.h"
#include "viewers/chart/MetricSeries.h"

using longrl::viewers::MetricChartWidget;
using longrl::viewers::MetricSeries;

namespace {
std::unique_ptr<MetricSeries> makeSeries(int n, double offset) {
  auto s = std::make_unique<MetricSeries>();
  for (int i = 0; i < n; ++i) s->append(i, 1000.0 + i * 0.5, std::sin(i * 0.001) + offset + (i % 5000 == 0 ? 3 : 0));
  return s;
}
}  // namespace

class TestMetricChartWidget : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void drawsDecimatedLinesWithinPixelBudget() {
    auto a = makeSeries(200000, 0), b = makeSeries(150000, 1);
    MetricChartWidget chart;
    chart.resize(900, 500);
    chart.show();
    const int ia = chart.addSeries("run-a", a.get(), Qt::blue);
    const int ib = chart.addSeries("run-b", b.get(), Qt::red);
    chart.redrawNow();
    const int pixels = chart.canvas()->plotWidthPixels();
    QVERIFY(pixels > 100);
    QVERIFY(chart.drawnPointCount(ia) <= pixels * 4 + 2);
    QVERIFY(chart.drawnPointCount(ib) > 0);
    QVERIFY(chart.following());
    // Following: the whole run is visible (rounded outward to readable ticks).
    QVERIFY(chart.canvas()->xMin() <= 0.0);
    QVERIFY(chart.canvas()->xMax() >= 199999.0 && chart.canvas()->xMax() < 250000.0);
  }

  void zoomShowsFullResolution() {
    auto a = makeSeries(100000, 0);
    MetricChartWidget chart;
    chart.resize(900, 500);
    chart.show();
    const int id = chart.addSeries("run", a.get(), Qt::blue);
    chart.redrawNow();
    chart.canvas()->setXRange(5000, 5100);
    Q_EMIT chart.canvas()->userChangedXRange(5000, 5100);
    chart.redrawNow();
    QVERIFY(!chart.following());
    QCOMPARE(chart.drawnPointCount(id), 103);  // 101 points in range + one neighbour on each side
    chart.resetZoom();
    chart.redrawNow();
    QVERIFY(chart.following());
  }

  void redrawsAreCoalesced() {
    auto a = makeSeries(10, 0);
    MetricChartWidget chart;
    chart.addSeries("run", a.get(), Qt::blue);
    QTest::qWait(100);
    const int before = chart.redrawCount();
    for (int i = 0; i < 500; ++i) {
      a->append(10 + i, 2000 + i, i);
      chart.notifyDataChanged();
    }
    QTest::qWait(150);
    QCOMPARE(chart.redrawCount(), before + 1);
  }

  void smoothingAndLogScaleAndBands() {
    auto mean = makeSeries(5000, 2), lo = makeSeries(5000, 1), hi = makeSeries(5000, 3);
    MetricChartWidget chart;
    chart.resize(800, 400);
    const int id = chart.addSeries("critic/score/mean", mean.get(), Qt::darkGreen);
    chart.setBand(id, lo.get(), hi.get());
    chart.setSmoothing(MetricChartWidget::Smoothing::Ema, 0.9);
    chart.setPhaseBoundaries({2000, 4000}, {"phase 2", "phase 3"});
    chart.redrawNow();
    chart.setLogY(true);
    chart.redrawNow();
    chart.setXAxis(MetricChartWidget::XAxis::WallTime);
    chart.redrawNow();
    QCOMPARE(chart.canvas()->xMin(), 0.0);
    QVERIFY(chart.canvas()->xMax() >= 4999 * 0.5 && chart.canvas()->xMax() <= 3000);
  }

  void exportsCsvPngSvg() {
    auto a = makeSeries(1000, 0);
    MetricChartWidget chart;
    chart.resize(640, 360);
    chart.show();
    chart.addSeries("run \"x\"", a.get(), Qt::blue);
    const QString dir = QString::fromStdString(longrl::test::freshTempDir("chart-export"));
    QVERIFY(chart.exportCsv(dir + "/m.csv"));
    QFile csv(dir + "/m.csv");
    QVERIFY(csv.open(QIODevice::ReadOnly));
    const QList<QByteArray> lines = csv.readAll().trimmed().split('\n');
    QCOMPARE(lines.size(), qsizetype(1001));  // header + every point at full resolution
    QVERIFY(lines[1].startsWith("\"run \"\"x\"\"\",0,"));
    QVERIFY(chart.exportPng(dir + "/m.png"));
    QImage image(dir + "/m.png");
    QVERIFY(!image.isNull());
    QVERIFY(chart.exportSvg(dir + "/m.svg"));
    QVERIFY(QFileInfo(dir + "/m.svg").size() > 1000);
    QString error;
    QVERIFY(!chart.exportCsv("/nonexistent-dir/x.csv", &error));
    QVERIFY(error.contains("/nonexistent-dir/x.csv"));
  }
};

QTEST_MAIN(TestMetricChartWidget)
#include "TestMetricChartWidget.moc"
