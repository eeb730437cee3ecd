// A remote run's labels on their way (AnnotationSync): queued in the mirror while the link is
// down, sent again after a lost reply, and in the run's store exactly once at the end. The "link"
// is a wrapper around the real `longrl annotate` that fails as ssh does; the run directory is a
// template run's shared one.
#include <QtTest/QtTest>

#include <QAbstractItemModelTester>
#include <QFile>
#include <QPushButton>
#include <QTableView>

#include "core/store/AnnotationInbox.h"
#include "core/store/AnnotationOutbox.h"
#include "core/store/RunStore.h"
#include "core/store/RunStoreReader.h"
#include "core/store/RunStoreWriter.h"
#include "support/SyntheticRollouts.h"
#include "support/TestPaths.h"
#include "ui/annotate/AnnotationQueue.h"
#include "ui/annotate/AnnotationQueueModel.h"
#include "ui/annotate/AnnotationStore.h"
#include "ui/annotate/AnnotationSyncThread.h"

using namespace longrl;
using ui::AnnotationSyncThread;

namespace {

std::map<std::string, std::string> labelsIn(const QString& runDir) {
  std::map<std::string, std::string> out;
  store::RunStoreReader r(store::RunStore::fileIn(runDir.toStdString()));
  for (const auto& a : r.annotations()) out[a.example_id] = a.label;
  return out;
}

int continueEventsIn(const QString& runDir) {
  store::RunStoreReader r(store::RunStore::fileIn(runDir.toStdString()));
  int n = 0;
  for (const auto& e : r.eventsAfter(0)) n += e.kind == store::AnnotationInbox::kContinueEvent;
  return n;
}

store::AnnotationRecord label(const std::string& id, const std::string& l) {
  return {id, l, "", "tester", double(QDateTime::currentMSecsSinceEpoch()) / 1000.0};
}

}  // namespace

class TestAnnotationSync : public QObject {
  Q_OBJECT
  QString root_, link_;

  ui::LaunchSpec templateSpec(const QString& remoteDir) {
    ui::LaunchSpec spec;
    spec.kind = ui::LaunchSpec::Kind::Template;
    spec.templ = QStringLiteral("srun {command}");
    spec.remoteRunDir = remoteDir;
    spec.localRunDir = root_ + "/mirror";
    return spec;
  }

