// distributed.shard "optimizer" (each rank owns half the float32 master weights and AdamW moments)
// and mixed precision (model.dtype bfloat16 over float32 master weights), through the real
// `longrl train --nproc 2`: two sharded ranks end with the weights one rank gets on the same global
// batch, each holds half the optimizer state, checkpoints stay HF layout plus per-rank shards, and
// a sharded run resumes exactly (and refuses another rank count, or a lost shard, clearly).
// distributed.shard "full" (decoder layers sharded too) trains like one rank in float32, holds half
// of each layer per rank, and resumes exactly.
#include <QtTest/QtTest>

#include <QProcess>

#include <filesystem>

#include "SftDataset.h"
#include "TestTrainFixture.h"
#include "support/TestPaths.h"
#include "trainer/model/QwenPretrained.h"

namespace fs = std::filesystem;
using namespace longrl;

namespace {

struct CliResult {
  int exitCode = -1;
  std::string err;
};

CliResult train(const std::string& config, const std::string& runDir, int nproc, const QStringList& extra = {},
                const QProcessEnvironment& env = QProcessEnvironment::systemEnvironment()) {
  QProcess p;
  p.setProcessEnvironment(env);
  QStringList args{"train", "--config", QString::fromStdString(config), "--run-dir", QString::fromStdString(runDir)};
  if (nproc > 1) args << "--nproc" << QString::number(nproc);
  p.start(QString::fromStdString(test::cliPath()), args + extra);
  if (!p.waitForFinished(180000)) {
    p.kill();
    p.waitForFinished();
  }
  return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1, p.readAllStandardError().toStdString()};
}

// Two ranks that stop right after GRPO step 1's checkpoint, as a killed run would: a run to resume.
CliResult trainTwoRanksStoppingAfterStep1(const std::string& config, const std::string& runDir) {
  auto env = QProcessEnvironment::systemEnvironment();
  env.insert("LONGRL_TRAIN_STOP_AFTER", "1");
  return train(config, runDir, 2, {}, env);
}

// All parameters of a checkpoint's model, flattened in name order, as float32.
torch::Tensor flatWeights(const std::string& dir) {
  auto m = model::QwenPretrained::load(dir);
  std::vector<torch::Tensor> parts;
  for (const auto& item : m->named_parameters())
    parts.push_back(item.value().detach().to(torch::kFloat32).reshape({-1}));
  return torch::cat(parts);
}

double maxDiff(const torch::Tensor& a, const torch::Tensor& b) { return (a - b).abs().max().item<double>(); }

// A rank's float32 master range as MasterWeights saved it.
torch::Tensor masterOf(const std::string& checkpoint, int rank) {
  torch::serialize::InputArchive a;
  a.load_from(checkpoint + "/trainer_state/shards/master/rank-" + std::to_string(rank) + ".pt");
  torch::Tensor t;
  a.read("master", t);
  return t;
}

// What a rank of a fully sharded run saved beside its master range: its decoder layers' ranges,
// and the model's parameter elements it held at rest and in all.
struct FullShard {
  torch::Tensor layers;
  int64_t held = 0, total = 0;
};

FullShard fullShardOf(const std::string& checkpoint, int rank) {
  torch::serialize::InputArchive a;
  a.load_from(checkpoint + "/trainer_state/shards/master/rank-" + std::to_string(rank) + ".pt");
  FullShard s;
  torch::Tensor held;
  a.read("layers", s.layers);
  a.read("held", held);
  s.held = held[0].item<int64_t>();
  s.total = held[1].item<int64_t>();
  return s;
}

// Elements of a checkpoint's decoder layers (model.layers.N.*).
int64_t layerElements(const std::string& dir) {
  auto m = model::QwenPretrained::load(dir);
  int64_t n = 0;
  for (const auto& item : m->named_parameters())
    if (item.key().find(".layers.") != std::string::npos) n += item.value().numel();
  return n;
}

}  // namespace

class TestShardedTraining : public QObject {
  Q_OBJECT
  std::string root_, model_, data_, sftData_;

