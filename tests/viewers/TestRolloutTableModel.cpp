#include <QtTest/QtTest>

#include <QAbstractItemModelTester>
#include <QComboBox>
#include <QElapsedTimer>
#include <QLineEdit>
#include <QTableView>

#include <algorithm>
#include <cmath>

#include "core/store/RunStore.h"
#include "core/store/RunStoreReader.h"
#include "core/store/RunStoreWriter.h"
#include "support/SyntheticRollouts.h"
#include "support/TestPaths.h"
#include "viewers/rollouts/RolloutBrowser.h"
#include "viewers/rollouts/RolloutFilterBar.h"
#include "viewers/rollouts/RolloutTableModel.h"

using longrl::store::RolloutQuery;
using longrl::store::RolloutRecord;
using longrl::viewers::RolloutTableModel;

namespace {
constexpr int kRows = 200000;

// Waits until `row` of the model is loaded (data() asks for it as a view would).
bool waitLoaded(RolloutTableModel& m, int row, int ms = 10000) {
  QElapsedTimer t;
  t.start();
  while (t.elapsed() < ms) {
    if (m.index(row, 0).data(RolloutTableModel::LoadedRole).toBool()) return true;
    QTest::qWait(5);
  }
  return false;
}
}  // namespace

class TestRolloutTableModel : public QObject {
  Q_OBJECT
  std::string dir_, store_;
  std::vector<RolloutRecord> all_;  // every row, read independently of the model's queries
  std::map<std::string, std::string> sources_;

 private Q_SLOTS:
  void initTestCase() {
    dir_ = longrl::test::freshTempDir("rollout-table");
    longrl::test::SyntheticRolloutsOptions o;
    o.steps = 250;
    o.groupsPerStep = 100;
    o.samplesPerGroup = 8;
    o.examples = 400;
    o.documents = 2;
    o.documentWords = 300;
    o.quoteInResponses = false;
    QElapsedTimer t;
    t.start();
    const auto res = longrl::test::writeSyntheticRollouts(dir_, o);
    qInfo("wrote %lld rollouts in %lld ms", static_cast<long long>(res.rollouts), static_cast<long long>(t.elapsed()));
    QCOMPARE(res.rollouts, qint64(kRows));
    store_ = longrl::store::RunStore::fileIn(dir_);
    longrl::store::RunStoreReader reader(store_);
    for (std::int64_t after = 0;;) {
      auto page = reader.rolloutsAfter(after, 50000);
      if (page.empty()) break;
      after = page.back().id;
      all_.insert(all_.end(), page.begin(), page.end());
    }
    for (const auto& e : reader.examples()) sources_[e.id] = e.data_source;
    QCOMPARE(int(all_.size()), kRows);
  }

  // The SQL filters against the same filters computed in C++ over every row.
  void queryFiltersMatchAFullScan() {
    longrl::store::RunStoreReader reader(store_);
    auto expect = [&](auto pred) { return std::int64_t(std::count_if(all_.begin(), all_.end(), pred)); };
    RolloutQuery q;
    q.data_source = "docmath";
    QCOMPARE(reader.rolloutCount(q),
             expect([&](const RolloutRecord& r) { return sources_[r.example_id] == "docmath"; }));
    q = {};
    q.truncated = true;
    QCOMPARE(reader.rolloutCount(q), expect([](const RolloutRecord& r) { return r.truncated; }));
    q = {};
    q.text = "EX-12";  // case-insensitive, substring: ex-12, ex-120 ... ex-129
    QCOMPARE(reader.rolloutCount(q),
             expect([](const RolloutRecord& r) { return r.example_id.rfind("ex-12", 0) == 0; }));
    q = {};
    q.ranges.push_back({"reward", 0.5, std::nullopt});
    q.ranges.push_back({"length", std::nullopt, 20.0});
    QCOMPARE(reader.rolloutCount(q), expect([](const RolloutRecord& r) { return r.reward >= 0.5 && r.length <= 20; }));
    q = {};
    q.ranges.push_back({"reward; DROP TABLE rollouts", 0.0, std::nullopt});
    QVERIFY_THROWS_EXCEPTION(std::runtime_error, reader.rolloutCount(q));
    // The ordered id list against a sort done here; rows by id come back in the order asked.
    q = {};
    q.data_source = "musique";
    q.order_by = "advantage";
    q.descending = true;
    const auto ids = reader.rolloutIds(q);
    std::vector<RolloutRecord> mine;
    for (const auto& r : all_)
      if (sources_[r.example_id] == "musique") mine.push_back(r);
    std::sort(mine.begin(), mine.end(), [](const RolloutRecord& a, const RolloutRecord& b) {
      return a.advantage != b.advantage ? a.advantage > b.advantage : a.id > b.id;
    });
    QCOMPARE(ids.size(), mine.size());
    for (std::size_t i = 0; i < ids.size(); i += 997) QCOMPARE(ids[i], mine[i].id);
    const auto some = reader.rolloutsByIds({ids[5], 999999999, ids[2], ids[9]}, false);
    QCOMPARE(some.size(), std::size_t(3));
    QCOMPARE(some[0].id, ids[5]);
    QCOMPARE(some[1].id, ids[2]);
    QCOMPARE(some[2].advantage, mine[9].advantage);
    QVERIFY(reader.rolloutsByIds({}, false).empty());
    // Short rows carry no long text and decompress nothing.
    q = {};
    q.with_text = false;
    q.limit = 3;
    const auto rows = reader.rollouts(q);
    QCOMPARE(rows.size(), std::size_t(3));
    QVERIFY(rows[0].response.empty());
    QCOMPARE(rows[0].answer, all_[0].answer);
  }

