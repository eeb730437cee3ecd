#include <QtTest/QtTest>

#include <QAbstractItemModelTester>
#include <QSignalSpy>

#include <atomic>
#include <cmath>
#include <thread>

#include "core/store/RunStore.h"
#include "core/store/RunStoreWriter.h"
#include "support/SyntheticRun.h"
#include "support/TestPaths.h"
#include "viewers/chart/MetricPicker.h"
#include "viewers/data/RunSession.h"

using longrl::viewers::RunSession;

class TestRunSession : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void loadsBacklog() {
    const std::string dir = longrl::test::freshTempDir("session-backlog");
    longrl::test::SyntheticRunOptions o;
    o.steps = 2000;
    const auto written = longrl::test::writeSyntheticRun(dir, o);
    RunSession session(QString::fromStdString(dir), QStringLiteral("local"), nullptr, 20);
    QTRY_VERIFY_WITH_TIMEOUT(session.caughtUp(), 10000);
    QCOMPARE(static_cast<qint64>(session.pointCount()), static_cast<qint64>(written));
    QCOMPARE(session.series("critic/score/mean")->size(), std::size_t(2000));
    QCOMPARE(session.lastStep(), 1999.0);
    QCOMPARE(session.name(), QString("synthetic"));
    QCOMPARE(session.status(), QString("running"));
    QCOMPARE(session.currentPhase(), 2);
    QCOMPARE(static_cast<int>(session.phases().size()), 3);
    QVERIFY(session.metricNames().contains("actor/entropy"));
  }

  void followsAWriterLive() {
    const std::string dir = longrl::test::freshTempDir("session-live");
    const std::string path = longrl::store::RunStore::fileIn(dir);
    {
      longrl::store::RunStoreWriter w(path);  // create the store before the session opens it
    }
    RunSession session(QString::fromStdString(dir), QStringLiteral("local"), nullptr, 10);
    std::atomic<bool> done{false};
    const int steps = 3000;
    std::thread writer([&] {
      longrl::store::RunStoreWriter::Options opts;
      opts.maxBatch = 50;  // many small commits, as a live trainer makes
      longrl::store::RunStoreWriter w(path, opts);
      for (int s = 0; s < steps; ++s) {
        longrl::store::MetricPoint m;
        m.step = s;
        m.name = "actor/entropy";
        m.value = std::sin(s * 0.01);
        m.wall_time = 1000.0 + s;
        w.writeMetric(m);
        if (s % 500 == 0) std::this_thread::sleep_for(std::chrono::milliseconds(5));
      }
      w.flush();
      done = true;
    });
    // While the writer runs, the session must see a growing prefix, in step order.
    std::size_t seen = 0;
    bool grewWhileWriting = false;
    QTRY_VERIFY_WITH_TIMEOUT(
        [&] {
          const auto* s = session.series("actor/entropy");
          const std::size_t n = s ? s->size() : 0;
          if (!done && n > seen && n < std::size_t(steps)) grewWhileWriting = true;
          seen = n;
          return n == std::size_t(steps);
        }(),
        20000);
    writer.join();
    const auto* s = session.series("actor/entropy");
    for (std::size_t i = 0; i < s->size(); ++i) QCOMPARE(s->steps()[i], double(i));
    QVERIFY2(grewWhileWriting || seen == std::size_t(steps), "session never observed a partial run");
  }

  // SFT warm-up steps are numbered on their own: they do not make a run 4 steps into GRPO look
  // 30 steps in (the runs list showed "30" while the charts ended at step 4).
  void sftStepsAreCountedApart() {
    const std::string dir = longrl::test::freshTempDir("session-sft");
    const std::string path = longrl::store::RunStore::fileIn(dir);
    {
      longrl::store::RunStoreWriter w(path);
      auto point = [&](const char* name, int step) {
        longrl::store::MetricPoint m;
        m.step = step;
        m.name = name;
        m.value = 0.5;
        m.wall_time = 1000.0 + step;
        w.writeMetric(m);
      };
      for (int s = 1; s <= 30; ++s) point("sft/loss", s);
      w.flush();
      RunSession session(QString::fromStdString(dir), QStringLiteral("local"), nullptr, 10);
      QTRY_VERIFY_WITH_TIMEOUT(session.lastSftStep() == 30.0, 5000);
      QCOMPARE(session.lastStep(), -1.0);
      for (int s = 1; s <= 4; ++s) point("critic/score/mean", s);
      w.flush();
      QTRY_VERIFY_WITH_TIMEOUT(session.lastStep() == 4.0, 5000);
      QCOMPARE(session.lastSftStep(), 30.0);
    }
  }

  void missingStoreIsReportedThenPickedUp() {
    const std::string dir = longrl::test::freshTempDir("session-late");
    RunSession session(QString::fromStdString(dir), QStringLiteral("local"), nullptr, 10);
    QTRY_VERIFY_WITH_TIMEOUT(session.problem().contains("waiting for"), 5000);
    longrl::test::SyntheticRunOptions o;
    o.steps = 10;
    longrl::test::writeSyntheticRun(dir, o);
    QTRY_VERIFY_WITH_TIMEOUT(session.problem().isEmpty() && session.pointCount() > 0, 5000);
  }

  void corruptStoreIsAnErrorNotACrash() {
    const std::string dir = longrl::test::freshTempDir("session-corrupt");
    QFile f(QString::fromStdString(longrl::store::RunStore::fileIn(dir)));
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(QByteArray(4096, 'x'));
    f.close();
    RunSession session(QString::fromStdString(dir), QStringLiteral("local"), nullptr, 10);
    QTRY_VERIFY_WITH_TIMEOUT(session.problem().contains("run.sqlite"), 5000);
    QCOMPARE(session.status(), QString("unavailable"));
  }

  void metricPickerFilters() {
    longrl::viewers::MetricPicker picker({"actor/kl_loss", "actor/ppo_kl", "actor/entropy", "critic/score/mean"});
    QAbstractItemModelTester tester(picker.proxy(), QAbstractItemModelTester::FailureReportingMode::QtTest);
    picker.setFilterText("KL");
    QCOMPARE(picker.proxy()->rowCount(), 2);
    QCOMPARE(picker.selectedMetrics(), QStringList{"actor/kl_loss"});
    picker.setFilterText("");
    QCOMPARE(picker.proxy()->rowCount(), 4);
  }
};

QTEST_MAIN(TestRunSession)
#include "TestRunSession.moc"