  std::string writeConfig(const std::string& name, const std::string& dtype, config::ShardMode shard) {
    auto cfg = test::tinyConfig(model_, data_);
    cfg.model.dtype = dtype;
    cfg.distributed.shard = shard;
    cfg.model.gradientCheckpointing = shard == config::ShardMode::Full;  // "full" gathers around it
    cfg.sft.enabled = true;  // SFT's gradients are real (GRPO's on a random model are tiny)
    cfg.sft.train = {sftData_};
    cfg.sft.steps = 2;
    cfg.sft.batchSize = 5;
    cfg.sft.lr = 1e-3;
    cfg.sft.warmupRatio = 0;
    cfg.phases[0].steps = 2;
    cfg.grpo.trainBatchSize = 2;
    cfg.grpo.ppoMiniBatchSize = 2;
    cfg.checkpoint.everySteps = 1;
    cfg.checkpoint.keep = 0;
    const std::string path = root_ + "/" + name + ".json";
    cfg.saveFile(path);
    return path;
  }

 private Q_SLOTS:
  void initTestCase();
  void shardedOptimizerTrainsLikeOneRank();
  void mixedPrecisionKeepsFloat32Masters();
  void shardedMixedPrecisionResumesExactly();
  void fullShardTrainsLikeOneRank();
  void fullShardResumesExactly();
};

void TestShardedTraining::initTestCase() {
  root_ = test::freshTempDir("train-sharded");
  model_ = test::makeTinyModel(root_);
  data_ = root_ + "/train.jsonl";
  test::writeDataset(data_, test::tinyDocs(4, 4));
  sftData_ = root_ + "/sft.jsonl";
  test::writeSftDataset(sftData_);
}

void TestShardedTraining::shardedOptimizerTrainsLikeOneRank() {
  const auto one = root_ + "/fp32-one", two = root_ + "/fp32-two-sharded";
  auto r = train(writeConfig("fp32-none", "float32", config::ShardMode::None), one, 1);
  QVERIFY2(r.exitCode == 0, r.err.c_str());
  r = train(writeConfig("fp32-optimizer", "float32", config::ShardMode::Optimizer), two, 2);
  QVERIFY2(r.exitCode == 0, r.err.c_str());
  // After SFT (step-0) and after the GRPO steps: the tolerance of TestTrainDistributed (float
  // sums in another order), far below the 1e-3 SFT learning rate a step moves a weight by.
  for (const char* step : {"step-0", "step-2"}) {
    const auto a = flatWeights(one + "/checkpoints/" + step), b = flatWeights(two + "/checkpoints/" + step);
    QVERIFY2(torch::allclose(a, b, 1e-4, 1e-5), qPrintable(QString("%1: %2").arg(step).arg(maxDiff(a, b))));
  }
  QVERIFY(maxDiff(flatWeights(model_), flatWeights(two + "/checkpoints/step-2")) > 1e-3);  // it trained
  // Each rank owns half the flat parameter space: its master range and its AdamW moments.
  const auto ck = two + "/checkpoints/step-2/trainer_state";
  const int64_t params = flatWeights(model_).numel();
  const auto m0 = masterOf(two + "/checkpoints/step-2", 0), m1 = masterOf(two + "/checkpoints/step-2", 1);
  QCOMPARE(m0.numel(), (params + 1) / 2);
  QCOMPARE(m0.numel() + m1.numel(), params);
  QVERIFY(!fs::exists(ck + "/optimizer.pt"));
  const auto whole = static_cast<double>(fs::file_size(one + "/checkpoints/step-2/trainer_state/optimizer.pt"));
  for (int rank : {0, 1}) {
    const auto part = static_cast<double>(fs::file_size(ck + "/shards/optimizer/rank-" + std::to_string(rank) + ".pt"));
    QVERIFY2(part > 0.4 * whole && part < 0.6 * whole, qPrintable(QString("%1 of %2 bytes").arg(part).arg(whole)));
  }
  // The masters are the checkpoint's weights (float32 run: exactly).
  QVERIFY(torch::equal(torch::cat({m0, m1}), flatWeights(two + "/checkpoints/step-2")));
}

// How far the update of `b` (from `init`) is from that of `a`, relative to a's: 0 when equal.
double updateError(const torch::Tensor& init, const torch::Tensor& a, const torch::Tensor& b) {
  return ((b - init) - (a - init)).norm().item<double>() / (a - init).norm().item<double>();
}

