#include <QtTest/QtTest>

#include <QAbstractItemModelTester>
#include <QComboBox>
#include <QElapsedTimer>
#include <QLineEdit>
#include <QToolButton>
#include <QTreeView>

#include <algorithm>
#include <functional>

#include "core/store/RunStore.h"
#include "core/store/RunStoreReader.h"
#include "support/Screenshot.h"
#include "support/SyntheticBehaviors.h"
#include "support/SyntheticRollouts.h"
#include "support/TestPaths.h"
#include "viewers/rollouts/BehaviorFilterRow.h"
#include "viewers/rollouts/RolloutBrowser.h"
#include "viewers/rollouts/RolloutFilterBar.h"
#include "viewers/rollouts/RolloutGroupModel.h"
#include "viewers/rollouts/RolloutGroupsView.h"
#include "viewers/rollouts/RolloutTableModel.h"

using longrl::store::RolloutQuery;
using longrl::test::syntheticBehaviorOf;
using longrl::viewers::RolloutTableModel;

namespace {

using Ids = std::vector<std::int64_t>;

bool waitFor(const std::function<bool()>& done, int ms = 10000) {
  QElapsedTimer t;
  t.start();
  while (!done()) {
    if (t.elapsed() > ms) return false;
    QTest::qWait(5);
  }
  return true;
}

RolloutQuery withRange(const std::string& column, std::optional<double> min, std::optional<double> max = {}) {
  RolloutQuery q;
  q.ranges.push_back({column, min, max});
  return q;
}

}  // namespace

// Filters and sorts by reasoning behaviour, in the store's SQL and through the rollout browser, on
// a synthetic run whose behaviours are known (SyntheticBehaviors: a stale revision 0 under the
// latest, judge records on every 7th rollout).
class TestRolloutBehaviorFilters : public QObject {
  Q_OBJECT
  std::string dir_, store_;
  Ids all_;

  Ids expected(const std::function<bool(std::int64_t)>& keep) const {
    Ids out;
    for (auto id : all_)
      if (keep(id)) out.push_back(id);
    return out;
  }

 private Q_SLOTS:
  void initTestCase() {
    dir_ = longrl::test::freshTempDir("rollout-behaviors");
    longrl::test::SyntheticRolloutsOptions o;
    o.steps = 12;
    o.groupsPerStep = 4;
    o.samplesPerGroup = 8;
    o.documents = 2;
    o.documentWords = 300;
    const auto res = longrl::test::writeSyntheticRollouts(dir_, o);
    QCOMPARE(longrl::test::writeSyntheticBehaviors(dir_), res.rollouts);
    store_ = longrl::store::RunStore::fileIn(dir_);
    longrl::store::RunStoreReader reader(store_);
    all_ = reader.rolloutIds(RolloutQuery{});
    QCOMPARE(qint64(all_.size()), qint64(res.rollouts));
  }

  void storeFiltersReadTheLatestRevision() {
    longrl::store::RunStoreReader reader(store_);
    QCOMPARE(reader.rolloutIds(withRange("behavior.subgoal", 1)),
             expected([](auto id) { return syntheticBehaviorOf(id).subgoal >= 1; }));
    QCOMPARE(reader.rolloutIds(withRange("behavior.backtracking", 1)),
             expected([](auto id) { return syntheticBehaviorOf(id).backtracking >= 1; }));
    auto both = withRange("behavior.verification", 1);
    both.ranges.push_back({"behavior.subgoal", 2, std::nullopt});
    QCOMPARE(reader.rolloutIds(both), expected([](auto id) {
               return syntheticBehaviorOf(id).verification >= 1 && syntheticBehaviorOf(id).subgoal >= 2;
             }));
    QCOMPARE(reader.rolloutCount(both), std::int64_t(reader.rolloutIds(both).size()));
    // Grounding in [0.3, 0.6]: rollouts without a share (no document) are out.
    QCOMPARE(reader.rolloutIds(withRange("behavior.grounding_share", 0.3, 0.6)), expected([](auto id) {
               const auto g = syntheticBehaviorOf(id).groundingShare;
               return g && *g >= 0.3 - 1e-9 && *g <= 0.6 + 1e-9;
             }));
    // The stale revision 0 has 9 everywhere: no rollout has 3 sub-goals in the latest.
    QVERIFY(reader.rolloutIds(withRange("behavior.subgoal", 3)).empty());
  }

