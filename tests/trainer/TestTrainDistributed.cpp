// Data parallel `longrl train --nproc 2` against one process on the same global batch: the same
// weights after warm-up SFT and after GRPO steps (within float tolerance), the same rollouts and
// metrics in the store, written once (rank 0 alone writes; no duplicated rows), the events on
// stdout (and with --tensorboard, the event file) from rank 0 only; and a failing rank stops the
// whole job with a non-zero exit code.
#include <QtTest/QtTest>

#include <QElapsedTimer>
#include <QProcess>

#include <signal.h>

#include <filesystem>
#include <map>
#include <set>

#include "SftDataset.h"
#include "TestTrainFixture.h"
#include "core/eval/ValidationPass.h"
#include "core/store/EventStreamDecoder.h"
#include "core/store/RunStore.h"
#include "core/store/RunStoreReader.h"
#include "core/store/RunStoreWriter.h"
#include "support/TensorBoardEvents.h"
#include "support/TestPaths.h"
#include "trainer/model/QwenPretrained.h"

namespace fs = std::filesystem;
using namespace longrl;

namespace {

struct CliResult {
  int exitCode = -1;
  std::string out, err;
  double seconds = 0;
};

CliResult runCli(const QStringList& args, const QProcessEnvironment& env = QProcessEnvironment::systemEnvironment()) {
  QProcess p;
  p.setProcessEnvironment(env);
  QElapsedTimer timer;
  timer.start();
  p.start(QString::fromStdString(test::cliPath()), args);
  CliResult r;
  if (!p.waitForFinished(180000)) {
    p.kill();
    p.waitForFinished();
  }
  r.seconds = timer.elapsed() / 1000.0;
  r.exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
  r.out = p.readAllStandardOutput().toStdString();
  r.err = p.readAllStandardError().toStdString();
  return r;
}

int64_t scalar(const std::string& runDir, const std::string& sql) {
  store::RunStoreReader r(store::RunStore::fileIn(runDir));
  return r.db().scalar(sql);
}

// Largest |a - b| over all parameters, and whether every one is within tolerance.
bool sameWeights(const std::string& dirA, const std::string& dirB, double* worst) {
  auto a = model::QwenPretrained::load(dirA), b = model::QwenPretrained::load(dirB);
  auto pa = a->named_parameters(), pb = b->named_parameters();
  bool ok = pa.size() == pb.size();
  *worst = 0;
  for (const auto& item : pa) {
    const auto& other = pb[item.key()];
    *worst = std::max(*worst, (item.value() - other).abs().max().item<double>());
    ok = ok && torch::allclose(item.value(), other, 1e-4, 1e-5);
  }
  return ok;
}

using RolloutKey = std::tuple<int64_t, std::string, int, int>;

std::map<RolloutKey, std::pair<std::string, double>> rollouts(const std::string& runDir) {
  store::RunStoreReader r(store::RunStore::fileIn(runDir));
  store::RolloutQuery q;
  q.limit = 100000;
  std::map<RolloutKey, std::pair<std::string, double>> out;
  for (const auto& x : r.rollouts(q)) out[{x.step, x.example_id, x.group_idx, x.sample_idx}] = {x.response, x.reward};
  return out;
}

}  // namespace

class TestTrainDistributed : public QObject {
  Q_OBJECT
  std::string root_, model_, data_, sftData_;

 private Q_SLOTS:
  void initTestCase();
  void twoRanksTrainLikeOne();
  void dynamicSamplingSeesTheGlobalBatch();
  void failingRankStopsTheJob();
  void sftOnlyReachesEveryRank();
  void rankZeroKilledLeavesAFailedRunNotARunningOne();
  void nprocUsage();
};

void TestTrainDistributed::initTestCase() {
  root_ = test::freshTempDir("train-dist");
  model_ = test::makeTinyModel(root_);
  data_ = root_ + "/train.jsonl";
  test::writeDataset(data_, test::tinyDocs(4, 4));
  sftData_ = root_ + "/sft.jsonl";
  test::writeSftDataset(sftData_);
}

