#include <QtTest/QtTest>

#include <QAbstractItemModelTester>
#include <QLineEdit>
#include <QTabWidget>
#include <QTableView>

#include <atomic>
#include <thread>

#include "core/store/RunStore.h"
#include "core/store/RunStoreReader.h"
#include "core/store/RunStoreWriter.h"
#include "support/SyntheticRollouts.h"
#include "support/TestPaths.h"
#include "ui/annotate/AnnotationQueue.h"
#include "ui/annotate/AnnotationQueueModel.h"
#include "ui/rollouts/RolloutsWorkspace.h"
#include "viewers/document/DocumentTraceView.h"
#include "viewers/document/RolloutDetailView.h"
#include "viewers/rollouts/RolloutBrowser.h"
#include "viewers/rollouts/RolloutGroupsView.h"
#include "viewers/rollouts/RolloutTableModel.h"

using longrl::ui::AnnotationQueue;
using longrl::ui::AnnotationQueueModel;

namespace {
std::string makeRun(const std::string& name) {
  const auto dir = longrl::test::freshTempDir(name);
  longrl::test::SyntheticRolloutsOptions o;
  o.steps = 6;
  o.groupsPerStep = 4;
  o.examples = 12;
  o.documentWords = 3000;
  longrl::test::writeSyntheticRollouts(dir, o);
  return dir;
}

std::map<std::string, longrl::store::AnnotationRecord> annotationsIn(const std::string& dir) {
  std::map<std::string, longrl::store::AnnotationRecord> out;
  for (const auto& a : longrl::store::RunStoreReader(longrl::store::RunStore::fileIn(dir)).annotations())
    out[a.example_id] = a;
  return out;
}
}  // namespace

class TestAnnotationQueue : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void keyboardLabelsAreWrittenAndUndone() {
    const auto dir = makeRun("annotate-keys");
    AnnotationQueue queue(nullptr, QStringLiteral("alice"));
    QAbstractItemModelTester tester(queue.model(), QAbstractItemModelTester::FailureReportingMode::QtTest);
    QSignalSpy loaded(&queue, &AnnotationQueue::loaded);
    QSignalSpy written(&queue, &AnnotationQueue::writeFinished);
    queue.resize(1000, 500);
    queue.show();
    queue.setStorePath(QString::fromStdString(longrl::store::RunStore::fileIn(dir)));
    QVERIFY(loaded.wait(10000));
    const auto* m = queue.model();
    // Ordered hardest first, as the difficulty table says.
    const auto diff = longrl::store::RunStoreReader(longrl::store::RunStore::fileIn(dir)).difficulty();
    QCOMPARE(m->rowCount(), int(diff.size()));
    double lowest = 2;
    for (const auto& d : diff) lowest = std::min(lowest, d.mean_reward);
    QCOMPARE(m->item(0).mean_reward, lowest);
    for (int r = 1; r < m->rowCount(); ++r) QVERIFY(m->item(r - 1).mean_reward <= m->item(r).mean_reward);

    queue.view()->setFocus();
    const std::string first = m->item(0).example_id, second = m->item(1).example_id;
    QTest::keyClick(queue.view(), Qt::Key_1);
    QCOMPARE(queue.pendingLabel(), QStringLiteral("hard"));
    QTest::keyClick(queue.view(), Qt::Key_Return);
    QVERIFY(written.wait(10000));
    QCOMPARE(written.last().at(1).toString(), QString());
    QCOMPARE(queue.view()->currentIndex().row(), 1);  // moved on
    auto saved = annotationsIn(dir);
    QCOMPARE(saved.size(), std::size_t(1));
    QCOMPARE(saved[first].label, std::string("hard"));
    QCOMPARE(saved[first].author, std::string("alice"));

    // Second: 2 + a note typed in the note field (Ctrl+2 works there too), Enter submits.
    QTest::keyClick(queue.view(), Qt::Key_3);
    queue.noteEdit()->setFocus();
    QTest::keyClicks(queue.noteEdit(), QStringLiteral("needs 2 hops"));
    QTest::keyClick(queue.noteEdit(), Qt::Key_2, Qt::ControlModifier);
    QCOMPARE(queue.pendingLabel(), QStringLiteral("not_hard"));
    QCOMPARE(queue.noteEdit()->text(), QStringLiteral("needs 2 hops"));
    QTest::keyClick(queue.noteEdit(), Qt::Key_Return);
    QVERIFY(written.wait(10000));
    saved = annotationsIn(dir);
    QCOMPARE(saved[second].label, std::string("not_hard"));
    QCOMPARE(saved[second].note, std::string("needs 2 hops"));
    const auto counts = m->counts();
    QCOMPARE(counts.at("hard"), 1);
    QCOMPARE(counts.at("not_hard"), 1);
    QVERIFY(queue.countsText().contains(QStringLiteral("hard 1")));

    // Relabelling replaces; undo restores the previous label, and a first label is removed.
    queue.view()->setFocus();
    queue.view()->setCurrentIndex(m->index(0, 0));
    QTest::keyClick(queue.view(), Qt::Key_3);
    QTest::keyClick(queue.view(), Qt::Key_Enter);
    QVERIFY(written.wait(10000));
    QCOMPARE(annotationsIn(dir)[first].label, std::string("unsure"));
    QTest::keyClick(queue.view(), Qt::Key_Z, Qt::ControlModifier);
    QVERIFY(written.wait(10000));
    QCOMPARE(annotationsIn(dir)[first].label, std::string("hard"));
    QCOMPARE(queue.view()->currentIndex().row(), 0);
    queue.undo();  // the note-field submission
    QVERIFY(written.wait(10000));
    queue.undo();  // the very first one: its row goes
    QVERIFY(written.wait(10000));
    QVERIFY(annotationsIn(dir).empty());
    QCOMPARE(m->counts().at(""), m->rowCount());

