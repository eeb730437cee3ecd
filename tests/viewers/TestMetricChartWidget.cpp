#include <QtTest/QtTest>

#include <QApplication>
#include <QFile>
#include <QImage>

#include <cmath>
#include <memory>
#include <random>
#include <vector>

#include "core/store/RunStore.h"
#include "core/store/RunStoreWriter.h"
#include "support/Screenshot.h"
#include "support/SyntheticRun.h"
#include "support/TestPaths.h"
#include "viewers/chart/BandRule.h"
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

// Pixels of roughly `color` inside `r`.
int pixelsLike(const QImage& image, const QColor& color, const QRect& r) {
  int n = 0;
  for (int y = std::max(0, r.top()); y <= std::min(image.height() - 1, r.bottom()); ++y)
    for (int x = std::max(0, r.left()); x <= std::min(image.width() - 1, r.right()); ++x) {
      const QColor c = image.pixelColor(x, y);
      n += std::abs(c.red() - color.red()) + std::abs(c.green() - color.green()) + std::abs(c.blue() - color.blue()) <
                   120
               ? 1
               : 0;
    }
  return n;
}

// Validation points as the trainer writes them: val-core/all/acc/mean@1 and its standard error
// sem@1 at `steps` (the last step of each phase, and step 0).
void writeValidation(const std::string& dir, const std::vector<std::int64_t>& steps, const std::vector<double>& acc,
                     const std::vector<double>& sem) {
  longrl::store::RunStoreWriter w(longrl::store::RunStore::fileIn(dir));
  for (std::size_t i = 0; i < steps.size(); ++i)
    for (const auto& [name, value] :
         {std::pair{"val-core/all/acc/mean@1", acc[i]}, std::pair{"val-core/all/acc/sem@1", sem[i]}}) {
      longrl::store::MetricPoint m;
      m.step = steps[i];
      m.phase = static_cast<int>(i);
      m.name = name;
      m.value = value;
      m.wall_time = 1.7e9 + static_cast<double>(steps[i]) * 42.0 + 1.0;
      w.writeMetric(m);
    }
  w.flush();
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

  // A 0/1 reward's min/max band is 0..1 at nearly every step: left out, and the axis follows the
  // curve. A band that moves (response length) is drawn. The band menu's choices override the rule.
  void bandOnlyWhereItInforms() {
    MetricSeries mean, lo, hi, lenMean, lenLo, lenHi;
    std::mt19937 rng(7);
    std::uniform_real_distribution<double> u(0, 1);
    for (int i = 0; i < 400; ++i) {
      mean.append(i, i, 0.3 + 0.2 * i / 400 + 0.05 * u(rng));
      lo.append(i, i, i % 50 == 0 ? 0.125 : 0.0);  // now and then a batch without a wrong sample
      hi.append(i, i, 1.0);
      const double len = 900 + 2 * i + 100 * u(rng);
      lenMean.append(i, i, len);
      lenLo.append(i, i, len - 300 - 200 * u(rng));
      lenHi.append(i, i, len + 300 + 200 * u(rng));
    }
    MetricChartWidget reward, length;
    for (auto* c : {&reward, &length}) {
      c->resize(640, 360);
      c->show();
    }
    const int r = reward.addSeries("critic/score/mean", &mean, Qt::blue);
    reward.setBand(r, &lo, &hi);
    const int l = length.addSeries("response_length/mean", &lenMean, Qt::blue);
    length.setBand(l, &lenLo, &lenHi);
    reward.redrawNow();
    length.redrawNow();
    QVERIFY(!reward.bandShown(r));
    QVERIFY(length.bandShown(l));
    const auto yRange = [](const MetricChartWidget& c) {
      return QStringLiteral("%1..%2").arg(c.canvas()->yMin()).arg(c.canvas()->yMax());
    };
    QVERIFY2(reward.canvas()->yMin() > 0.1 && reward.canvas()->yMax() < 0.8, qPrintable(yRange(reward)));
    QVERIFY2(length.canvas()->yMin() < 700, qPrintable(yRange(length)));  // the band's low edge is in view
    reward.setBandMode(MetricChartWidget::BandMode::Shown);
    reward.redrawNow();
    QVERIFY(reward.bandShown(r));
    QVERIFY2(reward.canvas()->yMin() <= 0.0 && reward.canvas()->yMax() >= 1.0, qPrintable(yRange(reward)));
    length.setBandMode(MetricChartWidget::BandMode::Hidden);
    length.redrawNow();
    QVERIFY(!length.bandShown(l));
  }

  // The rule's threshold: 80% of both edges at their extremes.
  void bandRuleThreshold() {
    using longrl::viewers::BandRule;
    auto edges = [](int atBound, double bound, double other) {
      QList<QPointF> points;
      for (int i = 0; i < 10; ++i) points.append(QPointF(i, i < atBound ? bound : other));
      return points;
    };
    QVERIFY(!BandRule::informs(edges(10, 0.0, 0.0), edges(10, 1.0, 1.0)));
    QVERIFY(!BandRule::informs(edges(8, 0.0, 0.5), edges(9, 1.0, 0.7)));
    QVERIFY(BandRule::informs(edges(7, 0.0, 0.5), edges(10, 1.0, 1.0)));
    QVERIFY(BandRule::informs(edges(10, 0.0, 0.0), edges(7, 1.0, 0.6)));
    QVERIFY(!BandRule::informs({}, {}));
  }

  // Each validation point carries a bar of its standard error (value ± sem), the axis covers the
  // bars, and the bars are drawn in the series' colour.
  void validationPointsCarryErrorBars() {
    const std::vector<double> steps{0, 40, 100, 200}, acc{0.45, 0.45, 0.475, 0.467}, sem{0.045, 0.05, 0.044, 0.02};
    MetricSeries mean, errors;
    for (std::size_t i = 0; i < steps.size(); ++i) {
      mean.append(steps[i], 1000 + 7 * steps[i], acc[i]);
      errors.append(steps[i], 1000 + 7 * steps[i], sem[i]);
    }
    const QColor color(0, 114, 178);
    MetricChartWidget chart;
    chart.resize(640, 360);
    chart.show();
    const int id = chart.addSeries("val", &mean, color);
    chart.setErrors(id, &errors);
    for (const auto axis : {MetricChartWidget::XAxis::Step, MetricChartWidget::XAxis::WallTime}) {
      chart.setXAxis(axis);
      chart.redrawNow();
      const auto bars = chart.drawnErrorBars(id);
      QCOMPARE(bars.size(), qsizetype(4));
      for (std::size_t i = 0; i < steps.size(); ++i) {
        const QLineF& b = bars[static_cast<qsizetype>(i)];
        QVERIFY(std::abs((b.y2() - b.y1()) / 2 - sem[i]) < 1e-12);
        QVERIFY(std::abs((b.y2() + b.y1()) / 2 - acc[i]) < 1e-12);
        QCOMPARE(b.x1(), b.x2());
      }
    }
    chart.setXAxis(MetricChartWidget::XAxis::Step);
    for (int i = 0; i < 3; ++i) {
      chart.redrawNow();
      QTest::qWait(30);
    }
    auto* canvas = chart.canvas();
    QVERIFY(canvas->yMin() <= 0.45 - 0.05 && canvas->yMax() >= 0.475 + 0.044);
    // The bar at step 100 reaches from 0.431 to 0.519: pixels of the series' colour above and below
    // the line's point, where a chart without the bars has none.
    const QImage image = canvas->grab().toImage();
    const QRectF area = canvas->plotArea();
    const double dpr = image.devicePixelRatio();
    const auto toPixel = [&](double x, double y) {
      return QPointF(area.left() + (x - canvas->xMin()) / (canvas->xMax() - canvas->xMin()) * area.width(),
                     area.bottom() - (y - canvas->yMin()) / (canvas->yMax() - canvas->yMin()) * area.height()) *
             dpr;
    };
    const QPointF top = toPixel(100, 0.475 + 0.035), bottom = toPixel(100, 0.475 + 0.01);
    const QRect above(int(top.x() - 2 * dpr), int(top.y()), int(4 * dpr), int(bottom.y() - top.y()));
    QVERIFY2(pixelsLike(image, color, above) >= 3, qPrintable(QString::number(pixelsLike(image, color, above))));
    chart.setErrors(id, nullptr);
    chart.redrawNow();
    QTest::qWait(30);
    QCOMPARE(chart.drawnErrorBars(id).size(), qsizetype(0));
  }

  // A validation curve that moves by 0.02 is not drawn as a climb over the whole chart: the axis
  // spans at least the minimum, and a share near zero is not padded below it.
  void aSmallChangeIsNotBlownUp() {
    MetricSeries acc, low;
    const double values[] = {0.45, 0.46, 0.47};
    for (int i = 0; i < 3; ++i) {
      acc.append(i * 50, i, values[i]);
      low.append(i * 50, i, 0.01 + 0.01 * i);
    }
    MetricChartWidget plain, spanned, nearZero;
    for (auto* c : {&plain, &spanned, &nearZero}) c->resize(640, 360);
    spanned.setMinimumYSpan(0.1);
    nearZero.setMinimumYSpan(0.1);
    plain.addSeries("val", &acc, Qt::blue);
    spanned.addSeries("val", &acc, Qt::blue);
    nearZero.addSeries("val", &low, Qt::blue);
    for (auto* c : {&plain, &spanned, &nearZero}) c->redrawNow();
    const auto span = [](const MetricChartWidget& c) { return c.canvas()->yMax() - c.canvas()->yMin(); };
    QVERIFY2(span(plain) < 0.05, qPrintable(QString::number(span(plain))));  // what the minimum is for
    QVERIFY2(span(spanned) >= 0.1, qPrintable(QString::number(span(spanned))));
    QVERIFY(0.02 / span(spanned) <= 0.2);
    QVERIFY(spanned.canvas()->yMin() < 0.45 && spanned.canvas()->yMax() > 0.47);
    QCOMPARE(nearZero.canvas()->yMin(), 0.0);
    QVERIFY(nearZero.canvas()->yMax() >= 0.1);
  }

  // The validation chart of a run: error bars from its sem@1, the phase boundaries marked, and the
  // axis' minimum span. Saved as a screenshot under LONGRL_SCREENSHOT_DIR.
  void chartCardDrawsValidationWithErrorBars() {
    const std::string dir = longrl::test::freshTempDir("chart-validation");
    longrl::test::SyntheticRunOptions o;
    o.steps = 300;
    longrl::test::writeSyntheticRun(dir, o);
    writeValidation(dir, {0, 99, 199, 299}, {0.45, 0.45, 0.475, 0.467}, {0.0456, 0.0456, 0.0459, 0.0458});
    longrl::viewers::RunSession run(QString::fromStdString(dir), QStringLiteral("local"), nullptr, 20);
    QTRY_VERIFY_WITH_TIMEOUT(run.caughtUp(), 10000);
    longrl::viewers::ChartCard card("val-core/all/acc/mean@1");
    card.resize(760, 360);
    card.show();
    card.setRuns({&run});
    for (int i = 0; i < 3; ++i) {
      card.chart()->redrawNow();
      QTest::qWait(60);
    }
    const auto bars = card.chart()->drawnErrorBars(0);
    QCOMPARE(bars.size(), qsizetype(4));
    QVERIFY(std::abs((bars[2].y2() - bars[2].y1()) / 2 - 0.0459) < 1e-12);
    QCOMPARE(card.chart()->phaseBoundaries(), QList<double>({100.0, 200.0}));
    QVERIFY(card.chart()->canvas()->yMax() - card.chart()->canvas()->yMin() >= 0.1);
    longrl::test::saveScreenshot(&card, QStringLiteral("chart-validation-error-bars"));

    // A reward's band starts hidden (a 0/1 reward's min and max are its bounds, or the batch's worst
    // overlong penalty); asked for "where it informs", this run's moving min and max are drawn.
    longrl::viewers::ChartCard reward("critic/score/mean");
    reward.resize(760, 360);
    reward.show();
    reward.setRuns({&run});
    reward.chart()->redrawNow();
    QVERIFY(reward.chart()->bandMode() == MetricChartWidget::BandMode::Hidden);
    QVERIFY(!reward.chart()->bandShown(0));
    reward.chart()->setBandMode(MetricChartWidget::BandMode::Auto);
    reward.chart()->redrawNow();
    QVERIFY(reward.chart()->bandShown(0));
    QCOMPARE(reward.chart()->drawnErrorBars(0).size(), qsizetype(0));
    longrl::test::saveScreenshot(&reward, QStringLiteral("chart-reward-band"));

    // A run that starts logging the band's or the bars' metric later has the chart re-attached.
    QVERIFY(card.drawsMetric("val-core/all/acc/sem@1"));
    QVERIFY(!card.drawsMetric("val-core/all/acc/sem@4"));
    QVERIFY(reward.drawsMetric("critic/score/max") && reward.drawsMetric("critic/score/min"));
    QVERIFY(!reward.drawsMetric("critic/score/sem@1"));
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
