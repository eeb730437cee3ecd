#include <QtTest/QtTest>

#include <QApplication>
#include <QFile>
#include <QImage>

#include <cmath>
#include <memory>
#include <random>
#include <vector>

#include "support/SyntheticRun.h"
#include "support/TestPaths.h"
#include "viewers/chart/ChartCanvas.h"
#include "viewers/chart/ChartCard.h"
#include "viewers/chart/MetricChartWidget.h"
#include "viewers/chart/MetricSeries.h"
#include "viewers/chart/SeriesDecimator.h"
#include "viewers/chart/SeriesSmoother.h"
#include "viewers/data/RunSession.h"

using longrl::viewers::MetricChartWidget;
using longrl::viewers::MetricSeries;
using longrl::viewers::SeriesSmoother;

namespace {
std::unique_ptr<MetricSeries> makeSeries(int n, double offset) {
  auto s = std::make_unique<MetricSeries>();
  for (int i = 0; i < n; ++i) s->append(i, 1000.0 + i * 0.5, std::sin(i * 0.001) + offset + (i % 5000 == 0 ? 3 : 0));
  return s;
}

bool sameValues(const std::vector<double>& a, const std::vector<double>& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (std::isnan(a[i]) ? !std::isnan(b[i]) : a[i] != b[i]) return false;
  return true;
}

// Pixels that differ between two images of the same size inside `r`.
int differingPixels(const QImage& a, const QImage& b, const QRect& r) {
  int n = 0;
  for (int y = std::max(0, r.top()); y <= std::min(a.height() - 1, r.bottom()); ++y)
    for (int x = std::max(0, r.left()); x <= std::min(a.width() - 1, r.right()); ++x)
      if (a.pixel(x, y) != b.pixel(x, y)) ++n;
  return n;
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

  // Several long series are decimated and smoothed on all cores at once: each comes out as it does
  // alone.
  void seriesDecimatedTogetherComeOutAsAlone() {
    std::vector<std::unique_ptr<MetricSeries>> series;
    for (int k = 0; k < 4; ++k) series.push_back(makeSeries(120000 + 1000 * k, 0.1 * k));
    MetricChartWidget chart;
    chart.resize(900, 500);
    chart.show();
    chart.setSmoothing(MetricChartWidget::Smoothing::Ema, 0.9);
    std::vector<int> ids;
    for (auto& s : series) ids.push_back(chart.addSeries("run", s.get(), Qt::blue));
    chart.redrawNow();
    QCoreApplication::processEvents();  // the axes settle (the plot width follows the tick labels)
    chart.redrawNow();
    const int pixels = chart.canvas()->plotWidthPixels();
    for (std::size_t k = 0; k < series.size(); ++k) {
      const auto& s = *series[k];
      const auto alone =
          longrl::viewers::SeriesDecimator::decimate(s.steps().data(), s.values().data(), s.size(),
                                                     chart.canvas()->xMin(), chart.canvas()->xMax(), pixels);
      QCOMPARE(chart.drawnPointCount(ids[k]), static_cast<int>(alone.size()));
      QVERIFY(sameValues(chart.smoothedValues(ids[k]), SeriesSmoother::debiasedEma(s.values(), 0.9)));
    }
  }

  // A run's first validation is one point: it is drawn as a dot (a one-point line drew nothing).
  void aSinglePointIsDrawn() {
    MetricSeries s;
    s.append(0, 1000.0, 0.208);
    MetricChartWidget chart;
    chart.resize(500, 300);
    chart.show();
    chart.addSeries("val", &s, QColor(0, 0, 255));
    for (int i = 0; i < 3; ++i) {
      chart.redrawNow();
      QTest::qWait(30);
    }
    const QImage image = chart.canvas()->grab().toImage();
    const QRectF area = chart.canvas()->plotArea();
    const double dpr = image.devicePixelRatio();
    int blue = 0;
    for (int y = int(area.top() * dpr); y < int(area.bottom() * dpr); ++y)
      for (int x = int(area.left() * dpr); x < int(area.right() * dpr); ++x) {
        const QColor c = image.pixelColor(x, y);
        blue += c.blue() > 200 && c.red() < 120 && c.green() < 120 ? 1 : 0;
      }
    QVERIFY2(blue >= 6, qPrintable(QString::number(blue)));
    // Step 0 is the axis's left edge: the dot is drawn whole, its left half over the axis line.
    int outside = 0;
    for (int y = int(area.top() * dpr); y < int(area.bottom() * dpr); ++y)
      for (int x = int((area.left() - 4) * dpr); x < int(area.left() * dpr); ++x) {
        const QColor c = image.pixelColor(x, y);
        outside += c.blue() > 200 && c.red() < 120 && c.green() < 120 ? 1 : 0;
      }
    QVERIFY2(outside >= 3, qPrintable(QString::number(outside)));
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

  // Relayouting the chart on every redraw was most of its cost: a redraw that does not move the
  // (rounded) ranges must leave the axes alone, one that does must update them.
  void unchangedRangesDoNotRelayout() {
    auto a = makeSeries(1000, 0);
    MetricChartWidget chart;
    chart.resize(800, 400);
    chart.show();
    chart.addSeries("run", a.get(), Qt::blue);
    chart.redrawNow();
    const int before = chart.canvas()->axisChanges();
    QVERIFY(before > 0);
    chart.redrawNow();
    chart.redrawNow();
    QCOMPARE(chart.canvas()->axisChanges(), before);
    a->append(1000, 2000, std::sin(1.0));  // still inside the rounded x range [0, 1000]
    chart.redrawNow();
    QCOMPARE(chart.canvas()->axisChanges(), before);
    QCOMPARE(chart.canvas()->xMax(), 1000.0);
    a->append(1500, 2250, 7.5);  // beyond both ranges
    chart.redrawNow();
    QVERIFY(chart.canvas()->axisChanges() > before);
    QVERIFY(chart.canvas()->xMax() >= 1500.0);
    // A user zoom is kept as it is (no rounding), and redrawing it does not touch the axes again.
    chart.canvas()->setXRange(100.5, 200.25);
    Q_EMIT chart.canvas()->userChangedXRange(100.5, 200.25);
    chart.redrawNow();
    QCOMPARE(chart.canvas()->xMin(), 100.5);
    QCOMPARE(chart.canvas()->xMax(), 200.25);
    const int zoomed = chart.canvas()->axisChanges();
    chart.redrawNow();
    QCOMPARE(chart.canvas()->axisChanges(), zoomed);
  }

  // The chart extends its smoothing as a live series grows; what it draws must stay equal to
  // smoothing the whole series again, also after a late point lands in the middle.
  void aFlatSeriesGetsARangeInItsOwnScale() {
    for (const double v : {0.075, 1e-6, -3.0, 0.0}) {
      MetricSeries flat;
      for (int i = 0; i < 50; ++i) flat.append(i, i, v);
      MetricChartWidget chart;
      chart.resize(800, 400);
      chart.show();
      chart.addSeries("flat", &flat, Qt::blue);
      chart.redrawNow();
      const double lo = chart.canvas()->yMin(), hi = chart.canvas()->yMax();
      QVERIFY2(lo < v && v < hi, qPrintable(QStringLiteral("%1: %2..%3").arg(v).arg(lo).arg(hi)));
      // The value is not lost in a range many times its size (0.075 used to get -0.6..0.6).
      const double most = v == 0.0 ? 1.25 : 0.6 * std::abs(v);  // zero has no scale: about +-0.5
      QVERIFY2(hi - lo <= most, qPrintable(QStringLiteral("%1: %2..%3").arg(v).arg(lo).arg(hi)));
    }
  }

  void liveSmoothingEqualsFullRecomputation() {
    MetricSeries s;
    MetricChartWidget chart;
    chart.resize(640, 360);
    const int id = chart.addSeries("run", &s, Qt::blue);
    std::mt19937 rng(4);
    std::uniform_real_distribution<double> u(-1, 1);
    int step = 0;
    auto grow = [&](int n) {
      for (int i = 0; i < n; ++i, step += 2)
        s.append(step, step, rng() % 31 == 0 ? std::nan("") : u(rng) + step * 1e-3);
    };
    for (const auto& [kind, parameter] :
         {std::pair{MetricChartWidget::Smoothing::Ema, 0.95}, std::pair{MetricChartWidget::Smoothing::Window, 9.0}}) {
      chart.setSmoothing(kind, parameter);
      for (int round = 0; round < 30; ++round) {
        grow(int(rng() % 300));
        if (round == 20) s.append(7, 7, 100.0);  // a late point: everything after it changes
        chart.redrawNow();
        const auto expected = kind == MetricChartWidget::Smoothing::Ema
                                  ? SeriesSmoother::debiasedEma(s.values(), parameter)
                                  : SeriesSmoother::windowAverage(s.values(), int(parameter));
        QVERIFY2(sameValues(chart.smoothedValues(id), expected), qPrintable(QString("round %1").arg(round)));
      }
    }
    chart.setSmoothing(MetricChartWidget::Smoothing::None, 0);
    chart.redrawNow();
    QVERIFY(chart.smoothedValues(id).empty());
  }

  // Phase boundaries are labelled with the phase name, at the top of the plot beside the line.
  void chartCardDrawsPhaseLabels() {
    const std::string dir = longrl::test::freshTempDir("chart-phases");
    longrl::test::SyntheticRunOptions o;
    o.steps = 3000;
    longrl::test::writeSyntheticRun(dir, o);
    longrl::viewers::RunSession run(QString::fromStdString(dir), QStringLiteral("local"), nullptr, 20);
    QTRY_VERIFY_WITH_TIMEOUT(run.caughtUp(), 10000);
    longrl::viewers::ChartCard card("critic/score/mean");
    card.resize(760, 360);
    card.show();
    card.setRuns({&run});
    QVERIFY(card.readoutText().isEmpty());
    {
      longrl::viewers::ChartCard absent("actor/not_logged_here");
      absent.setRuns({&run});
      QCOMPARE(absent.readoutText(), QString("not logged by the open runs"));
      absent.setRuns({});
      QVERIFY(absent.readoutText().isEmpty());  // no run open: nothing to explain
    }
    card.chart()->setSmoothing(MetricChartWidget::Smoothing::Ema, 0.9);
    // Let the layout settle (tick labels set the plot width, which the lines are decimated for).
    for (int i = 0; i < 3; ++i) {
      card.chart()->redrawNow();
      QTest::qWait(60);
    }
    const QImage labelled = card.grab().toImage();
    if (qEnvironmentVariableIsSet("LONGRL_SCREENSHOT_DIR"))
      labelled.save(qEnvironmentVariable("LONGRL_SCREENSHOT_DIR") + QStringLiteral("/chart-card-phases.png"));

    // Same markers without names: only the label boxes may differ, right of each boundary line.
    QList<double> steps;
    for (const auto& p : run.phases())
      if (p.index > 0) steps << double(p.start_step);
    QCOMPARE(steps.size(), 2);
    card.chart()->setPhaseBoundaries(steps, {QString(), QString()});
    card.chart()->redrawNow();
    QTest::qWait(60);
    const QImage bare = card.grab().toImage();
    QCOMPARE(bare.size(), labelled.size());

    auto* canvas = card.chart()->canvas();
    const QPoint offset = canvas->mapTo(&card, QPoint(0, 0));
    const QRectF area = canvas->plotArea().translated(offset);
    const double dpr = labelled.devicePixelRatio();
    for (double step : steps) {
      const double x = area.left() + (step - canvas->xMin()) / (canvas->xMax() - canvas->xMin()) * area.width();
      const QRect right(int(x * dpr) + 1, int(area.top() * dpr), int(60 * dpr), int(20 * dpr));
      const QRect left(int((x - 60) * dpr), int(area.top() * dpr), int(58 * dpr), int(20 * dpr));
      QVERIFY2(differingPixels(labelled, bare, right) > 30, qPrintable(QString("no label right of step %1").arg(step)));
      QCOMPARE(differingPixels(labelled, bare, left), 0);
    }
    // Nothing else changed: the bottom of the plot is identical.
    const QRect bottom(int(area.left() * dpr), int((area.bottom() - 40) * dpr), int(area.width() * dpr), int(30 * dpr));
    QCOMPARE(differingPixels(labelled, bare, bottom), 0);
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
