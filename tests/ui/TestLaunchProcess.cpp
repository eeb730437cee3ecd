// TrainerProcess with a fake trainer (tests/ui/fake_trainer.sh): local runs, crash, stop, kill,
// resume, the event-stream mirror of a templated run, ssh refused, and ssh through a real sshd.
#include <QtTest/QtTest>

#include <QFile>

#include <signal.h>

#include "core/config/RunConfig.h"
#include "core/store/RunStoreReader.h"
#include "support/LoopbackPort.h"
#include "support/TestPaths.h"
#include "support/TestSshd.h"
#include "ui/launch/TrainerProcess.h"

using longrl::ui::LaunchSpec;
using longrl::ui::TrainerProcess;

namespace {

QString readFile(const QString& path) {
  QFile f(path);
  return f.open(QIODevice::ReadOnly) ? QString::fromUtf8(f.readAll()) : QStringLiteral("<missing %1>").arg(path);
}

QStringList readLines(const QString& path) {
  QStringList lines = readFile(path).split('\n');
  if (!lines.isEmpty() && lines.last().isEmpty()) lines.removeLast();
  return lines;
}

bool waitFinished(TrainerProcess& p, int ms = 10000) {
  QSignalSpy spy(&p, &TrainerProcess::finished);
  return p.state() == TrainerProcess::State::Finished || p.state() == TrainerProcess::State::Failed || spy.wait(ms);
}

}  // namespace

class TestLaunchProcess : public QObject {
  Q_OBJECT
 private:
  QString trainer_, tmp_;
  QByteArray configJson_;

  // A run directory whose name would run commands if any shell parsed it unquoted.
  QString nastyDir(const QString& under, const QString& leaf) const {
    return under + '/' + leaf + " '; touch " + tmp_ + "/pwned1 #$(touch " + tmp_ + "/pwned2)";
  }
  LaunchSpec localSpec(const QString& name) {
    LaunchSpec s;
    s.localRunDir = nastyDir(QString::fromStdString(longrl::test::freshTempDir(name.toStdString())), "run");
    s.trainerProgram = trainer_;
    return s;
  }