  void storeSortsByBehaviour() {
    longrl::store::RunStoreReader reader(store_);
    RolloutQuery q;
    q.order_by = "behavior.subgoal";
    q.descending = true;
    Ids want = all_;
    std::sort(want.begin(), want.end(), [](auto a, auto b) {
      const int sa = syntheticBehaviorOf(a).subgoal, sb = syntheticBehaviorOf(b).subgoal;
      return sa != sb ? sa > sb : a > b;
    });
    QCOMPARE(reader.rolloutIds(q), want);
    // Ascending grounding: rollouts without a share (NULL) first, then by share, ties by id.
    q.order_by = "behavior.grounding_share";
    q.descending = false;
    want = all_;
    std::sort(want.begin(), want.end(), [](auto a, auto b) {
      const double ga = syntheticBehaviorOf(a).groundingShare.value_or(-1);
      const double gb = syntheticBehaviorOf(b).groundingShare.value_or(-1);
      return ga != gb ? ga < gb : a < b;
    });
    QCOMPARE(reader.rolloutIds(q), want);
    q.order_by = "behavior.steps";  // not a column: rejected, never pasted into SQL
    QVERIFY_THROWS_EXCEPTION(std::exception, reader.rolloutIds(q));
  }

  void storeReadsTheChosenClassifier() {
    longrl::store::RunStoreReader reader(store_);
    auto q = withRange("behavior.verification", 1);
    q.behavior_classifier = "judge";  // verification 1 on every 7th rollout, but for failed ones
    QCOMPARE(reader.rolloutIds(q), expected([](auto id) { return id % 7 == 0 && id % 14 != 0; }));
    QCOMPARE(reader.behaviorClassifiers(), (std::vector<std::string>{"rule", "judge"}));
    const Ids some(all_.begin(), all_.begin() + 30);
    const auto rows = reader.latestBehaviors(some, "rule");
    QCOMPARE(rows.size(), some.size());
    for (std::size_t i = 0; i < some.size(); ++i) {
      QVERIFY(rows[i]);
      QCOMPARE(rows[i]->revision, 1);
      QCOMPARE(int(rows[i]->subgoal), syntheticBehaviorOf(some[i]).subgoal);
      QVERIFY(rows[i]->record.empty());
    }
    const auto judged = reader.latestBehaviors(some, "judge");
    for (std::size_t i = 0; i < some.size(); ++i) QCOMPARE(bool(judged[i]), some[i] % 7 == 0);
  }

  void tableShowsAndSortsBehaviourColumns() {
    RolloutTableModel model(nullptr, 16, 8);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QSignalSpy counted(&model, &RolloutTableModel::rowCountKnown);
    model.setStorePath(QString::fromStdString(store_));
    QVERIFY(counted.wait(10000));
    QVERIFY(model.headerData(RolloutTableModel::Subgoal, Qt::Horizontal, Qt::ToolTipRole)
                .toString()
                .contains(QStringLiteral("rule classifier")));
    model.sort(RolloutTableModel::Verification, Qt::DescendingOrder);
    QCOMPARE(model.query().order_by, std::string("behavior.verification"));
    QVERIFY(counted.wait(10000));
    for (int row : {0, 1, 40, int(all_.size()) - 1}) {
      QVERIFY(waitFor([&] { return model.index(row, 0).data(RolloutTableModel::LoadedRole).toBool(); }));
      const qint64 id = model.index(row, 0).data(RolloutTableModel::RolloutIdRole).toLongLong();
      const auto known = syntheticBehaviorOf(id);
      QCOMPARE(model.index(row, RolloutTableModel::Verification).data().toLongLong(), qint64(known.verification));
      QCOMPARE(model.index(row, RolloutTableModel::Subgoal).data().toLongLong(), qint64(known.subgoal));
      const QString g = model.index(row, RolloutTableModel::Grounding).data().toString();
      QCOMPARE(g, known.groundingShare ? QString::number(*known.groundingShare, 'f', 2) : QStringLiteral("—"));
    }
    const qint64 first = model.index(0, 0).data(RolloutTableModel::RolloutIdRole).toLongLong();
    QCOMPARE(syntheticBehaviorOf(first).verification, 2);
  }

