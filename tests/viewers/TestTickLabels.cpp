#include <QtTest/QtTest>

#include <QSet>

#include "viewers/chart/NiceScale.h"
#include "viewers/chart/TickLabels.h"

using longrl::viewers::NiceScale;
using longrl::viewers::TickLabels;

namespace {
QStringList labelsOf(const QList<TickLabels::Tick>& ticks) {
  QStringList out;
  for (const auto& t : ticks) out << t.label;
  return out;
}
}  // namespace

class TestTickLabels : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void zeroIsZero() {
    // A KL or advantage chart: the range straddles zero. Qt's own axis computed the zero tick as
    // -0.01 + 1 * (0.07 / 7) = -3.469e-18.
    const auto range = NiceScale::loose(-0.004, 0.0545);
    QCOMPARE(range.min, -0.01);
    const auto ticks = TickLabels::of(range);
    QCOMPARE(labelsOf(ticks), (QStringList{"-0.01", "0.00", "0.01", "0.02", "0.03", "0.04", "0.05", "0.06"}));
    QCOMPARE(ticks[1].value, 0.0);
    QVERIFY(!std::signbit(ticks[1].value));
    QCOMPARE(ticks.first().value, range.min);
    QVERIFY(std::abs(ticks.last().value - range.max) < 1e-12);
  }

  void decimalsFollowTheStep() {
    QCOMPARE(labelsOf(TickLabels::of(NiceScale::loose(-0.05, 1.05))),
             (QStringList{"-0.2", "0.0", "0.2", "0.4", "0.6", "0.8", "1.0", "1.2"}));
    QCOMPARE(labelsOf(TickLabels::of(NiceScale::loose(0.1985, 0.2085))),
             (QStringList{"0.198", "0.200", "0.202", "0.204", "0.206", "0.208", "0.210"}));
    QCOMPARE(labelsOf(TickLabels::of(NiceScale::loose(3, 1234))), (QStringList{"0", "500", "1000", "1500"}));
  }

  void tinyAndHugeValuesStayDistinct() {
    // A learning rate (1e-6 scale) and a token count near 1e9 in steps of 1e5.
    for (const auto& range : {NiceScale::loose(1e-7, 9.2e-7), NiceScale::loose(1.0e9, 1.0004e9)}) {
      const auto ticks = TickLabels::of(range);
      QVERIFY(ticks.size() >= 3);
      const QStringList labels = labelsOf(ticks);
      QCOMPARE(QSet<QString>(labels.begin(), labels.end()).size(), labels.size());
      for (const auto& t : ticks)
        QVERIFY2(std::abs(t.label.toDouble() - t.value) <= range.step * 1e-6, qPrintable(t.label));
    }
  }

  void aRangeOffTheStepGridKeepsItsStart() {
    NiceScale::Range range;
    range.min = 0.3;
    range.max = 1.3;
    range.ticks = 5;
    range.step = 0.25;
    const auto ticks = TickLabels::of(range);
    QCOMPARE(ticks.size(), 5);
    QCOMPARE(ticks.first().value, 0.3);
    QCOMPARE(ticks.last().value, 1.3);
    QCOMPARE(labelsOf(ticks), (QStringList{"0.3", "0.55", "0.8", "1.05", "1.3"}));
    QVERIFY(TickLabels::of(NiceScale::Range{0.0, 1.0, 5, 0.0}).isEmpty());
  }
};

QTEST_APPLESS_MAIN(TestTickLabels)
#include "TestTickLabels.moc"
