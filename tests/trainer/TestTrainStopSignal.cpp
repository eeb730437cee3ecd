// `longrl train` stopped with SIGTERM: the current step finishes, a checkpoint is written, the run
// is "stopped" (not left "running") and --resume continues after that step, nothing duplicated.
#include <QtTest/QtTest>

#include <signal.h>
#include <unistd.h>

#include <filesystem>
#include <set>
#include <tuple>

#include "TestTrainFixture.h"
#include "TrainProcessOutput.h"
#include "core/store/RolloutQuery.h"
#include "core/store/RunStore.h"
#include "core/store/RunStoreReader.h"
#include "support/TestPaths.h"

namespace fs = std::filesystem;

class TestTrainStopSignal : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void sigtermStopsAfterTheStepAndResumes();
  void stopReachesEveryRankOfAnNprocJob_data();
  void stopReachesEveryRankOfAnNprocJob();
};

void TestTrainStopSignal::sigtermStopsAfterTheStepAndResumes() {
  const std::string root = longrl::test::freshTempDir("train-sigterm");
  const std::string model = longrl::test::makeTinyModel(root);
  const std::string data = root + "/train.jsonl";
  longrl::test::writeDataset(data, longrl::test::tinyDocs(8, 3));
  auto cfg = longrl::test::tinyConfig(model, data);
  cfg.phases[0].steps = 200;  // far more than the test waits for
  cfg.checkpoint.everySteps = 1000;
  const std::string configPath = root + "/config.json";
  cfg.saveFile(configPath);
  const std::string runDir = root + "/run";

  QProcess train;
  train.setProgram(QString::fromStdString(longrl::test::cliPath()));
  train.setArguments({"train", "--config", QString::fromStdString(configPath), "--run-dir",
                      QString::fromStdString(runDir), "--threads", "1"});
  train.start();
  QVERIFY(train.waitForStarted());
  QByteArray err = longrl::test::readStderrUntil(train, "step 2 phase");
  QVERIFY2(err.contains("step 2 phase"), err.constData());
  train.terminate();  // SIGTERM
  QVERIFY(train.waitForFinished(120000));
  err += train.readAllStandardError();
  QCOMPARE(train.exitStatus(), QProcess::NormalExit);
  QVERIFY2(train.exitCode() == 0, err.constData());
  QVERIFY2(err.contains("stop requested"), err.constData());

  int64_t stoppedAt = 0;
  {
    longrl::store::RunStoreReader reader(longrl::store::RunStore::fileIn(runDir));
    QCOMPARE(reader.runs().front().status, std::string("stopped"));
    stoppedAt = reader.lastStep();
    QVERIFY(stoppedAt >= 2 && stoppedAt < 200);
    QVERIFY2(fs::exists(runDir + "/checkpoints/step-" + std::to_string(stoppedAt)), "no checkpoint at the stop");
  }

  QProcess resume;
  auto env = QProcessEnvironment::systemEnvironment();
  env.insert("LONGRL_TRAIN_STOP_AFTER", "1");
  resume.setProcessEnvironment(env);
  resume.start(QString::fromStdString(longrl::test::cliPath()),
               {"train", "--resume", "--run-dir", QString::fromStdString(runDir), "--threads", "1"});
  QVERIFY(resume.waitForFinished(120000));
  QVERIFY2(resume.exitCode() == 0, resume.readAllStandardError().constData());
  longrl::store::RunStoreReader reader(longrl::store::RunStore::fileIn(runDir));
  QCOMPARE(reader.lastStep(), stoppedAt + 1);
  longrl::store::RolloutQuery all;
  all.limit = 100000;
  all.with_text = false;
  const auto rollouts = reader.rollouts(all);
  std::set<std::tuple<int64_t, int, int>> keys;
  for (const auto& r : rollouts) keys.insert({r.step, r.group_idx, r.sample_idx});
  QCOMPARE(keys.size(), rollouts.size());
  QCOMPARE(static_cast<int64_t>(rollouts.size()), (stoppedAt + 1) * cfg.grpo.trainBatchSize * cfg.grpo.rolloutN);
}