 private Q_SLOTS:
  void initTestCase() {
    root_ = QString::fromStdString(test::freshTempDir("annotation-sync"));
    // down: fails before anything happens; lose-reply: applies, then the connection drops.
    link_ = root_ + "/link.sh";
    QFile f(link_);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(QStringLiteral("#!/bin/sh\n"
                           "if [ -e '%1/down' ]; then echo 'ssh: connect to host gpu port 22: Connection refused' >&2; "
                           "exit 255; fi\n"
                           "if [ -e '%1/lose-reply' ]; then rm '%1/lose-reply'; '%2' \"$@\" >/dev/null; "
                           "echo 'Connection to gpu closed by remote host.' >&2; exit 255; fi\n"
                           "exec '%2' \"$@\"\n")
                .arg(root_, QString::fromStdString(test::cliPath()))
                .toUtf8());
    f.close();
    f.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner);
  }

  void labelsSurviveADroppingLinkAndArriveOnce() {
    const QString remote = root_ + "/cluster-run", mirror = root_ + "/mirror";
    test::SyntheticRolloutsOptions o;
    o.steps = 2;
    o.examples = 6;
    test::writeSyntheticRollouts(mirror.toStdString(), o);
    { store::RunStoreWriter w(store::RunStore::fileIn(remote.toStdString())); }
    const QString mirrorStore = QString::fromStdString(store::RunStore::fileIn(mirror.toStdString()));
    // Labels made while the link is down: saved in the mirror, queued for the run.
    QVERIFY(QFile(root_ + "/down").open(QIODevice::WriteOnly));
    ui::AnnotationStore labels(QStringLiteral("tester"));
    QSignalSpy written(&labels, &ui::AnnotationStore::written);
    labels.write(mirrorStore, label("ex-0", "hard"), true);
    labels.write(mirrorStore, label("ex-1", "hard"), true);
    labels.remove(mirrorStore, QStringLiteral("ex-1"), true);
    labels.write(mirrorStore, label("ex-2", "not_hard"), true);
    labels.continueAfter(mirrorStore, 0, true);
    QCOMPARE(written.size(), 4);
    for (const auto& call : written) QCOMPARE(call.at(1).toString(), QString());

    AnnotationSyncThread sync(mirrorStore, templateSpec(remote), link_, nullptr, 100);
    QTRY_VERIFY_WITH_TIMEOUT(sync.state().error.contains("Connection refused"), 10000);
    QCOMPARE(sync.state().pending, 5);
    QVERIFY(sync.state().retryInS >= 2);
    QVERIFY(labelsIn(remote).empty());

    // The link comes back but drops the reply: applied there, still queued here.
    QFile::remove(root_ + "/down");
    QVERIFY(QFile(root_ + "/lose-reply").open(QIODevice::WriteOnly));
    sync.retryNow();
    QTRY_VERIFY_WITH_TIMEOUT(sync.state().error.contains("closed by remote host"), 10000);
    QCOMPARE(sync.state().pending, 5);
    QCOMPARE(labelsIn(remote), (std::map<std::string, std::string>{{"ex-0", "hard"}, {"ex-2", "not_hard"}}));

    // Sent again whole: nothing applied twice, everything marked delivered.
    QSignalSpy delivered(&sync, &AnnotationSyncThread::delivered);
    sync.retryNow();
    QTRY_VERIFY_WITH_TIMEOUT(sync.state().pending == 0 && sync.state().error.isEmpty(), 10000);
    QVERIFY(delivered.size() >= 1);
    QCOMPARE(sync.state().delivered, 5);
    QCOMPARE(labelsIn(remote), (std::map<std::string, std::string>{{"ex-0", "hard"}, {"ex-2", "not_hard"}}));
    QCOMPARE(continueEventsIn(remote), 1);
    store::RunStoreReader m(mirrorStore.toStdString());
    QCOMPARE(store::AnnotationOutbox(m.db()).deliveredByExample("tester"),
             (std::map<std::string, bool>{{"ex-0", true}, {"ex-1", true}, {"ex-2", true}}));
  }

  void queueShowsWhereEachLabelIs() {
    const QString mirror = root_ + "/mirror";
    ui::AnnotationQueue queue(nullptr, QStringLiteral("tester"));
    QAbstractItemModelTester tester(queue.model());
    QSignalSpy loaded(&queue, &ui::AnnotationQueue::loaded);
    queue.setStorePath(QString::fromStdString(store::RunStore::fileIn(mirror.toStdString())), true);
    QVERIFY(loaded.wait(10000));
    auto trainerCell = [&](const char* id) {
      const int row = queue.model()->rowOf(id);
      return queue.model()->index(row, ui::AnnotationQueueModel::Trainer).data().toString();
    };
    QCOMPARE(trainerCell("ex-0"), QStringLiteral("✓ there"));
    QCOMPARE(trainerCell("ex-3"), QString());
    // A new label is queued until delivery is confirmed.
    queue.view()->setCurrentIndex(queue.model()->index(queue.model()->rowOf("ex-3"), 0));
    queue.chooseLabel(0);
    queue.submit();
    QCOMPARE(trainerCell("ex-3"), QStringLiteral("queued"));
    QTRY_COMPARE(queue.writesInFlight(), 0);
    queue.setSyncState(1, 5, QStringLiteral("ssh: connect to host gpu port 22: Connection refused"), 8);
    QVERIFY2(queue.syncText().contains("queued for the remote run") && queue.syncText().contains("retrying in 8 s"),
             qPrintable(queue.syncText()));
    // The trainer's wait shows a banner with Continue; without a wait there is none.
    QVERIFY(!queue.continueButton()->isVisibleTo(&queue));
    queue.setAnnotationWait(1, double(QDateTime::currentMSecsSinceEpoch()) / 1000.0 + 125);
    QVERIFY(queue.continueButton()->isVisibleTo(&queue));
    queue.setAnnotationWait(-1, 0);
    QVERIFY(!queue.continueButton()->isVisibleTo(&queue));
  }

  void templateRunWithoutSharedDirectoryKeepsLabelsQueued() {
    const QString mirror = root_ + "/mirror2";
    { store::RunStoreWriter w(store::RunStore::fileIn(mirror.toStdString())); }
    const QString mirrorStore = QString::fromStdString(store::RunStore::fileIn(mirror.toStdString()));
    ui::AnnotationStore labels(QStringLiteral("tester"));
    labels.write(mirrorStore, label("ex-0", "hard"), true);
    AnnotationSyncThread sync(mirrorStore, templateSpec(QStringLiteral("/scratch/on/the/cluster/run")), link_, nullptr,
                              100);
    QTRY_VERIFY_WITH_TIMEOUT(!sync.state().error.isEmpty(), 10000);
    QVERIFY2(sync.state().error.contains("only through a shared filesystem") &&
                 sync.state().error.contains("/scratch/on/the/cluster/run"),
             qPrintable(sync.state().error));
    QCOMPARE(sync.state().pending, 1);
  }
};

QTEST_MAIN(TestAnnotationSync)
#include "TestAnnotationSync.moc"