void TestTrainDistributed::twoRanksTrainLikeOne() {
  auto cfg = test::tinyConfig(model_, data_);
  cfg.sft.enabled = true;  // warm-up SFT first: 3 steps of 5 sequences (split 3/2 over 2 ranks)
  cfg.sft.train = {sftData_};
  cfg.sft.steps = 3;
  cfg.sft.batchSize = 5;
  cfg.sft.lr = 1e-3;
  cfg.sft.warmupRatio = 0;
  cfg.phases[0].steps = 3;
  cfg.grpo.trainBatchSize = 3;  // prompts split 1/2 over the ranks
  // One optimizer step per GRPO step (12 sequences, 8/4 over the ranks' micro-batches). The random
  // tiny model's rewards are all equal (zero advantages), so its gradients are tiny entropy/KL
  // terms; AdamW turns rounding noise in near-zero gradients into lr-sized steps, and with several
  // mini-batches per step the two runs drift apart by ~1e-3 although each step agrees to 1e-7.
  cfg.grpo.ppoMiniBatchSize = 3;
  cfg.grpo.useKlLoss = true;  // reference log-probs are split too
  cfg.grpo.klCoef = 0.1;
  cfg.checkpoint.everySteps = 3;
  // Validation split over the ranks (each validates every other example) and gathered back.
  cfg.dataset.val = {data_};
  cfg.dataset.valN = 2;
  cfg.dataset.valEverySteps = 2;
  const std::string config = root_ + "/two-ranks.json";
  cfg.saveFile(config);
  const std::string one = root_ + "/one-rank", two = root_ + "/two-ranks";
  const auto r1 = runCli({"train", "--config", QString::fromStdString(config), "--run-dir", QString::fromStdString(one),
                          "--events", "stdout"});
  QVERIFY2(r1.exitCode == 0, r1.err.c_str());
  const auto r2 = runCli({"train", "--config", QString::fromStdString(config), "--run-dir", QString::fromStdString(two),
                          "--nproc", "2", "--events", "stdout", "--tensorboard", QString::fromStdString(two + "-tb")});
  QVERIFY2(r2.exitCode == 0, r2.err.c_str());
  qInfo("wall time: 1 rank %.1f s, 2 ranks %.1f s (SFT 3 steps + GRPO 3 steps, tiny model)", r1.seconds, r2.seconds);

  // Weights after SFT (step-0) and after the GRPO steps (step-3).
  double worst = 0;
  QVERIFY(fs::exists(two + "/checkpoints/step-0") && fs::exists(two + "/checkpoints/step-3"));
  QVERIFY2(sameWeights(one + "/checkpoints/step-0", two + "/checkpoints/step-0", &worst),
           qPrintable(QString::number(worst)));
  QVERIFY2(sameWeights(one + "/checkpoints/step-3", two + "/checkpoints/step-3", &worst),
           qPrintable(QString::number(worst)));
  qInfo("largest weight difference 1 vs 2 ranks after GRPO: %g", worst);
  // The same validation passes (before RL, step 2, the end), every example in the same order.
  const auto passes1 = eval::ValidationPass::filesIn(one), passes2 = eval::ValidationPass::filesIn(two);
  QCOMPARE(passes2.size(), size_t(3));
  QCOMPARE(passes1.size(), passes2.size());
  for (size_t i = 0; i < passes2.size(); ++i) {
    const auto a = eval::ValidationPass::read(passes1[i]), b = eval::ValidationPass::read(passes2[i]);
    QCOMPARE(b.step, a.step);
    QCOMPARE(b.n, 2);
    QCOMPARE(b.examples.size(), a.examples.size());
    for (size_t e = 0; e < a.examples.size(); ++e) QCOMPARE(b.examples[e].id, a.examples[e].id);
  }
  auto m0 = model::QwenPretrained::load(model_), m3 = model::QwenPretrained::load(two + "/checkpoints/step-3");
  QVERIFY(!torch::allclose(m0->model->embed_tokens->weight, m3->model->embed_tokens->weight));  // it did train

  // The same rollouts (responses and rewards), each written once.
  const auto ro1 = rollouts(one), ro2 = rollouts(two);
  QCOMPARE(ro2.size(), size_t(3 * 3 * 4));
  QCOMPARE(scalar(two, "SELECT count(*) FROM rollouts"), int64_t(ro2.size()));
  QVERIFY(ro1 == ro2);
  {
    // Each sample's mean token entropy comes from the rank that trained it (the on-policy update's
    // own pass), summed over the ranks: every stored sample has it, as with one rank.
    store::RunStoreReader e1(store::RunStore::fileIn(one)), e2(store::RunStore::fileIn(two));
    store::RolloutQuery q;
    q.limit = 100000;
    std::map<RolloutKey, double> ent1;
    for (const auto& x : e1.rollouts(q)) ent1[{x.step, x.example_id, x.group_idx, x.sample_idx}] = x.mean_entropy;
    int positive = 0;
    for (const auto& x : e2.rollouts(q)) {
      const double a = ent1.at({x.step, x.example_id, x.group_idx, x.sample_idx});
      QVERIFY2(std::abs(a - x.mean_entropy) <= 1e-4 * (1 + a),
               qPrintable(QString("%1 vs %2").arg(a).arg(x.mean_entropy)));
      positive += x.mean_entropy > 0 ? 1 : 0;
    }
    QCOMPARE(positive, static_cast<int>(ro2.size()));
  }
  // The same metrics, once each; the values that do not depend on timing agree.
  const char* perStepName = "SELECT count(*) FROM (SELECT DISTINCT step, phase, name FROM metrics)";
  QCOMPARE(scalar(two, "SELECT count(*) FROM metrics"), scalar(two, perStepName));
  QCOMPARE(scalar(two, "SELECT count(*) FROM metrics"), scalar(one, "SELECT count(*) FROM metrics"));
  QCOMPARE(scalar(two, "SELECT count(*) FROM examples"), scalar(one, "SELECT count(*) FROM examples"));
  QCOMPARE(scalar(two, "SELECT count(*) FROM runs"), int64_t(1));
  store::RunStoreReader s1(store::RunStore::fileIn(one)), s2(store::RunStore::fileIn(two));
  QCOMPARE(s2.runs().at(0).status, std::string("finished"));
  for (const char* name :
       {"sft/loss", "sft/grad_norm", "critic/rewards/mean", "critic/advantages/max", "actor/pg_loss", "actor/entropy",
        "actor/kl_loss", "actor/grad_norm", "actor/pg_clipfrac", "response_length/mean"}) {
    const auto a = s1.metricSeries(name), b = s2.metricSeries(name);
    QVERIFY2(a.size() == 3 && b.size() == a.size(), name);
    for (size_t i = 0; i < a.size(); ++i)
      QVERIFY2(std::abs(a[i].value - b[i].value) <= 1e-4 * (1 + std::abs(a[i].value)),
               qPrintable(QString("%1 step %2: %3 vs %4").arg(name).arg(i).arg(a[i].value).arg(b[i].value)));
  }
  // Rank 0's event stream is the whole record and nothing else; the other rank said nothing.
  QCOMPARE(r2.out.size() > 0, true);
  store::RunStoreWriter writer(root_ + "/mirror.sqlite");
  store::EventStreamDecoder dec(writer);
  dec.feed(r2.out);
  dec.finish();
  QCOMPARE(dec.stats().problems, size_t(0));
  QCOMPARE(dec.stats().nonJsonLines, size_t(0));
  store::RunStoreReader mirror(root_ + "/mirror.sqlite");
  store::RolloutQuery q;
  QCOMPARE(mirror.rolloutCount(q), s2.rolloutCount(q));
  QCOMPARE(mirror.db().scalar("SELECT count(*) FROM metrics"), scalar(two, "SELECT count(*) FROM metrics"));
  QCOMPARE(mirror.runs().at(0).status, std::string("finished"));
  QVERIFY2(r2.err.find("rank 1") == std::string::npos, r2.err.c_str());  // the other rank logs nothing
  // --tensorboard reached rank 0 alone: one event file, each stored metric point once.
  const auto tbFiles = test::eventFilesIn(two + "-tb");
  QCOMPARE(tbFiles.size(), size_t(1));
  const auto tb = test::readEventFiles(tbFiles);
  QVERIFY2(tb.run.rc == 0, tb.run.output.c_str());
  QCOMPARE(int64_t(tb.files.at(0).scalars.size()), scalar(two, "SELECT count(*) FROM metrics"));
}