 private Q_SLOTS:
  void initTestCase() {
    tmp_ = QString::fromStdString(longrl::test::freshTempDir("launch-process"));
    trainer_ = tmp_ + "/fake_trainer.sh";
    QVERIFY(QFile::copy(QString::fromStdString(longrl::test::sourcePath("tests/ui/fake_trainer.sh")), trainer_));
    QFile(trainer_).setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner);
    longrl::config::RunConfig config;
    config.model.path = "/models/it's'; rm -rf / #";
    config.dataset.train = {"$(touch " + tmp_.toStdString() + "/pwned3)", "`id`.jsonl"};
    configJson_ = QByteArray::fromStdString(config.toJson().dump(2));
  }

  void init() { qunsetenv("FAKE_TRAINER_MODE"); }

  void cleanupTestCase() {
    for (const char* f : {"pwned1", "pwned2", "pwned3"}) QVERIFY2(!QFile::exists(tmp_ + '/' + f), f);
  }

  void localRunGetsArgvAndConfigVerbatim() {
    const LaunchSpec spec = localSpec("local-ok");
    TrainerProcess p(spec, configJson_);
    QSignalSpy started(&p, &TrainerProcess::started);
    p.start();
    QVERIFY(waitFinished(p));
    QCOMPARE(started.count(), 1);
    QCOMPARE(p.state(), TrainerProcess::State::Finished);
    QCOMPARE(p.outcome(), QString("finished"));
    QVERIFY(p.failure().isEmpty());
    QCOMPARE(readLines(spec.localRunDir + "/argv.txt"),
             (QStringList{"train", "--config", spec.localRunDir + "/config.json", "--run-dir", spec.localRunDir}));
    QCOMPARE(readFile(spec.localRunDir + "/config.received.json").toUtf8(), configJson_);
    QCOMPARE(p.outputTail(), QStringList{"fake_trainer: done"});
  }

  void crashShowsExitCodeAndLastStderrLine() {
    qputenv("FAKE_TRAINER_MODE", "crash");
    TrainerProcess p(localSpec("local-crash"), configJson_);
    QSignalSpy messages(&p, &TrainerProcess::message);
    p.start();
    QVERIFY(waitFinished(p));
    QCOMPARE(p.state(), TrainerProcess::State::Failed);
    QCOMPARE(p.failure(), QString("trainer crashed (exit code 3): RuntimeError: CUDA out of memory (fake)"));
    QCOMPARE(p.outputTail(), (QStringList{"fake_trainer: loading model", "RuntimeError: CUDA out of memory (fake)"}));
    bool reported = false;
    for (const auto& m : messages) reported |= m[0].toString() == p.failure() && m[1].toBool();
    QVERIFY(reported);
  }

  void missingTrainerFailsToStart() {
    LaunchSpec spec = localSpec("local-missing");
    spec.trainerProgram = tmp_ + "/no-such-longrl";
    TrainerProcess p(spec, configJson_);
    p.start();
    QVERIFY(waitFinished(p));
    QCOMPARE(p.state(), TrainerProcess::State::Failed);
    QVERIFY2(p.failure().startsWith("trainer failed to start: " + spec.trainerProgram), qPrintable(p.failure()));
  }

  void unwritableRunDirIsReported() {
    LaunchSpec spec = localSpec("local-unwritable");
    QFile blocker(tmp_ + "/a-file");
    QVERIFY(blocker.open(QIODevice::WriteOnly));
    blocker.close();
    spec.localRunDir = tmp_ + "/a-file/run";  // a directory under a regular file cannot exist
    TrainerProcess p(spec, configJson_);
    p.start();
    QCOMPARE(p.state(), TrainerProcess::State::Failed);
    QCOMPARE(p.failure(), "cannot create the run directory " + spec.localRunDir);
  }

  void stopSendsSigtermAndTheTrainerHonoursIt() {
    qputenv("FAKE_TRAINER_MODE", "sleep");
    const LaunchSpec spec = localSpec("local-stop");
    TrainerProcess p(spec, configJson_);
    p.start();
    QTRY_VERIFY_WITH_TIMEOUT(QFile::exists(spec.localRunDir + "/running"), 10000);
    QElapsedTimer t;
    t.start();
    p.stop();
    QCOMPARE(p.state(), TrainerProcess::State::Stopping);
    QVERIFY(waitFinished(p));
    QVERIFY(t.elapsed() < 5000);  // well before the 10 s grace period: SIGTERM did it
    QCOMPARE(p.outcome(), QString("stopped"));
    QCOMPARE(p.state(), TrainerProcess::State::Finished);
    QVERIFY(p.outputTail().contains("fake_trainer: SIGTERM, saving checkpoint"));
  }

  void stopKillsAStubbornTrainerAfterTheGracePeriod() {
    qputenv("FAKE_TRAINER_MODE", "stubborn");
    const LaunchSpec spec = localSpec("local-stubborn");
    TrainerProcess p(spec, configJson_);
    p.setGracePeriodMs(400);
    p.start();
    QTRY_VERIFY_WITH_TIMEOUT(QFile::exists(spec.localRunDir + "/running"), 10000);
    QElapsedTimer t;
    t.start();
    p.stop();
    QVERIFY(waitFinished(p));
    QVERIFY2(t.elapsed() >= 350, "killed before the grace period ended");
    QCOMPARE(p.outcome(), QString("killed"));
  }

  void killIsImmediate() {
    qputenv("FAKE_TRAINER_MODE", "stubborn");
    const LaunchSpec spec = localSpec("local-kill");
    TrainerProcess p(spec, configJson_);
    p.start();
    QTRY_VERIFY_WITH_TIMEOUT(QFile::exists(spec.localRunDir + "/running"), 10000);
    p.kill();
    QVERIFY(waitFinished(p, 3000));
    QCOMPARE(p.outcome(), QString("killed"));
    QVERIFY(p.failure().isEmpty());
  }

  void resumePassesResumeOnTheSameRunDir() {
    const LaunchSpec spec = localSpec("local-resume");
    TrainerProcess p(spec, configJson_);
    p.start();
    QVERIFY(waitFinished(p));
    p.start();  // a second plain start while finished is allowed; now resume:
    QVERIFY(waitFinished(p));
    p.resume();
    QCOMPARE(p.state(), TrainerProcess::State::Starting);
    p.start();  // already running: refused, not a second process
    QVERIFY(waitFinished(p));
    QCOMPARE(readLines(spec.localRunDir + "/starts.txt"),
             (QStringList{"start resume=0", "start resume=0", "start resume=1"}));
    QCOMPARE(readLines(spec.localRunDir + "/argv.txt").last(), QString("--resume"));
  }

  void templatedRunIsMirroredIntoTheLocalStore() {
    const QString root = QString::fromStdString(longrl::test::freshTempDir("template-mirror"));
    LaunchSpec spec;
    spec.kind = LaunchSpec::Kind::Template;
    spec.localRunDir = root + "/mirror";
    spec.remoteRunDir = nastyDir(root, "remote");
    spec.remoteLongrl = trainer_;
    spec.templ = "env FAKE_TRAINER_STEPS=4 {command}";
    TrainerProcess p(spec, configJson_);
    QSignalSpy messages(&p, &TrainerProcess::message);
    p.start();
    QVERIFY(waitFinished(p));
    QVERIFY2(p.failure().isEmpty(), qPrintable(p.failure()));
    QCOMPARE(readLines(spec.remoteRunDir + "/argv.txt"),
             (QStringList{"train", "--config", spec.localRunDir + "/config.json", "--run-dir", spec.remoteRunDir,
                          "--events", "stdout"}));
    QVERIFY(!QFile::exists(spec.remoteRunDir + "/run.sqlite"));  // the fake writes no store: all came by stdout
    {
      longrl::store::RunStoreReader reader((spec.localRunDir + "/run.sqlite").toStdString());
      const auto points = reader.metricSeries("critic/score/mean");
      QCOMPARE(points.size(), size_t(4));
      for (size_t i = 0; i < points.size(); ++i) QCOMPARE(points[i].value, double(i) + 0.5);
      QCOMPARE(reader.runs().size(), size_t(1));
      QCOMPARE(QString::fromStdString(reader.runs()[0].status), QString("finished"));
      QCOMPARE(reader.phases().size(), size_t(1));
    }
    QCOMPARE(p.outputTail(), QStringList{"fake_trainer: a log line, not an event"});
    bool badLineReported = false;
    for (const auto& m : messages)
      badLineReported |=
          m[0].toString().startsWith("event line 8: metric: field 'step' must be an integer") && m[1].toBool();
    QVERIFY(badLineReported);

    // Resume: the trainer re-sends steps 0..3 and adds 4..6; the mirror continues the same store.
    p.resume();
    QVERIFY(waitFinished(p));
    longrl::store::RunStoreReader reader((spec.localRunDir + "/run.sqlite").toStdString());
    QCOMPARE(reader.metricSeries("critic/score/mean").size(), size_t(7));
    QCOMPARE(readLines(spec.remoteRunDir + "/argv.txt").last(), QString("--resume"));
  }

  void unwritableMirrorIsReportedAndNothingStarts() {
    const QString root = QString::fromStdString(longrl::test::freshTempDir("mirror-unwritable"));
    LaunchSpec spec;
    spec.kind = LaunchSpec::Kind::Template;
    spec.localRunDir = root + "/mirror";
    spec.remoteRunDir = root + "/remote";
    spec.remoteLongrl = trainer_;
    spec.templ = "{command}";
    QVERIFY(QDir().mkpath(spec.localRunDir + "/run.sqlite"));  // a directory where the store should be
    TrainerProcess p(spec, configJson_);
    p.start();
    QVERIFY(waitFinished(p));
    QCOMPARE(p.state(), TrainerProcess::State::Failed);
    QVERIFY2(p.failure().startsWith("cannot open the mirror store " + spec.localRunDir + "/run.sqlite: "),
             qPrintable(p.failure()));
    QVERIFY(!QFile::exists(spec.remoteRunDir + "/argv.txt"));
  }

  void sshRefusedShowsTheCause() {
    const QString root = QString::fromStdString(longrl::test::freshTempDir("ssh-refused"));
    LaunchSpec spec;
    spec.kind = LaunchSpec::Kind::Ssh;
    spec.host = "127.0.0.1";
    spec.port = longrl::test::unusedLoopbackPort();
    spec.connectTimeoutS = 5;
    spec.localRunDir = root + "/mirror";
    spec.remoteRunDir = root + "/remote";
    TrainerProcess p(spec, configJson_);
    p.start();
    QVERIFY(waitFinished(p, 15000));
    QCOMPARE(p.state(), TrainerProcess::State::Failed);
    QVERIFY2(p.failure().startsWith("ssh to 127.0.0.1 failed (exit code 255): "), qPrintable(p.failure()));
    QVERIFY2(p.failure().contains("Connection refused"), qPrintable(p.failure()));
  }

  void sshThroughARealSshd();
  void sshStopSignalsTheRemoteTrainer();
  void sshLinkDroppedMidRunKeepsTheMirrorAndReattaches();

 private:
  bool startSshd();
  LaunchSpec sshSpec(const QString& name);
  QString remoteTrainer(const QString& name, const QString& env);
  longrl::test::TestSshd* sshd_ = nullptr;
};