  void fetchesOnlyVisibleChunks() {
    RolloutTableModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QSignalSpy counted(&model, &RolloutTableModel::rowCountKnown);
    QTableView view;
    view.resize(800, 400);
    view.setModel(&model);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    model.setStorePath(QString::fromStdString(store_));
    QVERIFY(counted.wait(10000));
    QCOMPARE(model.rowCount(), kRows);
    QVERIFY(waitLoaded(model, 0));
    QCOMPARE(model.index(0, RolloutTableModel::Id).data().toLongLong(), qint64(all_[0].id));
    // A row far away is a placeholder until its chunk arrives.
    QCOMPARE(model.index(150000, RolloutTableModel::Answer).data().toString(), QStringLiteral("…"));
    view.scrollTo(model.index(150000, 0), QAbstractItemView::PositionAtTop);
    QVERIFY(waitLoaded(model, 150000));
    QCOMPARE(model.index(150000, RolloutTableModel::Example).data().toString(),
             QString::fromStdString(all_[150000].example_id));
    QCOMPARE(model.index(150000, RolloutTableModel::Source).data().toString(),
             QString::fromStdString(sources_[all_[150000].example_id]));
    // Only what was on screen was read: the first page, the page of row 150000 (and at most
    // its neighbour when the viewport straddles two chunks), not the 780 others.
    const int read = model.fetchState().chunksRead.load();
    QVERIFY2(read >= 2 && read <= 4, qPrintable(QString::number(read)));
    QVERIFY(model.isCached(150000 / RolloutTableModel::kDefaultChunkSize));
  }

  void sortsAndFiltersInSql() {
    RolloutTableModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QSignalSpy counted(&model, &RolloutTableModel::rowCountKnown);
    model.setStorePath(QString::fromStdString(store_));
    QVERIFY(counted.wait(10000));
    model.sort(RolloutTableModel::Advantage, Qt::DescendingOrder);
    QVERIFY(counted.wait(10000));
    QVERIFY(waitLoaded(model, 255));
    double maxAdv = -1e9;
    for (const auto& r : all_) maxAdv = std::max(maxAdv, r.advantage);
    QCOMPARE(model.record(0)->advantage, maxAdv);
    for (int i = 1; i < 256; ++i) QVERIFY(model.record(i - 1)->advantage >= model.record(i)->advantage);

    RolloutQuery q;
    q.judge_verdict = "error";
    model.setQuery(q);
    QVERIFY(counted.wait(10000));
    const auto errors =
        std::count_if(all_.begin(), all_.end(), [](const RolloutRecord& r) { return r.judge_verdict == "error"; });
    QCOMPARE(qint64(model.rowCount()), qint64(errors));
    QVERIFY(waitLoaded(model, 0));
    QCOMPARE(model.index(0, RolloutTableModel::Judge).data().toString(), QStringLiteral("error"));
  }

  void staleResultsAreDropped() {
    RolloutTableModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QSignalSpy counted(&model, &RolloutTableModel::rowCountKnown);
    model.setStorePath(QString::fromStdString(store_));
    QVERIFY(counted.wait(10000));
    // Ask for far chunks, then change the query before the worker could answer: nothing of the
    // old query may land in the new one's cache.
    for (int row = 0; row < kRows; row += 20000) model.index(row, 0).data();
    QTest::qWait(0);  // the wishes are sent
    RolloutQuery q;
    q.truncated = true;
    model.setQuery(q);
    QVERIFY(counted.wait(10000));
    QTRY_VERIFY_WITH_TIMEOUT(model.fetchState().requestsSkipped.load() + model.droppedResults() > 0, 5000);
    QVERIFY(waitLoaded(model, 0));
    QCOMPARE(model.rowCount(), int(kRows / 50));
    for (int i = 0; i < 200; ++i) QVERIFY(model.record(i)->truncated);
    QCOMPARE(model.cachedChunks(), 1);
    // The same query set twice in a row: the first count is obsolete too.
    const quint64 before = model.generation();
    model.setQuery(q);
    model.setQuery(q);
    QVERIFY(counted.wait(10000));
    QCOMPARE(model.generation(), before + 2);
    QTest::qWait(50);
    QCOMPARE(counted.count(), 3);  // the obsolete count never reached the view
  }