void TestTrainDistributed::dynamicSamplingSeesTheGlobalBatch() {
  // A random model never answers: every group has zero accuracy variance, so dynamic sampling
  // drops them all and generates again, up to the cap. Two ranks decide as one does.
  auto cfg = test::tinyConfig(model_, data_);
  cfg.phases[0].steps = 1;
  cfg.grpo.trainBatchSize = 3;
  cfg.grpo.dynamicSampling.enabled = true;
  cfg.grpo.dynamicSampling.maxNumGenBatches = 2;
  const std::string config = root_ + "/dynamic.json";
  cfg.saveFile(config);
  const std::string one = root_ + "/dyn-one", two = root_ + "/dyn-two";
  QCOMPARE(
      runCli({"train", "--config", QString::fromStdString(config), "--run-dir", QString::fromStdString(one)}).exitCode,
      0);
  const auto r2 = runCli(
      {"train", "--config", QString::fromStdString(config), "--run-dir", QString::fromStdString(two), "--nproc", "2"});
  QVERIFY2(r2.exitCode == 0, r2.err.c_str());
  QVERIFY(r2.out.empty());  // no --events: nothing on stdout from any rank
  store::RunStoreReader s2(store::RunStore::fileIn(two));
  QCOMPARE(s2.metricSeries("train/num_gen_batches").back().value, 2.0);
  QCOMPARE(s2.metricSeries("train/num_dropped_groups").back().value, 6.0);
  const auto ro2 = rollouts(two);
  QCOMPARE(ro2.size(), size_t(2 * 3 * 4));
  QVERIFY(rollouts(one) == ro2);
  std::set<int> groups;
  for (const auto& [key, unused] : ro2) groups.insert(std::get<2>(key));
  QCOMPARE(groups.size(), size_t(6));  // group indices unique across ranks and generation batches
}