// Starts the test's sshd once.
bool TestLaunchProcess::startSshd() {
  if (!sshd_) sshd_ = new longrl::test::TestSshd(this);
  return sshd_->start();
}

// ssh forwards no environment: a wrapper script sets the fake trainer's mode on the "remote" side.
// Returns its path ("" when it cannot be written).
QString TestLaunchProcess::remoteTrainer(const QString& name, const QString& env) {
  const QString wrapper = tmp_ + "/" + name;
  QFile w(wrapper);
  if (!w.open(QIODevice::WriteOnly)) return {};
  w.write(("#!/bin/sh\n" + env + " exec '" + trainer_ + "' \"$@\"\n").toUtf8());
  w.close();
  w.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner);
  return wrapper;
}

LaunchSpec TestLaunchProcess::sshSpec(const QString& name) {
  const QString root = QString::fromStdString(longrl::test::freshTempDir(name.toStdString()));
  LaunchSpec spec;
  spec.kind = LaunchSpec::Kind::Ssh;
  spec.host = "127.0.0.1";
  spec.port = sshd_->port();
  spec.sshOptions = sshd_->sshOptions();
  spec.localRunDir = root + "/mirror";
  spec.remoteRunDir = nastyDir(root, "remote");
  spec.remoteLongrl = trainer_;
  return spec;
}

