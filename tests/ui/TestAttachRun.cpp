// Attach to a run the studio did not start: the target's syntax, the dialog, and following a
// "remote" run through a real sshd with the real `longrl follow`: its store so far, each new
// record, detach (the remote follower exits, the run goes on), attach again, and the end.
#include <QtTest/QtTest>

#include <QDialogButtonBox>
#include <QLineEdit>
#include <QPushButton>

#include "core/store/RunStore.h"
#include "core/store/RunStoreReader.h"
#include "core/store/RunStoreWriter.h"
#include "support/Screenshot.h"
#include "support/SyntheticRollouts.h"
#include "support/TestPaths.h"
#include "support/TestSshd.h"
#include "ui/MainWindow.h"
#include "ui/annotate/AnnotationSyncThread.h"
#include "ui/launch/AttachDialog.h"
#include "ui/launch/AttachTarget.h"
#include "ui/launch/RunAttachment.h"
#include "viewers/data/RunSession.h"

using namespace longrl;
using ui::LaunchSpec;

namespace {

std::size_t points(const QString& runDir, const char* metric) {
  const auto path = store::RunStore::fileIn(runDir.toStdString());
  if (!QFile::exists(QString::fromStdString(path))) return 0;
  return store::RunStoreReader(path).metricSeries(metric).size();
}

bool followerRunning(const QString& remoteDir) {
  QProcess p;
  p.start("pgrep", {"-f", "longrl follow " + remoteDir});
  p.waitForFinished(5000);
  return p.exitCode() == 0;
}

}  // namespace

class TestAttachRun : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void initTestCase() {
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName("longrl-tests");
  }

  void targetsParseAsScpWritesThem() {
    LaunchSpec s;
    QCOMPARE(ui::AttachTarget::parse("ana@gpu-7.lab:/data/runs/r1", s), QString());
    QCOMPARE(int(s.kind), int(LaunchSpec::Kind::Ssh));
    QCOMPARE(s.user, QStringLiteral("ana"));
    QCOMPARE(s.host, QStringLiteral("gpu-7.lab"));
    QCOMPARE(s.remoteRunDir, QStringLiteral("/data/runs/r1"));
    QCOMPARE(ui::AttachTarget::defaultMirror(s, "/m"), QStringLiteral("/m/gpu-7.lab-r1"));
    LaunchSpec local;
    QCOMPARE(ui::AttachTarget::parse("/tmp/a:b/run", local), QString());  // a colon after a slash: a path
    QCOMPARE(int(local.kind), int(LaunchSpec::Kind::Local));
    QCOMPARE(local.localRunDir, QStringLiteral("/tmp/a:b/run"));
    LaunchSpec bad;
    QVERIFY(ui::AttachTarget::parse("gpu box:/x", bad).contains("not a host name"));
    QVERIFY(ui::AttachTarget::parse("gpu:", bad).contains("no run directory"));
    QVERIFY(ui::AttachTarget::parse("  ", bad).contains("HOST:/path"));
  }

  void dialogOffersAttachOnlyForAValidTarget() {
    ui::AttachDialog d("/mirrors");
    auto* ok = d.findChild<QDialogButtonBox*>()->button(QDialogButtonBox::Ok);
    d.targetEdit()->setText("bad host:/x");
    QVERIFY(!ok->isEnabled());
    test::saveScreenshot(&d, "attach-dialog-error");
    d.targetEdit()->setText("gpu-box:~/runs/r2");
    QVERIFY(ok->isEnabled());
    test::saveScreenshot(&d, "attach-dialog");
    QString error;
    const LaunchSpec s = d.spec(&error);
    QVERIFY(error.isEmpty());
    QCOMPARE(s.remoteRunDir, QStringLiteral("~/runs/r2"));
    QCOMPARE(s.localRunDir, QStringLiteral("/mirrors/gpu-box-r2"));
    QCOMPARE(s.remoteLongrl, QStringLiteral("longrl"));
  }

  void followsDetachesAndAttachesAgainOverSsh() {
    if (!test::TestSshd::available()) QSKIP("openssh-server not installed (/usr/sbin/sshd)");
    test::TestSshd sshd;
    QVERIFY2(sshd.start(), "could not start sshd on 127.0.0.1");
    const QString root = QString::fromStdString(test::freshTempDir("attach"));
    const QString remote = root + "/remote-run";
    test::SyntheticRolloutsOptions o;
    o.steps = 3;
    o.examples = 6;
    o.documentWords = 200;
    test::writeSyntheticRollouts(remote.toStdString(), o);
    const auto remoteStore = store::RunStore::fileIn(remote.toStdString());
    {
      store::RunStoreWriter w(remoteStore);
      w.writeRun({"someone-elses-run", "running", "{}", "", 1, 1});
      for (int step = 1; step <= 3; ++step) w.writeMetric({0, step, 0, "critic/score/mean", 0.1 * step, 1e9 + step});
    }
    const std::size_t before = points(remote, "critic/score/mean");
    QVERIFY(before > 0);

    LaunchSpec spec;
    QCOMPARE(ui::AttachTarget::parse("127.0.0.1:" + remote, spec), QString());
    spec.port = sshd.port();
    spec.sshOptions = sshd.sshOptions();
    spec.remoteLongrl = QString::fromStdString(test::cliPath());
    spec.localRunDir = root + "/mirror";
    ui::MainWindow w;
    viewers::RunSession* run = w.attachToRun(spec);
    QVERIFY(run);
    ui::RunAttachment* a = w.attachmentFor(run);
    QVERIFY(a && a->isAttached());
    QVERIFY2(w.annotationSyncFor(run), "labels go to an attached ssh run too");
    QTRY_COMPARE_WITH_TIMEOUT(points(spec.localRunDir, "critic/score/mean"), before, 20000);
    QTRY_COMPARE_WITH_TIMEOUT(run->name(), QStringLiteral("someone-elses-run"), 10000);
    w.resize(1366, 768);
    test::saveScreenshot(&w, "attached-run");

    auto append = [&](int step) {
      store::RunStoreWriter(remoteStore).writeMetric({0, step, 0, "critic/score/mean", 0.5, 1e9 + step});
    };
    append(1000);  // the run goes on: followed as it grows
    QTRY_COMPARE_WITH_TIMEOUT(points(spec.localRunDir, "critic/score/mean"), before + 1, 10000);

    w.detachRun(run);
    QTRY_VERIFY_WITH_TIMEOUT(!a->isAttached(), 10000);
    QTRY_VERIFY_WITH_TIMEOUT(!followerRunning(remote), 10000);  // no follower left behind
    append(1001);
    QTest::qWait(1500);
    QCOMPARE(points(spec.localRunDir, "critic/score/mean"), before + 1);  // detached: not followed
    QVERIFY2(w.messagesText().contains("detached from"), qPrintable(w.messagesText()));

    QSignalSpy ended(a, &ui::RunAttachment::ended);
    a->attach();
    QTRY_COMPARE_WITH_TIMEOUT(points(spec.localRunDir, "critic/score/mean"), before + 2, 20000);
    { store::RunStoreWriter(remoteStore).writeRun({"someone-elses-run", "finished", "", "", 0, 2}); }
    QVERIFY(ended.wait(20000));  // the run ended: so does following it
    QCOMPARE(ended.at(0).at(0).toBool(), true);
    QTRY_COMPARE_WITH_TIMEOUT(run->status(), QStringLiteral("finished"), 10000);
  }
};

QTEST_MAIN(TestAttachRun)
#include "TestAttachRun.moc"
