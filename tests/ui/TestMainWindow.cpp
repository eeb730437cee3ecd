#include <QtTest/QtTest>

#include <QAbstractItemModelTester>
#include <QDockWidget>
#include <QSettings>
#include <QTableView>

#include "support/SyntheticRun.h"
#include "support/TestPaths.h"
#include "ui/MainWindow.h"
#include "ui/RunsColumnFitter.h"
#include "ui/RunsModel.h"
#include "ui/rollouts/RolloutsWorkspace.h"
#include "viewers/chart/ChartCard.h"
#include "viewers/chart/ChartsPanel.h"
#include "viewers/chart/MetricChartWidget.h"
#include "viewers/data/RunSession.h"

using longrl::ui::MainWindow;
using longrl::ui::RunsColumnFitter;
using longrl::ui::RunsModel;

class TestMainWindow : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void initTestCase() {
    // Keep the user's real settings out of tests.
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName("longrl-tests");
    QCoreApplication::setApplicationName("TestMainWindow");
    QSettings().clear();
  }

  void opensRunsAndChartsThem() {
    const std::string a = longrl::test::freshTempDir("mw-run-a");
    const std::string b = longrl::test::freshTempDir("mw-run-b");
    longrl::test::SyntheticRunOptions o;
    o.name = "l1-7b-baseline";
    o.steps = 400;
    longrl::test::writeSyntheticRun(a, o);
    o.name = "l1-7b-clip-higher";
    o.seed = 2;
    o.steps = 250;
    o.status = "failed";
    longrl::test::writeSyntheticRun(b, o);

    MainWindow window;
    QAbstractItemModelTester tester(window.runsModel(), QAbstractItemModelTester::FailureReportingMode::QtTest);
    window.restoreSettings();
    window.resize(1500, 950);
    window.show();
    auto* runA = window.openRun(QString::fromStdString(a));
    auto* runB = window.openRun(QString::fromStdString(b));
    QVERIFY(runA && runB);
    QCOMPARE(window.openRun(QString::fromStdString(a)), runA);  // opening twice reuses the session
    QCOMPARE(window.runsModel()->rowCount(), 2);
    QTRY_VERIFY_WITH_TIMEOUT(runA->caughtUp() && runB->caughtUp(), 10000);
    QTRY_COMPARE(window.runsModel()->data(window.runsModel()->index(0, RunsModel::Step)).toLongLong(), 399LL);
    QCOMPARE(window.runsModel()->data(window.runsModel()->index(1, RunsModel::Status)).toString(), QString("failed"));
    QCOMPARE(window.runsModel()->data(window.runsModel()->index(0, RunsModel::Phase)).toInt(), 3);

    auto* reward = window.charts()->card("critic/score/mean");
    QVERIFY(reward);
    QTRY_VERIFY(reward->showsRun(runA) && reward->showsRun(runB));
    QTest::qWait(100);
    QVERIFY(reward->chart()->drawnPointCount(0) > 0);

    // Out of the box the validation chart comes first.
    QCOMPARE(window.charts()->chartMetrics().value(0), QString("val-core/all/acc/mean@1"));
    // The runs list fits its dock: "Where" (local for both) is hidden, so the names have the room.
    auto* runsView = qobject_cast<QTableView*>(window.findChild<QDockWidget*>("RunsDock")->widget());
    QVERIFY(runsView);
    QVERIFY(runsView->isColumnHidden(RunsModel::Where));
    QTest::qWait(100);
    int columns = 0;
    for (int c = 0; c < RunsModel::ColumnCount; ++c)
      columns += runsView->isColumnHidden(c) ? 0 : runsView->columnWidth(c);
    QVERIFY2(columns <= runsView->viewport()->width(),
             qPrintable(QString("%1 > %2").arg(columns).arg(runsView->viewport()->width())));
    QVERIFY2(runsView->columnWidth(RunsModel::Name) >= runsView->fontMetrics().horizontalAdvance("l1-7b-"),
             qPrintable(QString::number(runsView->columnWidth(RunsModel::Name))));

    if (qEnvironmentVariableIsSet("LONGRL_SCREENSHOT_DIR")) {
      QTest::qWait(300);
      window.grab().save(qEnvironmentVariable("LONGRL_SCREENSHOT_DIR") + "/main-window.png");
    }

    // The selected run's rollouts are what the Rollouts tab shows.
    QCOMPARE(window.rollouts()->runDir(), runA->runDir());
    window.closeRun(runB);
    QCOMPARE(window.runsModel()->rowCount(), 1);
    QVERIFY(!reward->showsRun(runB));
    // A run on another machine brings "Where" back, and says where in its tooltip.
    QVERIFY(!window.runsModel()->anyRemote());
    QVERIFY(window.openRun(QString::fromStdString(b), "alice@gpu-node-3"));
    QVERIFY(window.runsModel()->anyRemote());
    QVERIFY(!runsView->isColumnHidden(RunsModel::Where));
    // The name keeps its room beside "Where" too, in a dock as narrow as a laptop's.
    window.resizeDocks({window.findChild<QDockWidget*>("RunsDock")}, {260}, Qt::Horizontal);
    QTest::qWait(100);
    const int ch = runsView->fontMetrics().horizontalAdvance(QLatin1Char('0'));
    QVERIFY2(runsView->columnWidth(RunsModel::Name) >= RunsColumnFitter::kNameChars * ch - 2,
             qPrintable(
                 QString("%1 of %2").arg(runsView->columnWidth(RunsModel::Name)).arg(runsView->viewport()->width())));
    QVERIFY(
        window.runsModel()->index(1, RunsModel::Name).data(Qt::ToolTipRole).toString().contains("alice@gpu-node-3"));
  }

  void silentRunningRunIsFlagged() {
    QCOMPARE(RunsModel::statusText("running", 1000.0, 1000.0 + 599), QString("running"));
    QCOMPARE(RunsModel::statusText("running", 1000.0, 1000.0 + 601), QString("running · silent 10 min"));
    QCOMPARE(RunsModel::statusText("running", 1000.0, 1000.0 + 3 * 3600 + 5), QString("running · silent 3 h"));
    QCOMPARE(RunsModel::statusText("running", 1000.0, 1000.0 + 5 * 86400), QString("running · silent 5 days"));
    QCOMPARE(RunsModel::statusText("finished", 1000.0, 1e9), QString("finished"));
    QCOMPARE(RunsModel::statusText("running", 0.0, 1e9), QString("running"));  // nothing read yet
    // A run left "running" by a trainer that died long ago (its points carry 2023 wall times).
    const std::string dir = longrl::test::freshTempDir("mw-silent");
    longrl::test::SyntheticRunOptions o;
    o.steps = 20;
    longrl::test::writeSyntheticRun(dir, o);
    MainWindow window;
    QAbstractItemModelTester tester(window.runsModel(), QAbstractItemModelTester::FailureReportingMode::QtTest);
    auto* run = window.openRun(QString::fromStdString(dir));
    QVERIFY(run);
    const auto status = [&] {
      return window.runsModel()->data(window.runsModel()->index(0, RunsModel::Status)).toString();
    };
    QTRY_VERIFY_WITH_TIMEOUT(status().startsWith("running · silent"), 10000);
    QVERIFY(status().endsWith("days"));
    const QString tip =
        window.runsModel()->data(window.runsModel()->index(0, RunsModel::Status), Qt::ToolTipRole).toString();
    QVERIFY2(tip.contains("may have died"), qPrintable(tip));
  }

  void badDirectoryIsAMessageNotACrash() {
    MainWindow window;
    QVERIFY(window.openRun("/nonexistent/run-dir") == nullptr);
    QCOMPARE(window.runsModel()->rowCount(), 0);
  }

  void openRunsAreReopened() {
    const QString a = QString::fromStdString(longrl::test::freshTempDir("mw-reopen-a"));
    const QString gone = QString::fromStdString(longrl::test::freshTempDir("mw-reopen-gone"));
    longrl::test::SyntheticRunOptions o;
    o.steps = 20;
    longrl::test::writeSyntheticRun(a.toStdString(), o);
    {
      MainWindow window;
      window.show();
      QVERIFY(window.openRun(a) && window.openRun(gone));
      window.close();  // saves the settings, as quitting the studio does
    }
    QVERIFY(QDir(gone).removeRecursively());
    MainWindow again;
    const QStringList saved = again.savedOpenRuns();
    QCOMPARE(saved, (QStringList{QFileInfo(a).absoluteFilePath(), QFileInfo(gone).absoluteFilePath()}));
    QCOMPARE(again.reopenRuns(saved), 1);
    QCOMPARE(again.runsModel()->rowCount(), 1);
    QCOMPARE(again.runsModel()->runs().at(0)->runDir(), QFileInfo(a).absoluteFilePath());
    QVERIFY2(again.messagesText().contains("Not reopening " + QFileInfo(gone).absoluteFilePath() +
                                           ": the run directory no longer exists"),
             qPrintable(again.messagesText()));
    // What is saved next is what is open now: the missing run is not carried on.
    again.saveSettings();
    QCOMPARE(again.savedOpenRuns(), QStringList{QFileInfo(a).absoluteFilePath()});
  }

  void chartsPersistInSettings() {
    {
      MainWindow window;
      window.restoreSettings();
      window.charts()->removeChart("perf/throughput");
      window.charts()->addChart("actor/kl_loss");  // a default once; now the user's own pick
      window.saveSettings();
    }
    MainWindow again;
    again.restoreSettings();
    QVERIFY(again.charts()->chartMetrics().contains("actor/kl_loss"));
    QVERIFY(!again.charts()->chartMetrics().contains("perf/throughput"));
  }

  void newDefaultChartsReachSavedSettings() {
    using longrl::viewers::ChartsPanel;
    // The user's order and removals stay; a default added after the list was saved is appended.
    QCOMPARE(ChartsPanel::restoredMetrics({"b", "x"}, {"a", "b"}, {"a", "b", "c"}), QStringList({"b", "x", "c"}));
    QCOMPARE(ChartsPanel::restoredMetrics({}, {"a"}, {"a", "c"}), QStringList({"a", "c"}));
    QCOMPARE(ChartsPanel::restoredMetrics({"c"}, {}, {"a", "c"}), QStringList({"c", "a"}));
    // A default dropped since ("k", like actor/kl_loss for actor/ppo_kl) goes; the user's own stays.
    QCOMPARE(ChartsPanel::restoredMetrics({"k", "x", "b"}, {"k", "b"}, {"p", "b"}), QStringList({"x", "b", "p"}));
    // Out of the box the validation chart comes first, and the KL chart is the one always logged.
    QCOMPARE(ChartsPanel::defaultMetrics().value(0), QString("val-core/all/acc/mean@1"));
    QCOMPARE(ChartsPanel::defaultMetrics().value(1), QString("val-core/all/acc/mean@4"));
    QVERIFY(ChartsPanel::defaultMetrics().contains("actor/ppo_kl"));
    QVERIFY(!ChartsPanel::defaultMetrics().contains("actor/kl_loss"));

    // Settings saved by an older version: a list without the val-core chart and no defaults record.
    QSettings().setValue("charts/metrics", QStringList{"critic/score/mean", "actor/entropy"});
    QSettings().remove("charts/defaults");
    {
      MainWindow window;
      window.restoreSettings();
      const auto metrics = window.charts()->chartMetrics();
      QCOMPARE(metrics.mid(0, 2), QStringList({"critic/score/mean", "actor/entropy"}));
      QVERIFY(metrics.contains("val-core/all/acc/mean@1"));
      window.charts()->removeChart("val-core/all/acc/mean@1");
      window.saveSettings();
    }
    // Removed by the user after it became a default: it stays removed.
    MainWindow again;
    again.restoreSettings();
    QVERIFY(!again.charts()->chartMetrics().contains("val-core/all/acc/mean@1"));
  }

  // Smoothing is on out of the box; a user's x axis and smoothing come back after a restart, and a
  // value written by hand that the app does not know changes nothing.
  void chartViewSettingsPersist() {
    QSettings().remove("charts");
    {
      MainWindow fresh;
      fresh.restoreSettings();
      const auto view = fresh.charts()->viewSettings();
      QCOMPARE(view.smoothing, QString("ema"));
      QCOMPARE(view.smoothingValue, 0.9);
      QCOMPARE(view.xAxis, QString("step"));
      using Smoothing = longrl::viewers::MetricChartWidget::Smoothing;
      QVERIFY(fresh.charts()->card("critic/score/mean")->chart()->smoothing() == Smoothing::Ema);
      // Validation is a few measurements of a fixed set: never smoothed.
      QVERIFY(fresh.charts()->card("val-core/all/acc/mean@1")->chart()->smoothing() == Smoothing::None);
      fresh.charts()->setViewSettings({"wall", "window", 35});
      fresh.saveSettings();
    }
    {
      MainWindow again;
      again.restoreSettings();
      const auto view = again.charts()->viewSettings();
      QCOMPARE(view.xAxis, QString("wall"));
      QCOMPARE(view.smoothing, QString("window"));
      QCOMPARE(view.smoothingValue, 35.0);
    }
    QSettings().setValue("charts/smoothing", "gaussian");
    MainWindow odd;
    odd.restoreSettings();
    QCOMPARE(odd.charts()->viewSettings().smoothing, QString("ema"));  // the built-in default
    QCOMPARE(odd.charts()->viewSettings().xAxis, QString("wall"));     // the rest still restored
  }
};

QTEST_MAIN(TestMainWindow)
#include "TestMainWindow.moc"
