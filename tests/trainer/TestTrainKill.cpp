// The trainer killed with SIGKILL in the middle of a step (no handler runs, nothing is flushed on
// purpose), then `longrl train --resume`: it continues from the last complete checkpoint, redoes
// the steps after it, and the store ends with every step's metrics and rollouts exactly once.
#include <QtTest/QtTest>

#include <filesystem>

#include "TestTrainFixture.h"
#include "TrainProcessOutput.h"
#include "core/store/RunStore.h"
#include "core/store/RunStoreReader.h"
#include "support/TestPaths.h"
#include "trainer/train/CheckpointStore.h"

namespace fs = std::filesystem;
using namespace longrl;

class TestTrainKill : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void sigkillMidStepThenResume();
};

void TestTrainKill::sigkillMidStepThenResume() {
  const std::string root = test::freshTempDir("train-sigkill");
  const std::string model = test::makeTinyModel(root);
  const std::string data = root + "/train.jsonl";
  test::writeDataset(data, test::tinyDocs(6, 4));
  auto cfg = test::tinyConfig(model, data);
  cfg.phases[0].steps = 8;
  cfg.phases[0].maxOutputTokens = 48;  // longer steps: the kill lands inside one
  cfg.grpo.overlongPenalty.maxLen = 48;
  cfg.checkpoint.everySteps = 2;
  const std::string configPath = root + "/config.json";
  cfg.saveFile(configPath);
  const std::string runDir = root + "/run";

  QProcess train;
  train.start(QString::fromStdString(test::cliPath()), {"train", "--config", QString::fromStdString(configPath),
                                                        "--run-dir", QString::fromStdString(runDir), "--threads", "1"});
  QVERIFY(train.waitForStarted());
  // "step 5 phase" is logged when step 5 ends: step 6 is then being generated.
  QByteArray err = longrl::test::readStderrUntil(train, "step 5 phase");
  QVERIFY2(err.contains("step 5 phase"), err.constData());
  train.kill();  // SIGKILL
  QVERIFY(train.waitForFinished(30000));
  QCOMPARE(train.exitStatus(), QProcess::CrashExit);

  int64_t killedAt = 0;
  {
    store::RunStoreReader r(store::RunStore::fileIn(runDir));
    QCOMPARE(r.runs().front().status, std::string("running"));  // nobody could say otherwise
    killedAt = r.lastStep();
    QVERIFY2(killedAt >= 5 && killedAt < 8, qPrintable(QString::number(killedAt)));
  }
  // The latest complete checkpoint (a kill during a checkpoint write leaves only a .tmp- directory).
  const auto latest = train::CheckpointStore(runDir + "/checkpoints", 0, "").latest();
  QVERIFY(latest.has_value());
  const int64_t from = std::stoll(fs::path(*latest).filename().string().substr(5));
  QVERIFY2(from >= 4 && from <= killedAt, latest->c_str());

  QProcess resume;
  resume.start(QString::fromStdString(test::cliPath()),
               {"train", "--resume", "--run-dir", QString::fromStdString(runDir), "--threads", "1"});
  QVERIFY(resume.waitForFinished(180000));
  const QByteArray resumeErr = resume.readAllStandardError();
  QVERIFY2(resume.exitCode() == 0, resumeErr.constData());
  QVERIFY2(resumeErr.contains(QByteArray("resuming from ") + latest->c_str()), resumeErr.constData());
  QVERIFY2(resumeErr.contains(QByteArray("step ") + QByteArray::number(qint64(from + 1)) + " phase"),
           resumeErr.constData());

  store::RunStoreReader r(store::RunStore::fileIn(runDir));
  QCOMPARE(r.runs().front().status, std::string("finished"));
  QCOMPARE(r.lastStep(), int64_t(8));
  const auto rollouts = test::storedRollouts(runDir);
  QCOMPARE(rollouts.keys.size(), rollouts.rows);  // nothing duplicated
  QCOMPARE(rollouts.perStep.size(), size_t(8));   // nothing lost
  for (const auto& [step, n] : rollouts.perStep)
    QVERIFY2(n == 2 * 4, qPrintable(QString("step %1: %2").arg(step).arg(n)));
  const auto score = r.metricSeries("critic/score/mean");
  QCOMPARE(score.size(), size_t(8));
  for (size_t i = 0; i < score.size(); ++i) QCOMPARE(score[i].step, int64_t(i + 1));
  QVERIFY(fs::exists(runDir + "/checkpoints/step-8/model.safetensors"));
}

QTEST_GUILESS_MAIN(TestTrainKill)
#include "TestTrainKill.moc"