void TestShardedTraining::mixedPrecisionKeepsFloat32Masters() {
  const auto fp32 = root_ + "/fp32-one", one = root_ + "/bf16-one", two = root_ + "/bf16-two-sharded";
  QVERIFY(fs::exists(fp32 + "/checkpoints/step-0"));  // from shardedOptimizerTrainsLikeOneRank
  auto r = train(writeConfig("bf16-none", "bfloat16", config::ShardMode::None), one, 1);
  QVERIFY2(r.exitCode == 0, r.err.c_str());
  r = train(writeConfig("bf16-optimizer", "bfloat16", config::ShardMode::Optimizer), two, 2);
  QVERIFY2(r.exitCode == 0, r.err.c_str());
  const auto init = flatWeights(model_);
  const auto master1 = masterOf(one + "/checkpoints/step-0", 0);
  const auto master2 = torch::cat({masterOf(two + "/checkpoints/step-0", 0), masterOf(two + "/checkpoints/step-0", 1)});
  // The checkpoint is the model as it computes (bfloat16, HF layout); the masters keep what
  // bfloat16 rounds away, which is most of an lr-1e-3 step on weights of size ~0.02.
  const auto rounded = master1.to(torch::kBFloat16).to(torch::kFloat32);
  QVERIFY(torch::equal(flatWeights(one + "/checkpoints/step-0"), rounded));
  QVERIFY((master1 - rounded).abs().gt(0).to(torch::kFloat32).mean().item<double>() > 0.5);
  // bfloat16 SFT steps against float32 ones: the update (2 AdamW steps of lr 1e-3) agrees within
  // 15% of its norm (0.06 measured); bfloat16's 8-bit mantissa makes small gradients noisy, and AdamW turns the
  // sign of a noisy gradient into a full lr step.
  const auto fp = flatWeights(fp32 + "/checkpoints/step-0");
  const double bfVsFp = updateError(init, fp, master1);
  qInfo("SFT update, bfloat16 vs float32: %.3f of its norm", bfVsFp);
  QVERIFY2(bfVsFp < 0.15, qPrintable(QString::number(bfVsFp)));
  // Two sharded bfloat16 ranks against one: the same compute up to the rows' grouping into
  // micro-batches, so closer to each other than either is to float32.
  const double twoVsOne = updateError(init, master1, master2);
  qInfo("SFT update, 2 sharded bfloat16 ranks vs 1: %.3f of its norm", twoVsOne);
  QVERIFY2(twoVsOne < 0.05, qPrintable(QString::number(twoVsOne)));
  QVERIFY(maxDiff(init, master2) > 5e-4);
}

void TestShardedTraining::shardedMixedPrecisionResumesExactly() {
  const auto full = root_ + "/bf16-two-sharded", cut = root_ + "/bf16-two-sharded-cut";
  QVERIFY(fs::exists(full + "/checkpoints/step-2"));  // from mixedPrecisionKeepsFloat32Masters
  const auto config = writeConfig("bf16-optimizer", "bfloat16", config::ShardMode::Optimizer);
  auto r = trainTwoRanksStoppingAfterStep1(config, cut);
  QVERIFY2(r.exitCode != -1, r.err.c_str());
  QVERIFY(fs::exists(cut + "/checkpoints/step-1/trainer_state/shards/master/rank-1.pt"));
  QVERIFY(!fs::exists(cut + "/checkpoints/step-2"));
  // The shards fit 2 ranks only: resuming with 1 fails clearly and loses nothing.
  r = train(config, cut, 1, {"--resume"});
  QVERIFY(r.exitCode != 0);
  QVERIFY2(r.err.find("resume with the same --nproc and distributed.shard") != std::string::npos, r.err.c_str());
  // One rank's shard lost: every rank stops with the same error naming it (none waits forever).
  const auto broken = root_ + "/bf16-two-sharded-lost-shard";
  fs::copy(cut, broken, fs::copy_options::recursive);
  fs::remove(broken + "/checkpoints/step-1/trainer_state/shards/master/rank-1.pt");
  r = train(config, broken, 2, {"--resume"});
  QVERIFY2(r.exitCode > 0, r.err.c_str());
  QVERIFY2(r.err.find("master weight shards rank-1.pt are missing") != std::string::npos, r.err.c_str());
  r = train(config, cut, 2, {"--resume"});
  QVERIFY2(r.exitCode == 0, r.err.c_str());
  for (int rank : {0, 1}) {
    const auto a = masterOf(full + "/checkpoints/step-2", rank), b = masterOf(cut + "/checkpoints/step-2", rank);
    QVERIFY2(torch::allclose(a, b, 1e-6, 1e-7), qPrintable(QString::number(maxDiff(a, b))));
  }
}