  void filterBarFiltersTheBrowser() {
    longrl::viewers::RolloutBrowser browser;
    QAbstractItemModelTester tester(browser.model(), QAbstractItemModelTester::FailureReportingMode::QtTest);
    QSignalSpy counted(browser.model(), &RolloutTableModel::rowCountKnown);
    browser.setStorePath(QString::fromStdString(store_));
    QVERIFY(counted.wait(10000));
    auto* row = browser.filters()->behaviors();
    QVERIFY(waitFor([&] { return row->classifierBox()->count() == 2; }));
    QCOMPARE(row->classifierBox()->itemText(0), QStringLiteral("rule"));
    QCOMPARE(row->classifierBox()->itemText(1), QStringLiteral("judge"));

    row->hasButton(1)->setChecked(true);  // backtracking
    QVERIFY(counted.wait(10000));
    QCOMPARE(browser.model()->rowCount(),
             int(expected([](auto id) { return syntheticBehaviorOf(id).backtracking >= 1; }).size()));

    browser.resize(1500, 600);
    browser.model()->sort(RolloutTableModel::Subgoal, Qt::DescendingOrder);
    QVERIFY(counted.wait(10000));
    QVERIFY(waitFor([&] { return browser.model()->index(0, 0).data(RolloutTableModel::LoadedRole).toBool(); }));
    longrl::test::saveScreenshot(&browser, QStringLiteral("behavior-browser"));
    row->groundingMinEdit()->setText(QStringLiteral("0.5"));
    QTest::keyClick(row->groundingMinEdit(), Qt::Key_Return);
    QVERIFY(counted.wait(10000));
    QCOMPARE(browser.model()->rowCount(), int(expected([](auto id) {
                                                const auto b = syntheticBehaviorOf(id);
                                                return b.backtracking >= 1 && b.groundingShare.value_or(0) >= 0.5;
                                              }).size()));

    browser.filters()->reset();
    QVERIFY(counted.wait(10000));
    QCOMPARE(browser.model()->rowCount(), int(all_.size()));
    row->classifierBox()->setCurrentIndex(1);
    QCOMPARE(browser.model()->query().behavior_classifier, std::string("judge"));
    QVERIFY(counted.wait(10000));
    QCOMPARE(browser.model()->rowCount(), int(all_.size()));
    row->hasButton(2)->setChecked(true);  // verification, by the judge
    QVERIFY(counted.wait(10000));
    QCOMPARE(browser.model()->rowCount(), int(expected([](auto id) { return id % 7 == 0 && id % 14 != 0; }).size()));
  }

  // The groups of a step show each sample's behaviours and the group's means.
  void groupsShowBehaviours() {
    using longrl::viewers::RolloutGroupModel;
    longrl::viewers::RolloutGroupsView groups(RolloutGroupModel::Grouping::ByPrompt);
    QAbstractItemModelTester tester(groups.model(), QAbstractItemModelTester::FailureReportingMode::QtTest);
    QSignalSpy loaded(&groups, &longrl::viewers::RolloutGroupsView::loaded);
    groups.setStorePath(QString::fromStdString(store_));
    groups.showStep(3);
    QVERIFY(loaded.wait(10000));
    auto* m = groups.model();
    QCOMPARE(m->groupCount(), 4);
    const QModelIndex g = m->index(1, 0);
    double subgoal = 0;
    for (int s = 0; s < m->rowCount(g); ++s) {
      const qint64 id = m->index(s, 0, g).data(RolloutTableModel::RolloutIdRole).toLongLong();
      const auto b = syntheticBehaviorOf(id);
      subgoal += b.subgoal;
      const QString want =
          QStringLiteral("%1 · %2 · %3 · %4")
              .arg(b.subgoal)
              .arg(b.backtracking)
              .arg(b.verification)
              .arg(b.groundingShare ? QString::number(*b.groundingShare, 'f', 2) : QStringLiteral("—"));
      QCOMPARE(m->index(s, RolloutGroupModel::Behaviors, g).data().toString(), want);
    }
    const QString mean = m->index(1, RolloutGroupModel::Behaviors).data().toString();
    QVERIFY2(mean.startsWith(QString::number(subgoal / m->rowCount(g), 'f', 1) + " · "), qPrintable(mean));
    groups.resize(1100, 500);
    groups.view()->expandAll();
    longrl::test::saveScreenshot(&groups, QStringLiteral("behavior-groups"));
  }
};

QTEST_MAIN(TestRolloutBehaviorFilters)
#include "TestRolloutBehaviorFilters.moc"
