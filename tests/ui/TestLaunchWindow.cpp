// The launcher inside the main window: a crashed trainer's cause in Messages and in the runs
// list, a mirrored templated run charted, stop / resume from the window, ssh refused; the rest of
// the window keeps working.
#include <QtTest/QtTest>

#include <QAbstractItemModelTester>
#include <QFile>
#include <QSettings>

#include "support/LoopbackPort.h"
#include "support/SyntheticRun.h"
#include "support/TestPaths.h"
#include "ui/MainWindow.h"
#include "ui/RunsModel.h"
#include "ui/launch/LaunchSpec.h"
#include "ui/launch/TrainerProcess.h"
#include "viewers/data/RunSession.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

using longrl::ui::LaunchSpec;
using longrl::ui::MainWindow;
using longrl::ui::RunsModel;
using longrl::ui::TrainerProcess;
using longrl::viewers::RunSession;

namespace {

QString statusOf(MainWindow& w, RunSession* run) {
  const auto runs = w.runsModel()->runs();
  return w.runsModel()->data(w.runsModel()->index(int(runs.indexOf(run)), RunsModel::Status)).toString();
}

}  // namespace

class TestLaunchWindow : public QObject {
  Q_OBJECT
 private:
  QString trainer_;
  QByteArray config_ = "{\"model\": {\"path\": \"/m\"}}\n";

  LaunchSpec localSpec(const char* name) {
    LaunchSpec s;
    s.localRunDir = QString::fromStdString(longrl::test::freshTempDir(name)) + "/run";
    s.trainerProgram = trainer_;
    return s;
  }

