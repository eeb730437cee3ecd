// Checkpoints and --resume: a run stopped after step 3 (checkpoint at step 2) and resumed ends
// with the same weights, the same rollout keys and no duplicate rows as an uninterrupted run.
#include <QtTest/QtTest>

#include <filesystem>
#include <set>
#include <sstream>

#include "TestTrainFixture.h"
#include "core/store/RunStore.h"
#include "core/store/RunStoreReader.h"
#include "support/TestPaths.h"
#include "trainer/cli/TrainCommand.h"
#include "trainer/model/QwenPretrained.h"
#include "trainer/train/CheckpointStore.h"
#include "trainer/train/TrainingRun.h"

namespace fs = std::filesystem;
using namespace longrl;

namespace {

int64_t count(const std::string& runDir, const std::string& sql) {
  store::RunStoreReader r(store::RunStore::fileIn(runDir));
  return r.db().scalar(sql);
}

}  // namespace

class TestTrainResume : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void resumeMatchesUninterruptedRun();
  void checkpointsArePrunedAndAtomic();
};

void TestTrainResume::resumeMatchesUninterruptedRun() {
  const std::string root = test::freshTempDir("train-resume");
  const std::string model = test::makeTinyModel(root);
  const std::string data = root + "/train.jsonl";
  test::writeDataset(data, test::tinyDocs(3, 4));
  auto cfg = test::tinyConfig(model, data);
  cfg.phases[0].steps = 4;
  cfg.checkpoint.everySteps = 2;
  cfg.grpo.useKlLoss = true;  // the reference model travels with the checkpoint too
  cfg.grpo.klCoef = 0.1;

  train::TrainOptions a;
  a.runDir = root + "/full";
  QCOMPARE(train::TrainingRun(cfg, a).run(), std::string("finished"));

  train::TrainOptions b;
  b.runDir = root + "/interrupted";
  b.stopAfterSteps = 3;  // step 3 runs after the step-2 checkpoint, then the process "dies"
  QCOMPARE(train::TrainingRun(cfg, b).run(), std::string("stopped"));
  QVERIFY(fs::exists(b.runDir + "/checkpoints/step-2"));
  QVERIFY(!fs::exists(b.runDir + "/checkpoints/step-4"));
  QVERIFY(fs::exists(b.runDir + "/checkpoints/step-2/trainer_state/reference/model.safetensors"));
  // Resume through the CLI with only --run-dir: config.json of the run is used.
  cli::ArgList args({"--run-dir", b.runDir, "--resume"});
  std::ostringstream out, err;
  QCOMPARE(cli::trainCommand().run(args, out, err), 0);
  QVERIFY2(err.str().find("resuming from") != std::string::npos, err.str().c_str());

  auto ma = model::QwenPretrained::load(a.runDir + "/checkpoints/step-4");
  auto mb = model::QwenPretrained::load(b.runDir + "/checkpoints/step-4");
  auto pa = ma->named_parameters(), pb = mb->named_parameters();
  for (const auto& item : pa) QVERIFY2(torch::allclose(item.value(), pb[item.key()], 1e-5, 1e-6), item.key().c_str());
  auto m0 = model::QwenPretrained::load(model);
  QVERIFY(!torch::allclose(m0->model->embed_tokens->weight, ma->model->embed_tokens->weight));

  QCOMPARE(test::storedRollouts(b.runDir).keys, test::storedRollouts(a.runDir).keys);
  const char* dupRollouts =
      "SELECT count(*) - (SELECT count(*) FROM (SELECT DISTINCT step, example_id, group_idx, sample_idx FROM "
      "rollouts)) "
      "FROM rollouts";
  QCOMPARE(count(b.runDir, dupRollouts), int64_t(0));
  QCOMPARE(count(b.runDir, "SELECT count(*) FROM metrics"), count(a.runDir, "SELECT count(*) FROM metrics"));
  QCOMPARE(count(b.runDir, "SELECT count(*) FROM rollouts"), count(a.runDir, "SELECT count(*) FROM rollouts"));
  // Same metric values (step 3 was redone identically).
  store::RunStoreReader ra(store::RunStore::fileIn(a.runDir)), rb(store::RunStore::fileIn(b.runDir));
  for (const char* name : {"critic/rewards/mean", "actor/pg_loss", "actor/kl_loss"}) {
    const auto sa = ra.metricSeries(name), sb = rb.metricSeries(name);
    QCOMPARE(sa.size(), size_t(4));
    QCOMPARE(sb.size(), sa.size());
    for (size_t i = 0; i < sa.size(); ++i) QVERIFY2(std::abs(sa[i].value - sb[i].value) < 1e-5, name);
  }
  QCOMPARE(rb.runs().at(0).status, std::string("finished"));
}

void TestTrainResume::checkpointsArePrunedAndAtomic() {
  const std::string root = test::freshTempDir("train-ckpt");
  const std::string modelDir = test::makeTinyModel(root);
  auto m = model::QwenPretrained::load(modelDir);
  train::CheckpointStore store(root + "/checkpoints", 2, modelDir);
  // A crash while writing left a temporary directory: it is never taken for a checkpoint.
  fs::create_directories(root + "/checkpoints/.tmp-step-9/trainer_state");
  fs::create_directories(root + "/checkpoints/step-8");  // no state.json: incomplete
  for (int64_t s : {1, 2, 3}) store.save(s, m, nullptr, nullptr, {{"step", s}});
  const auto list = store.list();
  QCOMPARE(list.size(), size_t(2));
  QCOMPARE(list[0].first, int64_t(2));
  QCOMPARE(*store.latest(), root + "/checkpoints/step-3");
  QCOMPARE(train::CheckpointStore::readState(*store.latest()).at("step").get<int>(), 3);
  QVERIFY(fs::exists(root + "/checkpoints/step-3/tokenizer.json"));
  QVERIFY(fs::exists(root + "/checkpoints/step-3/config.json"));
  // Re-saving a step replaces it.
  store.save(3, m, nullptr, nullptr, {{"step", 3}, {"again", true}});
  QVERIFY(train::CheckpointStore::readState(*store.latest()).at("again").get<bool>());
  QVERIFY(!fs::exists(root + "/checkpoints/.tmp-step-3"));
  QVERIFY(!fs::exists(root + "/checkpoints/.old-step-3"));
}

QTEST_APPLESS_MAIN(TestTrainResume)
#include "TestTrainResume.moc"