void TestTrainDistributed::sftOnlyReachesEveryRank() {
  // --sft-only must reach the ranks --nproc starts: else they would go on into GRPO.
  auto cfg = test::tinyConfig(model_, data_);
  cfg.sft.enabled = true;
  cfg.sft.train = {sftData_};
  cfg.sft.steps = 1;
  cfg.sft.batchSize = 2;
  const std::string config = root_ + "/sft-only.json";
  cfg.saveFile(config);
  const std::string dir = root_ + "/sft-only";
  const auto r = runCli({"train", "--config", QString::fromStdString(config), "--run-dir", QString::fromStdString(dir),
                         "--nproc", "2", "--sft-only"});
  QVERIFY2(r.exitCode == 0, r.err.c_str());
  store::RunStoreReader s(store::RunStore::fileIn(dir));
  QCOMPARE(s.metricSeries("sft/loss").size(), size_t(1));
  QVERIFY(s.metricSeries("critic/score/mean").empty());
  QCOMPARE(s.runs().front().status, std::string("finished"));
}

void TestTrainDistributed::failingRankStopsTheJob() {
  auto cfg = test::tinyConfig(model_, data_);
  cfg.phases[0].steps = 50;  // long enough that only the failure can end it early
  const std::string config = root_ + "/failing.json";
  cfg.saveFile(config);
  auto env = QProcessEnvironment::systemEnvironment();
  env.insert("LONGRL_TRAIN_FAIL_RANK", "1");
  const auto r = runCli({"train", "--config", QString::fromStdString(config), "--run-dir",
                         QString::fromStdString(root_ + "/failing"), "--nproc", "2"},
                        env);
  QVERIFY2(r.exitCode != 0 && r.exitCode != -1, r.err.c_str());
  QVERIFY2(r.err.find("rank 1") != std::string::npos, r.err.c_str());
  QVERIFY2(r.seconds < 60, qPrintable(QString::number(r.seconds)));
  // The store does not go on saying "running" for a job that is gone, and says which rank ended it.
  const std::string storeFile = store::RunStore::fileIn(root_ + "/failing");
  QVERIFY(QFile::exists(QString::fromStdString(storeFile)));
  store::RunStoreReader s(storeFile);
  QCOMPARE(s.runs().size(), size_t(1));
  QCOMPARE(s.runs().front().status, std::string("failed"));
  bool named = false;
  for (const auto& e : s.eventsAfter(0))
    named = named || (e.kind == "error" && e.payload.find("rank 1") != std::string::npos);
  QVERIFY2(named, r.err.c_str());
}

