// PhaseProgress: per-phase and whole-run first/last window means of a metric, from a real run store.
#include <QtTest/QtTest>

#include "core/store/PhaseProgress.h"
#include "core/store/RunStore.h"
#include "core/store/RunStoreReader.h"
#include "core/store/RunStoreWriter.h"
#include "support/TestPaths.h"

using namespace longrl::store;

class TestPhaseProgress : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void meansOfTheFirstAndLastStepsOfEachPhase() {
    const auto path = RunStore::fileIn(longrl::test::freshTempDir("progress"));
    {
      RunStoreWriter w(path);
      for (int phase = 0; phase < 3; ++phase) {
        PhaseInfo info;
        info.index = phase;
        info.name = "band " + std::to_string(phase + 1);
        w.writePhase(info);
      }
      // Phase 0: steps 1..10 with value = step / 10; phase 1: 4 steps, falling; phase 2: one step.
      // Written out of step order: the reader's series is by step, whatever the write order.
      for (int step = 10; step >= 1; --step) w.writeMetric({0, step, 0, "score", step / 10.0, 0.0});
      for (int step = 11; step <= 14; ++step) w.writeMetric({0, step, 1, "score", 1.0 - (step - 11) * 0.25, 0.0});
      w.writeMetric({0, 15, 2, "score", 0.5, 0.0});
      w.writeMetric({0, 3, 0, "other", 9.0, 0.0});
      w.flush();
    }
    RunStoreReader reader(path);
    const auto rows = PhaseProgress::of(reader, "score", 3);
    QCOMPARE(rows.size(), size_t(2));  // phase 2 has a single point: no movement to report
    QCOMPARE(rows[0].phase, 0);
    QCOMPARE(rows[0].name, std::string("band 1"));
    QCOMPARE(rows[0].points, int64_t(10));
    QCOMPARE(rows[0].window, 3);
    QVERIFY(qFuzzyCompare(rows[0].first, (0.1 + 0.2 + 0.3) / 3));
    QVERIFY(qFuzzyCompare(rows[0].last, (1.0 + 0.9 + 0.8) / 3));
    // Four points: the window shrinks to two so the two ends do not overlap.
    QCOMPARE(rows[1].window, 2);
    QVERIFY(qFuzzyCompare(rows[1].first, (1.0 + 0.75) / 2));
    QVERIFY(qFuzzyCompare(rows[1].last, (0.5 + 0.25) / 2));
    QVERIFY(PhaseProgress::of(reader, "missing", 3).empty());

    // The whole run: steps 1-3 against steps 13-15, across the phases.
    const auto run = PhaseProgress::ofRun(reader, "score", 3);
    QVERIFY(run.has_value());
    QCOMPARE(run->phase, -1);
    QCOMPARE(run->points, int64_t(15));
    QCOMPARE(run->window, 3);
    QVERIFY(qFuzzyCompare(run->first, (0.1 + 0.2 + 0.3) / 3));
    QVERIFY(qFuzzyCompare(run->last, (0.5 + 0.25 + 0.5) / 3));
    QVERIFY(!PhaseProgress::ofRun(reader, "other", 3).has_value());  // one point
  }
};

QTEST_APPLESS_MAIN(TestPhaseProgress)
#include "TestPhaseProgress.moc"
