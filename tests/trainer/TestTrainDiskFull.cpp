// Disk full while writing a checkpoint. The run's checkpoints/ is a small tmpfs (mounted in a
// private mount namespace, so the test needs no privileges beyond `unshare`; it skips where that is
// not allowed). A run stops after step 2 with checkpoint step-2; the tmpfs is filled to leave less
// than a checkpoint; the resumed run fails writing step-4. Then: the failure names the cause, the
// step-2 checkpoint is byte-for-byte intact and loadable, no partial directory is left, and once
// space is freed `--resume` finishes the run with every step's rollouts and metrics stored once.
#include <QtTest/QtTest>

#include <filesystem>
#include <map>

#include "TestTrainFixture.h"
#include "core/store/RunStore.h"
#include "core/store/RunStoreReader.h"
#include "support/TestPaths.h"
#include "trainer/model/QwenPretrained.h"

namespace fs = std::filesystem;
using namespace longrl;

namespace {

// Runs inside `unshare --mount`: everything on the tmpfs must be checked before the namespace ends,
// so the script copies what the test inspects to the run's parent directory.
const char* const kScript = R"sh(
set -u
run=$1; cli=$2; cfg=$3; out=$4
mkdir -p "$run/checkpoints"
mount -t tmpfs -o size=8m tmpfs "$run/checkpoints" || exit 77
LONGRL_TRAIN_STOP_AFTER=2 "$cli" train --config "$cfg" --run-dir "$run" --threads 1 > "$out/first.log" 2>&1 || exit 10
cp -a "$run/checkpoints/step-2" "$out/step-2-before"
ckpt=$(du -sb "$run/checkpoints/step-2" | cut -f1)
avail=$(df --output=avail -B1 "$run/checkpoints" | tail -1)
fallocate -l $((avail - ckpt / 2)) "$run/checkpoints/filler" || exit 11
"$cli" train --resume --run-dir "$run" --threads 1 > "$out/full.log" 2>&1
echo $? > "$out/full.rc"
ls -A "$run/checkpoints" > "$out/after-failure.ls"
"$cli" runs "$(dirname "$run")" > "$out/after-failure.runs" 2>&1
cp -a "$run/checkpoints/step-2" "$out/step-2-after"
rm "$run/checkpoints/filler"
"$cli" train --resume --run-dir "$run" --threads 1 > "$out/freed.log" 2>&1
echo $? > "$out/freed.rc"
ls -A "$run/checkpoints" > "$out/final.ls"
exit 0
)sh";

std::string text(const std::string& path) {
  std::string s = test::fileBytes(path);
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

}  // namespace

class TestTrainDiskFull : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void checkpointOnFullDiskKeepsThePreviousOne();
};

void TestTrainDiskFull::checkpointOnFullDiskKeepsThePreviousOne() {
  if (QStandardPaths::findExecutable("unshare").isEmpty() || QStandardPaths::findExecutable("fallocate").isEmpty())
    QSKIP("unshare or fallocate (util-linux) not installed");
  const std::string root = test::freshTempDir("train-disk-full");
  const std::string model = test::makeTinyModel(root);
  const std::string data = root + "/train.jsonl";
  test::writeDataset(data, test::tinyDocs(3, 4));
  auto cfg = test::tinyConfig(model, data);
  cfg.phases[0].steps = 4;
  cfg.checkpoint.everySteps = 2;
  cfg.checkpoint.keep = 0;
  const std::string configPath = root + "/config.json";
  cfg.saveFile(configPath);
  const std::string run = root + "/run";

  QProcess p;
  p.start("unshare",
          {"--mount", "--propagation", "private", "bash", "-c", kScript, "disk-full", QString::fromStdString(run),
           QString::fromStdString(test::cliPath()), QString::fromStdString(configPath), QString::fromStdString(root)});
  QVERIFY(p.waitForFinished(300000));
  const QByteArray err = p.readAllStandardError();
  if (p.exitCode() == 77 || (p.exitCode() != 0 && err.contains("unshare")))
    QSKIP(qPrintable("no private mount namespace with a tmpfs here: " + QString::fromUtf8(err).trimmed()));
  QVERIFY2(p.exitCode() == 0, qPrintable(QString("script exit %1: %2 %3")
                                             .arg(p.exitCode())
                                             .arg(QString::fromUtf8(err))
                                             .arg(QString::fromStdString(text(root + "/first.log")))));

  // The resumed run failed at the step-4 checkpoint, saying why.
  const std::string fullLog = text(root + "/full.log");
  QVERIFY2(text(root + "/full.rc") != "0", fullLog.c_str());
  QVERIFY2(fullLog.find("step-4 not written (earlier checkpoints are kept)") != std::string::npos, fullLog.c_str());
  QVERIFY2(fullLog.find("disk full") != std::string::npos || fullLog.find("No space") != std::string::npos ||
               fullLog.find("space") != std::string::npos,
           fullLog.c_str());
  // Only the complete step-2 checkpoint (and the filler) remained: no partial directory.
  QCOMPARE(QString::fromStdString(text(root + "/after-failure.ls")).split('\n'), QStringList({"filler", "step-2"}));
  for (const char* f : {"model.safetensors", "config.json", "tokenizer.json", "trainer_state/state.json",
                        "trainer_state/optimizer.pt"}) {
    const auto before = test::fileBytes(root + "/step-2-before/" + f);
    QVERIFY2(!before.empty(), f);
    QVERIFY2(before == test::fileBytes(root + "/step-2-after/" + f), f);
  }
  QVERIFY(model::QwenPretrained::load(root + "/step-2-after")->config().eosTokenId > 0);  // loads
  // The store said so at the time (`longrl runs`: NAME STATUS PHASE STEP ...).
  const std::string runs = text(root + "/after-failure.runs");
  const QStringList lines = QString::fromStdString(runs).split('\n');
  QVERIFY2(lines.size() == 2, runs.c_str());
  QCOMPARE(lines[1].simplified().split(' ').mid(0, 4), QStringList({"run", "failed", "0", "4"}));

  // With space again, --resume finishes from step 2; steps 3-4 are redone, not duplicated.
  QVERIFY2(text(root + "/freed.rc") == "0", text(root + "/freed.log").c_str());
  QCOMPARE(QString::fromStdString(text(root + "/final.ls")).split('\n'), QStringList({"step-2", "step-4"}));
  store::RunStoreReader r(store::RunStore::fileIn(run));
  QCOMPARE(r.runs().front().status, std::string("finished"));
  QCOMPARE(r.lastStep(), int64_t(4));
  const auto rollouts = test::storedRollouts(run);
  QCOMPARE(rollouts.rows, size_t(4 * 2 * 4));  // 4 steps x 2 prompts x 4 samples
  QCOMPARE(rollouts.keys.size(), rollouts.rows);
  QCOMPARE(rollouts.perStep, (std::map<int64_t, int>{{1, 8}, {2, 8}, {3, 8}, {4, 8}}));
  const auto score = r.metricSeries("critic/score/mean");
  QCOMPARE(score.size(), size_t(4));
}

QTEST_GUILESS_MAIN(TestTrainDiskFull)
#include "TestTrainDiskFull.moc"