    // Enter without a label writes nothing.
    queue.view()->setFocus();
    QTest::keyClick(queue.view(), Qt::Key_Return);
    QTest::qWait(100);
    QCOMPARE(queue.writesInFlight(), 0);
    QVERIFY(annotationsIn(dir).empty());
  }

  // A live run: the trainer holds the store's write lock in short bursts; annotations wait their
  // turn and land, and the trainer never sees an error either.
  void annotationsWhileTheTrainerWrites() {
    const auto dir = makeRun("annotate-live");
    const auto path = longrl::store::RunStore::fileIn(dir);
    std::atomic<bool> stop{false};
    std::atomic<int> trainerErrors{0}, trainerRows{0};
    std::thread trainer([&] {
      longrl::store::RunStoreWriter::Options opts;
      opts.maxBatch = 200;
      longrl::store::RunStoreWriter w(path, opts);
      for (int i = 0; !stop; ++i) {
        try {
          longrl::store::RolloutRecord r;
          r.step = 1000 + i / 64;
          r.example_id = "ex-" + std::to_string(i % 12);
          r.sample_idx = i % 64;
          r.response = std::string(600, 'x');
          w.writeRollout(r);
          ++trainerRows;
        } catch (const std::exception&) {
          ++trainerErrors;
        }
      }
    });
    AnnotationQueue queue(nullptr, QStringLiteral("bob"));
    QSignalSpy loaded(&queue, &AnnotationQueue::loaded);
    QSignalSpy written(&queue, &AnnotationQueue::writeFinished);
    queue.setStorePath(QString::fromStdString(path));
    QVERIFY(loaded.wait(10000));
    const int n = std::min(6, queue.model()->rowCount());
    for (int i = 0; i < n; ++i) {
      queue.chooseLabel(i % 3);
      queue.submit();
    }
    QTRY_COMPARE_WITH_TIMEOUT(written.count(), n, 30000);
    stop = true;
    trainer.join();
    for (const auto& w : written) QCOMPARE(w.at(1).toString(), QString());
    QCOMPARE(int(annotationsIn(dir).size()), n);
    QCOMPARE(trainerErrors.load(), 0);
    QVERIFY(trainerRows.load() > 0);
  }

  void workspaceShowsTheSelection() {
    const auto dir = makeRun("workspace");
    longrl::ui::RolloutsWorkspace ws;
    ws.resize(1600, 900);
    ws.show();
    QVERIFY(QTest::qWaitForWindowExposed(&ws));
    QSignalSpy counted(ws.browser()->model(), &longrl::viewers::RolloutTableModel::rowCountKnown);
    QSignalSpy shown(ws.detail(), &longrl::viewers::RolloutDetailView::shown);
    ws.setRunDir(QString::fromStdString(dir));
    QVERIFY(counted.wait(10000));
    QCOMPARE(ws.browser()->model()->rowCount(), 6 * 4 * 8);
    auto* table = ws.browser()->view();
    QTRY_VERIFY_WITH_TIMEOUT(table->model()->index(5, 0).data(longrl::viewers::RolloutTableModel::LoadedRole).toBool(),
                             5000);
    table->setCurrentIndex(table->model()->index(5, 0));
    QVERIFY(shown.wait(10000));
    const qint64 id = table->model()->index(5, 0).data(longrl::viewers::RolloutTableModel::RolloutIdRole).toLongLong();
    QCOMPARE(ws.detail()->shownRollout(), id);
    QSignalSpy aligned(ws.detail()->trace(), &longrl::viewers::DocumentTraceView::alignmentReady);
    QVERIFY(aligned.count() > 0 || aligned.wait(10000));
    QVERIFY(!ws.detail()->trace()->links().empty());
    const QString shots = qEnvironmentVariable("LONGRL_SCREENSHOT_DIR");
    if (!shots.isEmpty()) {
      QTest::qWait(100);
      ws.grab().save(shots + QStringLiteral("/workspace-table.png"));
      ws.detail()->tabs()->setCurrentIndex(1);
      ws.grab().save(shots + QStringLiteral("/workspace-judge.png"));
      ws.detail()->tabs()->setCurrentIndex(0);
    }
    // Double-click follows the example across steps.
    ws.followExample(QStringLiteral("ex-3"));
    QCOMPARE(ws.tabs()->currentWidget(), static_cast<QWidget*>(ws.history()));
    // The annotation queue's selection shows the example's latest rollout.
    ws.tabs()->setCurrentWidget(ws.annotations());
    QTRY_VERIFY_WITH_TIMEOUT(ws.annotations()->model()->rowCount() > 0, 10000);
    shown.clear();
    ws.annotations()->view()->setCurrentIndex(ws.annotations()->model()->index(2, 0));
    QVERIFY(shown.wait(10000));
    if (!shots.isEmpty()) {
      QTest::qWait(100);
      ws.grab().save(shots + QStringLiteral("/workspace-annotate.png"));
    }
  }
};

QTEST_MAIN(TestAnnotationQueue)
#include "TestAnnotationQueue.moc"