 private Q_SLOTS:
  void initTestCase() {
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName("longrl-tests");
    QCoreApplication::setApplicationName("TestLaunchWindow");
    QSettings().clear();
    trainer_ = QString::fromStdString(longrl::test::freshTempDir("launch-window")) + "/fake_trainer.sh";
    QVERIFY(QFile::copy(QString::fromStdString(longrl::test::sourcePath("tests/ui/fake_trainer.sh")), trainer_));
    QFile(trainer_).setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner);
  }
  void init() { qunsetenv("FAKE_TRAINER_MODE"); }

  void crashIsShownWithItsCauseAndTheWindowGoesOn() {
    MainWindow w;
    QAbstractItemModelTester tester(w.runsModel(), QAbstractItemModelTester::FailureReportingMode::QtTest);
    qputenv("FAKE_TRAINER_MODE", "crash");
    const LaunchSpec spec = localSpec("window-crash");
    RunSession* run = w.launchRun(spec, config_);
    QVERIFY(run);
    QCOMPARE(w.trainerFor(run)->spec().localRunDir, spec.localRunDir);
    const QString cause = "trainer crashed (exit code 3): RuntimeError: CUDA out of memory (fake)";
    QTRY_COMPARE_WITH_TIMEOUT(statusOf(w, run), cause, 10000);
    QVERIFY2(w.messagesText().contains("run: " + cause), qPrintable(w.messagesText()));
    QVERIFY(w.messagesText().contains("last trainer output:\nfake_trainer: loading model\nRuntimeError"));
    QTest::qWait(600);  // the follower polls meanwhile: the cause stays
    QCOMPARE(statusOf(w, run), cause);

    // The rest of the window works: another run opens and reads its store.
    const std::string other = longrl::test::freshTempDir("window-other");
    longrl::test::SyntheticRunOptions o;
    o.steps = 50;
    longrl::test::writeSyntheticRun(other, o);
    RunSession* second = w.openRun(QString::fromStdString(other));
    QVERIFY(second);
    QTRY_COMPARE_WITH_TIMEOUT(second->lastStep(), 49.0, 10000);

    // Resume after the crash: --resume on the same directory, and the crash status goes away.
    qunsetenv("FAKE_TRAINER_MODE");
    w.resumeRun(run);
    QTRY_COMPARE_WITH_TIMEOUT(w.trainerFor(run)->state(), TrainerProcess::State::Finished, 10000);
    QFile starts(spec.localRunDir + "/starts.txt");
    QVERIFY(starts.open(QIODevice::ReadOnly));
    QCOMPARE(starts.readAll(), QByteArray("start resume=0\nstart resume=1\n"));
    QVERIFY(statusOf(w, run) != cause);
  }

  void mirroredRunIsCharted() {
    MainWindow w;
    const QString root = QString::fromStdString(longrl::test::freshTempDir("window-mirror"));
    LaunchSpec spec;
    spec.kind = LaunchSpec::Kind::Template;
    spec.localRunDir = root + "/mirror";
    spec.remoteRunDir = root + "/remote";
    spec.remoteLongrl = trainer_;
    spec.templ = "env FAKE_TRAINER_STEPS=6 {command}";
    RunSession* run = w.launchRun(spec, config_);
    QVERIFY(run);
    QCOMPARE(run->location(), QString("template"));
    QTRY_COMPARE_WITH_TIMEOUT(run->lastStep(), 5.0, 10000);
    QTRY_COMPARE_WITH_TIMEOUT(statusOf(w, run), QString("finished"), 10000);
    QCOMPARE(run->name(), QString("fake-run"));
    QVERIFY(w.messagesText().contains("event line 10: metric: field 'step' must be an integer"));
  }

  // The mirror says "running" (the trainer died before saying otherwise): the cause is shown
  // anyway, and stays when the follower reads the store again.
  void crashAfterEventsKeepsTheCause() {
    MainWindow w;
    qputenv("FAKE_TRAINER_MODE", "events-crash");
    const QString root = QString::fromStdString(longrl::test::freshTempDir("window-mirror-crash"));
    LaunchSpec spec;
    spec.kind = LaunchSpec::Kind::Template;
    spec.localRunDir = root + "/mirror";
    spec.remoteRunDir = root + "/remote";
    spec.remoteLongrl = trainer_;
    spec.templ = "{command}";
    RunSession* run = w.launchRun(spec, config_);
    QVERIFY(run);
    const QString cause = "trainer crashed (exit code 4): fake_trainer: NCCL watchdog timeout";
    QTRY_COMPARE_WITH_TIMEOUT(run->lastStep(), 4.0, 10000);
    QTRY_COMPARE_WITH_TIMEOUT(statusOf(w, run), cause, 10000);
    QCOMPARE(run->name(), QString("fake-run"));
    QTest::qWait(600);
    QCOMPARE(statusOf(w, run), cause);
    if (qEnvironmentVariableIsSet("LONGRL_SCREENSHOT_DIR")) {
      w.restoreSettings();  // the default charts
      w.resize(1300, 800);
      w.show();
      QVERIFY(QTest::qWaitForWindowExposed(&w));
      QTest::qWait(300);
      w.grab().save(qEnvironmentVariable("LONGRL_SCREENSHOT_DIR") + "/launched-run-crashed.png");
    }
  }

  void stopFromTheWindow() {
    MainWindow w;
    qputenv("FAKE_TRAINER_MODE", "sleep");
    const LaunchSpec spec = localSpec("window-stop");
    RunSession* run = w.launchRun(spec, config_);
    QVERIFY(run);
    QVERIFY(w.launchRun(spec, config_) == nullptr);  // one trainer per run directory
    QVERIFY(w.messagesText().contains("a trainer is already running for this run"));
    QTRY_VERIFY_WITH_TIMEOUT(QFile::exists(spec.localRunDir + "/running"), 10000);
    w.closeRun(run);  // refused while the trainer runs
    QCOMPARE(w.runsModel()->rowCount(), 1);
    w.stopRun(run);
    QTRY_COMPARE_WITH_TIMEOUT(statusOf(w, run), QString("stopped"), 10000);
    w.closeRun(run);
    QCOMPARE(w.runsModel()->rowCount(), 0);
  }

  void sshRefusedIsAMessage() {
    MainWindow w;
    LaunchSpec spec;
    spec.kind = LaunchSpec::Kind::Ssh;
    spec.host = "127.0.0.1";
    spec.port = longrl::test::unusedLoopbackPort();
    spec.connectTimeoutS = 5;
    spec.localRunDir = QString::fromStdString(longrl::test::freshTempDir("window-ssh")) + "/mirror";
    spec.remoteRunDir = "~/runs/x";
    RunSession* run = w.launchRun(spec, config_);
    QVERIFY(run);
    QCOMPARE(run->location(), QString("127.0.0.1"));
    QTRY_VERIFY_WITH_TIMEOUT(statusOf(w, run).startsWith("ssh to 127.0.0.1 failed (exit code 255)"), 15000);
    QVERIFY(statusOf(w, run).contains("Connection refused"));
    QVERIFY(w.messagesText().contains("Connection refused"));
  }

  void unusableRunDirectoryIsAMessage() {
    MainWindow w;
    LaunchSpec spec = localSpec("window-baddir");
    spec.localRunDir = "/proc/no-runs-here/run";
    QVERIFY(w.launchRun(spec, config_) == nullptr);
    QVERIFY(w.messagesText().contains("cannot create the run directory /proc/no-runs-here/run"));
    QCOMPARE(w.runsModel()->rowCount(), 0);
  }
};

QTEST_MAIN(TestLaunchWindow)
#include "TestLaunchWindow.moc"