// distributed.shard "full" (FSDP): float32 SFT then GRPO on two ranks whose decoder layers are
// sharded end where one rank does, and each rank holds half of every layer.
void TestShardedTraining::fullShardTrainsLikeOneRank() {
  const auto one = root_ + "/fp32-one", two = root_ + "/fp32-two-full";
  QVERIFY(fs::exists(one + "/checkpoints/step-2"));  // from shardedOptimizerTrainsLikeOneRank
  auto r = train(writeConfig("fp32-full", "float32", config::ShardMode::Full), two, 2);
  QVERIFY2(r.exitCode == 0, r.err.c_str());
  for (const char* step : {"step-0", "step-2"}) {  // after SFT, after GRPO: as "optimizer"'s tolerance
    const auto a = flatWeights(one + "/checkpoints/" + step), b = flatWeights(two + "/checkpoints/" + step);
    QVERIFY2(torch::allclose(a, b, 1e-4, 1e-5), qPrintable(QString("%1: %2").arg(step).arg(maxDiff(a, b))));
  }
  QVERIFY(maxDiff(flatWeights(model_), flatWeights(two + "/checkpoints/step-2")) > 1e-3);  // it trained
  const auto ck = two + "/checkpoints/step-2";
  const int64_t params = flatWeights(model_).numel(), layers = layerElements(model_);
  const int64_t layerCount = model::QwenPretrained::load(model_)->config().numHiddenLayers;
  const auto s0 = fullShardOf(ck, 0), s1 = fullShardOf(ck, 1);
  for (const auto& s : {s0, s1}) {
    QCOMPARE(s.total, params);
    QCOMPARE(s.held, params - layers);  // at rest the model holds no decoder layer's weights
  }
  // Each rank's share of the layers: half, padded by less than one element a layer.
  QCOMPARE(s0.layers.numel(), s1.layers.numel());
  QVERIFY(2 * s0.layers.numel() >= layers && 2 * s0.layers.numel() < layers + 2 * layerCount);
  const double perRank = static_cast<double>(s0.held + s0.layers.numel());
  qInfo("parameters a rank holds: %.0f of %lld (decoder layers: %lld of %lld)", perRank, static_cast<long long>(params),
        static_cast<long long>(s0.layers.numel()), static_cast<long long>(layers));
  QVERIFY(perRank < static_cast<double>(params) - 0.45 * static_cast<double>(layers));
  // The masters' layer ranges are the checkpoint's layer weights (float32 run: exactly).
  const auto m = model::QwenPretrained::load(ck);
  std::vector<torch::Tensor> parts;
  for (const auto& item : m->named_parameters())
    if (item.key().find(".layers.0.") != std::string::npos) parts.push_back(item.value().detach().reshape({-1}));
  const auto layer0 = torch::cat(parts);
  const int64_t half = (layer0.numel() + 1) / 2;
  QVERIFY(torch::equal(s0.layers.narrow(0, 0, half), layer0.narrow(0, 0, half)));
}

void TestShardedTraining::fullShardResumesExactly() {
  const auto full = root_ + "/fp32-two-full", cut = root_ + "/fp32-two-full-cut";
  QVERIFY(fs::exists(full + "/checkpoints/step-2"));  // from fullShardTrainsLikeOneRank
  const auto config = writeConfig("fp32-full", "float32", config::ShardMode::Full);
  auto r = trainTwoRanksStoppingAfterStep1(config, cut);
  QVERIFY2(r.exitCode != -1, r.err.c_str());
  QVERIFY(fs::exists(cut + "/checkpoints/step-1/trainer_state/shards/master/rank-1.pt"));
  QVERIFY(!fs::exists(cut + "/checkpoints/step-2"));
  r = train(config, cut, 2, {"--resume"});
  QVERIFY2(r.exitCode == 0, r.err.c_str());
  const auto a = flatWeights(full + "/checkpoints/step-2"), b = flatWeights(cut + "/checkpoints/step-2");
  QVERIFY2(torch::allclose(a, b, 1e-6, 1e-7), qPrintable(QString::number(maxDiff(a, b))));
  for (int rank : {0, 1}) {
    const auto x = fullShardOf(full + "/checkpoints/step-2", rank), y = fullShardOf(cut + "/checkpoints/step-2", rank);
    QVERIFY2(torch::allclose(x.layers, y.layers, 1e-6, 1e-7), qPrintable(QString::number(maxDiff(x.layers, y.layers))));
  }
}

QTEST_GUILESS_MAIN(TestShardedTraining)
#include "TestShardedTraining.moc"
