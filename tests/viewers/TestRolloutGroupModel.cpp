#include <QtTest/QtTest>

#include <QAbstractItemModelTester>
#include <QTreeView>

#include "core/store/RunStore.h"
#include "support/SyntheticRollouts.h"
#include "support/TestPaths.h"
#include "viewers/rollouts/RolloutGroupModel.h"
#include "viewers/rollouts/RolloutGroupsView.h"
#include "viewers/rollouts/RolloutTableModel.h"

using longrl::store::RolloutRecord;
using longrl::viewers::RolloutGroupModel;

namespace {
RolloutRecord rec(std::int64_t id, std::int64_t step, int group, int sample, const char* ex, double reward,
                  const char* answer) {
  RolloutRecord r;
  r.id = id;
  r.step = step;
  r.group_idx = group;
  r.sample_idx = sample;
  r.example_id = ex;
  r.reward = reward;
  r.answer = answer;
  r.judge_verdict = sample == 1 ? "error" : "";
  return r;
}
}  // namespace

class TestRolloutGroupModel : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void groupsByPrompt() {
    RolloutGroupModel m;
    QAbstractItemModelTester tester(&m, QAbstractItemModelTester::FailureReportingMode::QtTest);
    // Out of order on purpose: groups sort by (step, group), samples by index.
    m.setRollouts({rec(4, 3, 1, 1, "b", 0.0, "no"), rec(1, 3, 0, 1, "a", 1.0, "x"), rec(2, 3, 0, 0, "a", 0.0, "y"),
                   rec(3, 3, 1, 0, "b", 1.0, "x"), rec(5, 3, 0, 2, "a", 1.0, "x")},
                  RolloutGroupModel::Grouping::ByPrompt);
    QCOMPARE(m.rowCount(), 2);
    const QModelIndex g0 = m.index(0, 0);
    QCOMPARE(m.rowCount(g0), 3);
    QCOMPARE(g0.data().toString(), QStringLiteral("step 3 · group 0 · a (3)"));
    QCOMPARE(m.index(0, RolloutGroupModel::Reward).data().toString(), QStringLiteral("mean 0.667"));
    // sd of {1, 0, 1} = 0.471
    QCOMPARE(m.index(0, RolloutGroupModel::Advantage).data().toString(), QStringLiteral("σ 0.47"));
    QCOMPARE(m.index(0, RolloutGroupModel::Answer).data().toString(), QStringLiteral("x ×2 · y ×1"));
    QCOMPARE(m.index(0, RolloutGroupModel::Judge).data().toString(), QStringLiteral("1 error"));
    QCOMPARE(m.index(0, 0, g0).data(longrl::viewers::RolloutTableModel::RolloutIdRole).toLongLong(), 2LL);
    QCOMPARE(m.index(2, 0, g0).data().toString(), QStringLiteral("sample 2"));
    QCOMPARE(m.index(2, RolloutGroupModel::Reward, g0).data().toString(), QStringLiteral("1.000"));
    QCOMPARE(m.parent(m.index(1, 3, g0)), g0);
    QVERIFY(m.record(g0) == nullptr);
  }

  void groupsByStepFromTheStore() {
    const auto dir = longrl::test::freshTempDir("group-view");
    longrl::test::SyntheticRolloutsOptions o;
    o.steps = 12;
    o.groupsPerStep = 4;
    o.examples = 8;  // example 1 appears every other step
    o.quoteInResponses = false;
    longrl::test::writeSyntheticRollouts(dir, o);
    const QString store = QString::fromStdString(longrl::store::RunStore::fileIn(dir));

    longrl::viewers::RolloutGroupsView byPrompt(RolloutGroupModel::Grouping::ByPrompt);
    QAbstractItemModelTester t1(byPrompt.model(), QAbstractItemModelTester::FailureReportingMode::QtTest);
    QSignalSpy loaded1(&byPrompt, &longrl::viewers::RolloutGroupsView::loaded);
    byPrompt.setStorePath(store);
    QVERIFY(loaded1.wait(10000));
    QCOMPARE(byPrompt.model()->groupCount(), 4);  // the latest step's groups
    QVERIFY(byPrompt.model()->index(0, 0).data().toString().startsWith(QStringLiteral("step 11 ")));
    byPrompt.showStep(3);
    QVERIFY(loaded1.wait(10000));
    QVERIFY(byPrompt.model()->index(0, 0).data().toString().startsWith(QStringLiteral("step 3 ")));

    longrl::viewers::RolloutGroupsView history(RolloutGroupModel::Grouping::ByStep);
    history.resize(900, 500);
    QAbstractItemModelTester t2(history.model(), QAbstractItemModelTester::FailureReportingMode::QtTest);
    QSignalSpy loaded2(&history, &longrl::viewers::RolloutGroupsView::loaded);
    history.setStorePath(store);
    QVERIFY(loaded2.wait(10000));
    history.showExample(QStringLiteral("ex-1"));
    QVERIFY(loaded2.wait(10000));
    // ex-1 is group 1 of every even step: (step * 4 + g) % 8 == 1.
    QCOMPARE(history.model()->groupCount(), 6);
    QCOMPARE(history.model()->rowCount(history.model()->index(0, 0)), 8);
    QVERIFY(history.model()->index(5, 0).data().toString().startsWith(QStringLiteral("step 10 ")));
    QSignalSpy activated(&history, &longrl::viewers::RolloutGroupsView::rolloutActivated);
    history.view()->setCurrentIndex(history.model()->index(2, 0, history.model()->index(1, 0)));
    QCOMPARE(activated.count(), 1);
    if (qEnvironmentVariableIsSet("LONGRL_SCREENSHOT_DIR")) {
      history.view()->expandAll();
      history.show();
      QTest::qWait(50);
      history.grab().save(qEnvironmentVariable("LONGRL_SCREENSHOT_DIR") + QStringLiteral("/across-steps.png"));
      byPrompt.resize(900, 500);
      byPrompt.view()->expand(byPrompt.model()->index(0, 0));
      byPrompt.show();
      QTest::qWait(50);
      byPrompt.grab().save(qEnvironmentVariable("LONGRL_SCREENSHOT_DIR") + QStringLiteral("/groups.png"));
    }
  }
};

QTEST_MAIN(TestRolloutGroupModel)
#include "TestRolloutGroupModel.moc"