void TestTrainStopSignal::stopReachesEveryRankOfAnNprocJob_data() {
  QTest::addColumn<bool>("wholeGroup");
  QTest::addColumn<bool>("thenKill");
  // What longrl-studio does to a local run it stops.
  QTest::newRow("SIGTERM to the launcher") << false << false;
  // Ctrl-C in a terminal: every process of the group gets it, the launcher and its ranks alike.
  QTest::newRow("SIGINT to the process group") << true << false;
  // longrl-studio closing gives a stopping demo 5 s, then kills it: the ranks, orphaned, still
  // end after their step (PR_SET_PDEATHSIG sends SIGHUP, not a second SIGTERM that would kill).
  QTest::newRow("SIGTERM, then SIGKILL to the launcher") << false << true;
}

// `train --nproc 2` stopped: before, the launcher died of the signal (an exit by signal, and
// the ranks were left to PR_SET_PDEATHSIG), and with Ctrl-C each rank got the stop twice, which
// killed it: the run stayed "running", with no checkpoint at the stop.
void TestTrainStopSignal::stopReachesEveryRankOfAnNprocJob() {
  QFETCH(bool, wholeGroup);
  QFETCH(bool, thenKill);
  const std::string root = longrl::test::freshTempDir(wholeGroup ? "train-nproc-sigint"
                                                      : thenKill ? "train-nproc-kill"
                                                                 : "train-nproc-sigterm");
  const std::string model = longrl::test::makeTinyModel(root);
  const std::string data = root + "/train.jsonl";
  longrl::test::writeDataset(data, longrl::test::tinyDocs(8, 3));
  auto cfg = longrl::test::tinyConfig(model, data);
  cfg.phases[0].steps = 200;
  cfg.checkpoint.everySteps = 1000;
  const std::string configPath = root + "/config.json";
  cfg.saveFile(configPath);
  const std::string runDir = root + "/run";

  QProcess train;
  const QStringList args{"train",
                         "--config",
                         QString::fromStdString(configPath),
                         "--run-dir",
                         QString::fromStdString(runDir),
                         "--threads",
                         "1",
                         "--nproc",
                         "2"};
  if (wholeGroup) {
    // In a process group of its own (as a terminal's foreground job), so the test is not in it.
    train.setProgram("setsid");
    train.setArguments(QStringList{QString::fromStdString(longrl::test::cliPath())} + args);
  } else {
    train.setProgram(QString::fromStdString(longrl::test::cliPath()));
    train.setArguments(args);
  }
  train.start();
  QVERIFY(train.waitForStarted());
  QByteArray err = longrl::test::readStderrUntil(train, "step 2 phase");
  QVERIFY2(err.contains("step 2 phase"), err.constData());
  const auto pid = static_cast<pid_t>(train.processId());
  if (wholeGroup) {
    QCOMPARE(::getpgid(pid), pid);  // setsid ran longrl in the new group's leader process
    ::kill(-pid, SIGINT);
  } else {
    ::kill(pid, SIGTERM);
  }
  if (thenKill) {
    // Long enough for the launcher to pass the stop on, shorter than a step. On a fast machine the
    // ranks may still finish their step and the launcher exit before the kill (seen once at 300 ms:
    // waitForFinished() then returns false on a process that has already finished).
    QTest::qWait(100);
    if (train.state() != QProcess::NotRunning) {
      ::kill(pid, SIGKILL);
      QVERIFY(train.waitForFinished(120000));
    }
    // The orphaned ranks finish on their own: wait for rank 0 to mark the run.
    QElapsedTimer wait;
    wait.start();
    std::string status = "running";
    while (status == "running" && wait.elapsed() < 120000) {
      QTest::qWait(200);
      status = longrl::store::RunStoreReader(longrl::store::RunStore::fileIn(runDir)).runs().front().status;
    }
    QCOMPARE(status, std::string("stopped"));
  } else {
    QVERIFY(train.waitForFinished(120000));
    err += train.readAllStandardError();
    QVERIFY2(train.exitStatus() == QProcess::NormalExit && train.exitCode() == 0, err.constData());
    QVERIFY2(err.contains("stop requested: passing it to the 2 running ranks"), err.constData());
    QVERIFY2(err.contains("stop requested: stopping after step"), err.constData());
  }
  longrl::store::RunStoreReader reader(longrl::store::RunStore::fileIn(runDir));
  QCOMPARE(reader.runs().front().status, std::string("stopped"));
  const int64_t stoppedAt = reader.lastStep();
  QVERIFY2(fs::exists(runDir + "/checkpoints/step-" + std::to_string(stoppedAt)), "no checkpoint at the stop");
}

QTEST_GUILESS_MAIN(TestTrainStopSignal)
#include "TestTrainStopSignal.moc"