  void liveRunAppendsRows() {
    const auto dir = longrl::test::freshTempDir("rollout-table-live");
    longrl::test::SyntheticRolloutsOptions o;
    o.steps = 2;
    o.groupsPerStep = 4;
    o.examples = 8;
    o.quoteInResponses = false;
    longrl::test::writeSyntheticRollouts(dir, o);
    RolloutTableModel model(nullptr, 16);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QSignalSpy counted(&model, &RolloutTableModel::rowCountKnown);
    QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
    model.setStorePath(QString::fromStdString(longrl::store::RunStore::fileIn(dir)));
    QVERIFY(counted.wait(10000));
    QCOMPARE(model.rowCount(), 64);
    QVERIFY(waitLoaded(model, 63));
    {
      longrl::store::RunStoreWriter w(longrl::store::RunStore::fileIn(dir));
      RolloutRecord r;
      r.step = 99;
      r.example_id = "ex-1";
      r.answer = "late";
      w.writeRollout(r);
    }
    inserted.clear();
    model.refresh();
    QVERIFY(counted.wait(10000));
    QCOMPARE(model.rowCount(), 65);
    QCOMPARE(inserted.count(), 1);
    QVERIFY(waitLoaded(model, 64));
    QCOMPARE(model.index(64, RolloutTableModel::Answer).data().toString(), QStringLiteral("late"));
  }

  void browserFilterBarDrivesTheModel() {
    longrl::viewers::RolloutBrowser browser;
    QSignalSpy counted(browser.model(), &RolloutTableModel::rowCountKnown);
    browser.resize(1300, 600);
    browser.show();
    browser.setStorePath(QString::fromStdString(store_));
    QVERIFY(counted.wait(10000));
    browser.filters()->verdictBox()->setCurrentIndex(3);  // error
    QVERIFY(counted.wait(10000));
    QVERIFY(browser.model()->query().judge_verdict == std::optional<std::string>("error"));
    browser.filters()->sourceBox()->addItem(QStringLiteral("musique"));
    browser.filters()->sourceBox()->setCurrentText(QStringLiteral("musique"));
    QVERIFY(counted.wait(10000));
    const auto expected = std::count_if(all_.begin(), all_.end(), [&](const RolloutRecord& r) {
      return r.judge_verdict == "error" && sources_[r.example_id] == "musique";
    });
    QCOMPARE(qint64(browser.model()->rowCount()), qint64(expected));
    // The search box can look into the full responses instead of the short fields.
    browser.filters()->reset();
    QVERIFY(counted.wait(10000));
    browser.filters()->searchScopeBox()->setCurrentIndex(1);  // nothing typed yet: no new query
    browser.filters()->searchEdit()->setText(QStringLiteral("SHORT 777"));
    QVERIFY(counted.wait(10000));
    QVERIFY(browser.model()->query().response_contains == std::optional<std::string>("SHORT 777"));
    QVERIFY(!browser.model()->query().text);
    const auto inResponses = std::count_if(all_.begin(), all_.end(), [](const RolloutRecord& r) {
      return r.response.find("short 777") != std::string::npos;
    });
    QVERIFY(inResponses > 10);
    QCOMPARE(qint64(browser.model()->rowCount()), qint64(inResponses));
    QVERIFY(browser.filters()->searchEdit()->placeholderText().contains(QStringLiteral("response")));
    browser.filters()->reset();
    QVERIFY(counted.wait(10000));
    QCOMPARE(browser.filters()->searchScopeBox()->currentIndex(), 0);
    QVERIFY(!browser.filters()->searchEdit()->placeholderText().contains(QStringLiteral("response")));
    QVERIFY(waitLoaded(*browser.model(), 30));
    if (qEnvironmentVariableIsSet("LONGRL_SCREENSHOT_DIR")) {
      QTest::qWait(100);
      browser.grab().save(qEnvironmentVariable("LONGRL_SCREENSHOT_DIR") + QStringLiteral("/rollout-browser.png"));
    }
  }
};

QTEST_MAIN(TestRolloutTableModel)
#include "TestRolloutTableModel.moc"