// The pid of the child of `parent` whose environment holds RANK=<rank>, or 0.
qint64 rankPid(qint64 parent, int rank) {
  QProcess pgrep;
  pgrep.start("pgrep", {"-P", QString::number(parent)});
  pgrep.waitForFinished(5000);
  for (const auto& line : QString::fromUtf8(pgrep.readAllStandardOutput()).split('\n', Qt::SkipEmptyParts)) {
    QFile env("/proc/" + line.trimmed() + "/environ");
    if (env.open(QIODevice::ReadOnly) && env.readAll().split('\0').contains("RANK=" + QByteArray::number(rank)))
      return line.trimmed().toLongLong();
  }
  return 0;
}

// SIGKILL gives rank 0 no chance to write "failed": the launcher does it, naming rank 0.
void TestTrainDistributed::rankZeroKilledLeavesAFailedRunNotARunningOne() {
  auto cfg = test::tinyConfig(model_, data_);
  cfg.phases[0].steps = 200;
  const std::string config = root_ + "/killed.json", dir = root_ + "/killed";
  cfg.saveFile(config);
  QProcess p;
  p.start(QString::fromStdString(test::cliPath()), {"train", "--config", QString::fromStdString(config), "--run-dir",
                                                    QString::fromStdString(dir), "--nproc", "2"});
  QVERIFY(p.waitForStarted());
  auto stepsStored = [&]() -> int64_t {
    if (!store::RunStore::isRunDir(dir)) return 0;
    return scalar(dir, "SELECT COUNT(*) FROM metrics WHERE name = 'critic/score/mean'");
  };
  QTRY_VERIFY_WITH_TIMEOUT(stepsStored() >= 2, 60000);
  const qint64 rank0 = rankPid(p.processId(), 0);
  QVERIFY(rank0 > 0);
  QCOMPARE(::kill(static_cast<pid_t>(rank0), SIGKILL), 0);
  QVERIFY(p.waitForFinished(60000));
  const std::string err = p.readAllStandardError().toStdString();
  QCOMPARE(p.exitCode(), 128 + SIGKILL);
  QVERIFY2(err.find("the job failed in rank 0") != std::string::npos, err.c_str());
  store::RunStoreReader s(store::RunStore::fileIn(dir));
  QCOMPARE(s.runs().front().status, std::string("failed"));
  bool named = false;
  for (const auto& e : s.eventsAfter(0))
    named = named || (e.kind == "error" && e.payload.find("rank 0 of 2 failed (exit code 137)") != std::string::npos);
  QVERIFY2(named, err.c_str());
}

void TestTrainDistributed::nprocUsage() {
  const auto bad =
      runCli({"train", "--config", "c.json", "--run-dir", QString::fromStdString(root_ + "/x"), "--nproc", "0"});
  QCOMPARE(bad.exitCode, 2);
  QVERIFY2(bad.err.find("--nproc") != std::string::npos, bad.err.c_str());
  // A rank whose environment is incomplete says which variable is missing.
  auto env = QProcessEnvironment::systemEnvironment();
  env.insert("WORLD_SIZE", "2");
  env.insert("RANK", "1");
  env.remove("MASTER_ADDR");
  const auto r = runCli({"train", "--config", QString::fromStdString(root_ + "/dynamic.json"), "--run-dir",
                         QString::fromStdString(root_ + "/no-master")},
                        env);
  QCOMPARE(r.exitCode, 1);
  QVERIFY2(r.err.find("MASTER_ADDR") != std::string::npos, r.err.c_str());
}

QTEST_GUILESS_MAIN(TestTrainDistributed)
#include "TestTrainDistributed.moc"
