#include <QtTest/QtTest>

#include <memory>
#include <vector>

#include "core/store/PhaseInfo.h"
#include "viewers/chart/ChartCanvas.h"
#include "viewers/chart/MetricChartWidget.h"
#include "viewers/chart/MetricSeries.h"
#include "viewers/chart/PhaseAlignment.h"

using longrl::store::PhaseInfo;
using longrl::viewers::MetricChartWidget;
using longrl::viewers::MetricSeries;
using longrl::viewers::PhaseAlignment;

namespace {
PhaseInfo phase(int index, std::int64_t start, const char* status) {
  PhaseInfo p;
  p.index = index;
  p.start_step = start;
  p.status = status;
  return p;
}

// Steps 1..n, value = step + base (so a value names its step).
std::unique_ptr<MetricSeries> series(int n, double base) {
  auto s = std::make_unique<MetricSeries>();
  for (int i = 1; i <= n; ++i) s->append(i, 1000.0 + i, base + i);
  return s;
}
}  // namespace

class TestPhaseAlignment : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void offsetsArePhaseStartsMinusOne() {
    // Phase 1 from step 1, phase 2 from 51, phase 3 running from 131, phase 4 not started.
    const std::vector<PhaseInfo> phases{phase(0, 1, "done"), phase(1, 51, "done"), phase(2, 131, "running"),
                                        phase(3, 0, "pending")};
    QCOMPARE(PhaseAlignment::offset(phases, 1, 200).value(), 0.0);   // phase 1: the step axis itself
    QCOMPARE(PhaseAlignment::offset(phases, 2, 200).value(), 50.0);  // step 51 is step 1 of phase 2
    QCOMPARE(PhaseAlignment::offset(phases, 3, 200).value(), 130.0);
    QVERIFY(!PhaseAlignment::offset(phases, 4, 200).has_value());     // pending
    QVERIFY(!PhaseAlignment::offset(phases, 5, 200).has_value());     // no such phase
    QCOMPARE(PhaseAlignment::offset(phases, 0, 200).value(), 130.0);  // the current (running) phase
    QCOMPARE(PhaseAlignment::currentPhase(phases, 200), 2);
    // A finished run: its current phase is the last one started at or before its last step.
    const std::vector<PhaseInfo> done{phase(0, 1, "done"), phase(1, 51, "done"), phase(2, 131, "done")};
    QCOMPARE(PhaseAlignment::currentPhase(done, 100), 1);
    QCOMPARE(PhaseAlignment::offset(done, 0, 100).value(), 50.0);
    QCOMPARE(PhaseAlignment::currentPhase({}, 100), -1);
    QVERIFY(!PhaseAlignment::offset({}, 0, 100).has_value());
  }

  // Two runs whose phase 2 started at steps 51 and 131: on the PhaseStart axis step 60 of the
  // first and step 140 of the second are both x = 10; on the step axis x = 10 is step 10.
  void chartDrawsEachSeriesShiftedByItsOffset() {
    auto a = series(200, 0.0);     // value = step
    auto b = series(300, 1000.0);  // value = 1000 + step
    MetricChartWidget chart;
    chart.resize(700, 300);
    chart.show();
    const int ia = chart.addSeries("a", a.get(), Qt::blue);
    const int ib = chart.addSeries("b", b.get(), Qt::red);
    chart.setXOffset(ia, 50);
    chart.setXOffset(ib, 130);
    QString hover;
    connect(&chart, &MetricChartWidget::hoverText, this, [&hover](const QString& t) { hover = t; });

    chart.redrawNow();
    Q_EMIT chart.canvas()->hoveredAt(QPointF(10, 60), true);  // offsets apply only on PhaseStart
    QVERIFY2(hover.startsWith("a · step 10:"), qPrintable(hover));
    QVERIFY(chart.canvas()->xMax() >= 300 && chart.canvas()->xMin() <= 1);

    chart.setXAxis(MetricChartWidget::XAxis::PhaseStart);
    QVERIFY(chart.xAxis() == MetricChartWidget::XAxis::PhaseStart);
    chart.redrawNow();
    Q_EMIT chart.canvas()->hoveredAt(QPointF(10, 60), true);
    QVERIFY2(hover.startsWith("a · step 60: 60"), qPrintable(hover));
    Q_EMIT chart.canvas()->hoveredAt(QPointF(10, 1140), true);
    QVERIFY2(hover.startsWith("b · step 140: 1140"), qPrintable(hover));
    // The range spans both shifted series: b from 1 - 130 to 300 - 130, a up to 200 - 50.
    const double x0 = chart.canvas()->xMin(), x1 = chart.canvas()->xMax();
    QVERIFY2(x0 <= -129 && x0 > -300 && x1 >= 170 && x1 < 300, qPrintable(QString("%1..%2").arg(x0).arg(x1)));
    QVERIFY(chart.drawnPointCount(ia) > 0 && chart.drawnPointCount(ib) > 0);
  }
};

QTEST_MAIN(TestPhaseAlignment)
#include "TestPhaseAlignment.moc"