void TestLaunchProcess::sshThroughARealSshd() {
  if (!QFile::exists("/usr/sbin/sshd"))
    QSKIP("openssh-server not installed (/usr/sbin/sshd): ssh launch not tested end to end");
  QVERIFY2(startSshd(), "could not start sshd on 127.0.0.1");
  const LaunchSpec spec = sshSpec("ssh-run");
  TrainerProcess p(spec, configJson_);
  p.start();
  QVERIFY(waitFinished(p, 30000));
  QVERIFY2(p.failure().isEmpty(), qPrintable(p.failure() + " | " + p.outputTail().join(" | ")));
  QVERIFY(p.remotePid() > 0);
  QCOMPARE(readLines(spec.remoteRunDir + "/argv.txt"),
           (QStringList{"train", "--config", "-", "--run-dir", spec.remoteRunDir, "--events", "stdout"}));
  QCOMPARE(readFile(spec.remoteRunDir + "/config.received.json").toUtf8(), configJson_);
  longrl::store::RunStoreReader reader((spec.localRunDir + "/run.sqlite").toStdString());
  QCOMPARE(reader.metricSeries("critic/score/mean").size(), size_t(5));
  QCOMPARE(QString::fromStdString(reader.runs().at(0).status), QString("finished"));
}

void TestLaunchProcess::sshStopSignalsTheRemoteTrainer() {
  if (!QFile::exists("/usr/sbin/sshd")) QSKIP("openssh-server not installed (/usr/sbin/sshd)");
  QVERIFY2(startSshd(), "could not start sshd on 127.0.0.1");
  LaunchSpec spec = sshSpec("ssh-stop");
  spec.remoteLongrl = remoteTrainer("sleeping_trainer.sh", "FAKE_TRAINER_MODE=sleep");
  QVERIFY(!spec.remoteLongrl.isEmpty());
  TrainerProcess p(spec, configJson_);
  p.start();
  QTRY_VERIFY_WITH_TIMEOUT(QFile::exists(spec.remoteRunDir + "/running") && p.remotePid() > 0, 20000);
  const qint64 pid = p.remotePid();
  QCOMPARE(::kill(pid_t(pid), 0), 0);  // the "remote" trainer is this machine's process
  p.stop();
  QVERIFY(waitFinished(p, 20000));
  QCOMPARE(p.outcome(), QString("stopped"));
  QVERIFY2(p.outputTail().contains("fake_trainer: SIGTERM, saving checkpoint"), qPrintable(p.outputTail().join(" | ")));
  QTRY_VERIFY(::kill(pid_t(pid), 0) != 0);
}

