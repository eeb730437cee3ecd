#include <QtTest/QtTest>

#include <QAbstractItemModelTester>
#include <QIcon>
#include <QSettings>
#include <QTabWidget>
#include <QTextBlock>
#include <QTextBrowser>
#include <QTextCursor>

#include <limits>
#include <vector>

#include "core/store/RunStore.h"
#include "core/store/RunStoreWriter.h"
#include "support/SyntheticRun.h"
#include "support/TestPaths.h"
#include "ui/MainWindow.h"
#include "ui/RunsModel.h"
#include "viewers/chart/ChartCanvas.h"
#include "viewers/chart/ChartCard.h"
#include "viewers/chart/ChartsPanel.h"
#include "viewers/chart/MetricChartWidget.h"
#include "viewers/data/RunAlert.h"
#include "viewers/data/RunSession.h"

using longrl::ui::MainWindow;
using longrl::ui::RunsModel;

namespace {
// A finished run of 30 healthy steps but for a NaN gradient norm at step 17.
void writeNanRun(const std::string& dir) {
  longrl::store::RunStoreWriter w(longrl::store::RunStore::fileIn(dir));
  longrl::store::RunInfo info;
  info.name = "nan-run";
  info.status = "finished";
  w.writeRun(info);
  auto put = [&w](int step, const char* name, double value) {
    longrl::store::MetricPoint m;
    m.step = step;
    m.name = name;
    m.value = value;
    m.wall_time = 1.7e9 + 40.0 * step;
    w.writeMetric(m);
  };
  for (int s = 1; s <= 30; ++s) {
    put(s, "actor/grad_norm", s == 17 ? std::numeric_limits<double>::quiet_NaN() : 0.5);
    put(s, "actor/pg_loss", 0.01);
    put(s, "actor/entropy", 0.8);
    put(s, "judge/calls", 16);
    put(s, "judge/errors", 1);
    put(s, "timing_s/step", 40);
    put(s, "critic/score/mean", 0.4);
  }
}

// The href of the first link in the browser, and where it is in the text.
QString firstAnchor(QTextBrowser* browser, int* position) {
  for (QTextBlock b = browser->document()->begin(); b.isValid(); b = b.next())
    for (auto it = b.begin(); !it.atEnd(); ++it)
      if (it.fragment().charFormat().isAnchor()) {
        *position = it.fragment().position();
        return it.fragment().charFormat().anchorHref();
      }
  return {};
}
}  // namespace