// The ssh link dies mid-run (the local ssh client is SIGKILLed, as when a laptop drops off the
// network): the launcher reports it, the mirror keeps every event that arrived, and resuming
// re-attaches to the same run directory and mirror, which ends complete with nothing duplicated.
void TestLaunchProcess::sshLinkDroppedMidRunKeepsTheMirrorAndReattaches() {
  if (!QFile::exists("/usr/sbin/sshd")) QSKIP("openssh-server not installed (/usr/sbin/sshd)");
  QVERIFY2(startSshd(), "could not start sshd on 127.0.0.1");
  LaunchSpec spec = sshSpec("ssh-drop");
  spec.remoteLongrl = remoteTrainer("slow_trainer.sh", "FAKE_TRAINER_MODE=events-slow FAKE_TRAINER_STEPS=30");
  QVERIFY(!spec.remoteLongrl.isEmpty());
  const std::string store = (spec.localRunDir + "/run.sqlite").toStdString();
  auto mirrored = [&]() -> size_t {
    if (!QFile::exists(QString::fromStdString(store))) return 0;
    return longrl::store::RunStoreReader(store).metricSeries("critic/score/mean").size();
  };
  TrainerProcess p(spec, configJson_);
  p.start();
  QTRY_VERIFY_WITH_TIMEOUT(mirrored() >= 5, 20000);

  QProcess cut;  // the client side of this run's connection: its command line names the remote run dir
  cut.start("pkill", {"-KILL", "-f", "^(/usr/bin/)?ssh .*ssh-drop"});
  QVERIFY(cut.waitForFinished(5000));
  QCOMPARE(cut.exitCode(), 0);
  QVERIFY(waitFinished(p, 20000));
  QCOMPARE(p.state(), TrainerProcess::State::Failed);
  QVERIFY2(!p.failure().isEmpty(), qPrintable(p.outcome()));
  QVERIFY2(p.failure().startsWith("ssh link to 127.0.0.1 lost"), qPrintable(p.failure()));
  const size_t arrived = mirrored();
  QVERIFY2(arrived >= 5 && arrived < 30, qPrintable(QString::number(arrived)));
  {
    longrl::store::RunStoreReader reader(store);
    const auto points = reader.metricSeries("critic/score/mean");
    for (size_t i = 0; i < points.size(); ++i) QCOMPARE(points[i].step, int64_t(i));  // a prefix, in order
    QCOMPARE(reader.runs().size(), size_t(1));
  }
  // Nothing keeps running on the "remote" side: the trainer died with its link (SIGPIPE/SIGHUP).
  QProcess orphans;
  QTRY_VERIFY_WITH_TIMEOUT(([&] {
                             orphans.start("pgrep", {"-f", "slow_trainer.sh|fake_trainer.sh train .*ssh-drop"});
                             orphans.waitForFinished(5000);
                             return orphans.exitCode() == 1;
                           }()),
                           10000);

  // Re-attach: resume on the same remote run directory; the mirror continues the same store.
  p.resume();
  QVERIFY(waitFinished(p, 30000));
  QVERIFY2(p.failure().isEmpty(), qPrintable(p.failure() + " | " + p.outputTail().join(" | ")));
  QCOMPARE(readLines(spec.remoteRunDir + "/starts.txt"), (QStringList{"start resume=0", "start resume=1"}));
  longrl::store::RunStoreReader reader(store);
  const auto points = reader.metricSeries("critic/score/mean");
  QCOMPARE(points.size(), size_t(33));  // the resumed trainer re-sent 0..29 and added 3: each step once
  QCOMPARE(reader.runs().size(), size_t(1));
  QCOMPARE(QString::fromStdString(reader.runs()[0].status), QString("finished"));
}

QTEST_GUILESS_MAIN(TestLaunchProcess)
#include "TestLaunchProcess.moc"