class TestRunAlertsView : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void initTestCase() {
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName("longrl-tests");
    QCoreApplication::setApplicationName("TestRunAlertsView");
    QSettings().clear();
  }

  // The NaN reaches Messages (run, step, metric) as a link, and the runs list; clicking the link
  // brings the Charts tab forward with the metric's chart, which was not shown before.
  void nanGradNormIsAnAlertWithALinkToItsChart() {
    const std::string dir = longrl::test::freshTempDir("alerts-view-nan");
    writeNanRun(dir);
    MainWindow window;
    QAbstractItemModelTester tester(window.runsModel(), QAbstractItemModelTester::FailureReportingMode::QtTest);
    window.restoreSettings();
    window.resize(1400, 900);
    window.show();
    window.charts()->removeChart("actor/grad_norm");  // a default chart: the link must add it
    QVERIFY(!window.charts()->card("actor/grad_norm"));
    auto* centre = window.findChild<QTabWidget*>("CentreTabs");
    QVERIFY(centre);
    centre->setCurrentIndex(1);  // Rollouts in front

    auto* run = window.openRun(QString::fromStdString(dir));
    QVERIFY(run);
    QTRY_VERIFY_WITH_TIMEOUT(run->caughtUp(), 10000);
    QTRY_VERIFY2(window.messagesText().contains("nan-run: ⚠ step 17: actor/grad_norm is NaN"),
                 qPrintable(window.messagesText()));
    QVERIFY2(window.messagesText().contains("NaN  show actor/grad_norm"), qPrintable(window.messagesText()));
    // Only that one: healthy entropy, 6% judge errors and a finished run raise nothing.
    QCOMPARE(static_cast<int>(run->alerts().size()), 1);
    QCOMPARE(window.messagesText().count(QStringLiteral("⚠")), 1);

    const QModelIndex status = window.runsModel()->index(0, RunsModel::Status);
    QTRY_VERIFY(!window.runsModel()->data(status, Qt::DecorationRole).value<QIcon>().isNull());
    QVERIFY(!window.runsModel()->data(window.runsModel()->index(0, RunsModel::Name), Qt::DecorationRole).isValid());
    const QString tip = window.runsModel()->data(status, Qt::ToolTipRole).toString();
    QVERIFY2(tip.endsWith("⚠ 1 alert:\nstep 17: actor/grad_norm is NaN"), qPrintable(tip));
    QCOMPARE(window.runsModel()->data(status).toString(), QString("finished"));  // the status itself unchanged

    auto* browser = window.findChild<QTextBrowser*>("Messages");
    QVERIFY(browser);
    int position = -1;
    const QString href = firstAnchor(browser, &position);
    QVERIFY2(href.startsWith("longrl-chart:actor/grad_norm"), qPrintable(href));
    QTextCursor cursor(browser->document());
    cursor.setPosition(position + 2);  // inside the link text
    browser->setTextCursor(cursor);
    browser->ensureCursorVisible();
    const QPoint at = browser->cursorRect(cursor).center();
    QCOMPARE(browser->anchorAt(at), href);
    QTest::mouseClick(browser->viewport(), Qt::LeftButton, {}, at);

    QTRY_VERIFY(window.charts()->card("actor/grad_norm"));
    QCOMPARE(centre->currentWidget(), static_cast<QWidget*>(window.charts()));
    QTRY_VERIFY(window.charts()->card("actor/grad_norm")->showsRun(run));
  }

  void runsListListsTheLatestAlerts() {
    std::vector<longrl::viewers::RunAlert> alerts;
    QVERIFY(RunsModel::alertsText(alerts).isEmpty());
    for (int i = 1; i <= 7; ++i)
      alerts.push_back({longrl::viewers::RunAlert::Kind::NonFinite, "actor/pg_loss", i, QString("alert %1").arg(i)});
    const QString text = RunsModel::alertsText(alerts);
    QCOMPARE(text, QString("⚠ 7 alerts:\nalert 3\nalert 4\nalert 5\nalert 6\nalert 7\n(2 earlier in Messages)"));
  }

  // "x: step in phase" and its phase persist like the other view settings, and reach the charts.
  void phaseAxisPersists() {
    QSettings().remove("charts");
    const std::string dir = longrl::test::freshTempDir("alerts-view-phase");
    longrl::test::SyntheticRunOptions o;
    o.steps = 300;  // phases start at steps 0, 100 and 200
    o.status = "finished";
    longrl::test::writeSyntheticRun(dir, o);
    {
      MainWindow window;
      window.restoreSettings();
      window.charts()->setViewSettings({"phase", "none", 0, 2});
      window.saveSettings();
    }
    MainWindow again;
    again.restoreSettings();
    const auto view = again.charts()->viewSettings();
    QCOMPARE(view.xAxis, QString("phase"));
    QCOMPARE(view.alignPhase, 2);
    auto* card = again.charts()->card("critic/score/mean");
    QVERIFY(card);
    QVERIFY(card->chart()->xAxis() == longrl::viewers::MetricChartWidget::XAxis::PhaseStart);
    auto* run = again.openRun(QString::fromStdString(dir));
    QTRY_VERIFY_WITH_TIMEOUT(run->caughtUp(), 10000);
    QTRY_VERIFY(card->showsRun(run));
    // Phase 2 starts at step 100: step 100 is x = 1 of the phase.
    QString hover;
    connect(card->chart(), &longrl::viewers::MetricChartWidget::hoverText, this,
            [&hover](const QString& t) { hover = t; });
    card->chart()->redrawNow();
    const double value = run->series("critic/score/mean")->values()[100];
    Q_EMIT card->chart()->canvas()->hoveredAt(QPointF(1, value), true);
    QVERIFY2(hover.contains("step 100:"), qPrintable(hover));
    // Phase 4 was never reached: the run is left out, and the chart says why.
    again.charts()->setViewSettings({"phase", "none", 0, 4});
    QVERIFY(!card->showsRun(run));
    QCOMPARE(card->readoutText(), QString("not in phase 4 yet: synthetic"));
  }
};

QTEST_MAIN(TestRunAlertsView)
#include "TestRunAlertsView.moc"
