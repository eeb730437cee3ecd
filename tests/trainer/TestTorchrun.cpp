// `longrl train` under Debian's real torchrun, 2 processes: with its default static rendezvous
// (the agent serves the store on --master_port; TORCHELASTIC_USE_AGENT_STORE=True) the job runs
// and trains exactly as `longrl train --nproc 2` does on the same config; with --standalone too; a
// failing rank fails torchrun's job and is named; and `--nproc` inside a torchrun worker does not
// follow the outer torchrun's store. Skipped where torchrun is not on PATH.
//
// Debian 12's torchrun (PyTorch 1.13 on Python 3.11) dies at start with its default --redirects 0
// --tee 0 ("'NoneType' object has no attribute 'get'": Python 3.11 no longer iterates IntFlag's
// zero and alias members, so Std.from_str("0") returns None). --redirects 1 --tee 1 (stdout through
// a log file, echoed) avoids it on every version.
#include <QtTest/QtTest>

#include <QElapsedTimer>
#include <QProcess>
#include <QStandardPaths>

#include <map>
#include <string>
#include <tuple>

#include "SftDataset.h"
#include "TestTrainFixture.h"
#include "core/store/RunStore.h"
#include "core/store/RunStoreReader.h"
#include "support/LoopbackPort.h"
#include "support/TestPaths.h"
#include "trainer/model/QwenPretrained.h"

using namespace longrl;

namespace {

struct Result {
  int exitCode = -1;  // -1: crashed or timed out
  std::string out, err;
};

Result runProcess(const QString& program, const QStringList& args, const QProcessEnvironment& env) {
  QProcess p;
  p.setProcessEnvironment(env);
  p.start(program, args);
  if (!p.waitForFinished(240000)) {
    p.kill();
    p.waitForFinished();
  }
  Result r;
  r.exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
  r.out = p.readAllStandardOutput().toStdString();
  r.err = p.readAllStandardError().toStdString();
  return r;
}

// A rendezvous that cannot happen fails in seconds, not after the default 30 minutes.
QProcessEnvironment quickTimeout() {
  auto env = QProcessEnvironment::systemEnvironment();
  env.insert("LONGRL_DIST_TIMEOUT_S", "60");
  return env;
}

size_t count(const std::string& text, const std::string& needle) {
  size_t n = 0;
  for (size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++n;
  return n;
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

bool endsWith(const std::string& s, const std::string& tail) {
  return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

// Every metric point but timings, rates and memory, which differ from run to run.
std::map<std::tuple<int64_t, int, std::string>, double> deterministicMetrics(const std::string& runDir) {
  store::RunStoreReader r(store::RunStore::fileIn(runDir));
  std::map<std::tuple<int64_t, int, std::string>, double> out;
  r.forEachMetric([&](const store::MetricPoint& m) {
    if (m.name.rfind("timing_s/", 0) != 0 && m.name.rfind("perf/", 0) != 0 && !endsWith(m.name, "_per_s"))
      out[{m.step, m.phase, m.name}] = m.value;
  });
  return out;
}

}  // namespace

class TestTorchrun : public QObject {
  Q_OBJECT
  QString torchrun_;
  std::string root_, model_, data_, sftData_;

  // `torchrun ... --no_python longrl train --config CONFIG --run-dir DIR` with 2 processes.
  Result torchrun(const QStringList& rendezvous, const std::string& config, const std::string& runDir,
                  const QProcessEnvironment& env = quickTimeout());
  std::string writeConfig(const std::string& name, int grpoSteps, int sftSteps);

 private Q_SLOTS:
  void initTestCase();
  void agentStoreTrainsLikeNproc();
  void standaloneRendezvous();
  void failingRankFailsTheJob();
  void nprocInsideATorchrunWorker();
};

void TestTorchrun::initTestCase() {
  torchrun_ = QStandardPaths::findExecutable("torchrun");
  root_ = test::freshTempDir("torchrun");
  model_ = test::makeTinyModel(root_);
  data_ = root_ + "/train.jsonl";
  test::writeDataset(data_, test::tinyDocs(4, 4));
  sftData_ = root_ + "/sft.jsonl";
  test::writeSftDataset(sftData_);
}

Result TestTorchrun::torchrun(const QStringList& rendezvous, const std::string& config, const std::string& runDir,
                              const QProcessEnvironment& env) {
  // --redirects 1 --tee 1: see the top of this file.
  QStringList args = QString("--nproc_per_node 2 --redirects 1 --tee 1 --monitor_interval 1").split(' ');
  args << "--log_dir" << QString::fromStdString(runDir + "-torchrun-logs") << rendezvous;
  args << "--no_python" << QString::fromStdString(test::cliPath()) << "train";
  args << "--config" << QString::fromStdString(config) << "--run-dir" << QString::fromStdString(runDir);
  return runProcess(torchrun_, args, env);
}

// A few seconds of training: warm-up SFT (split 2/2 over the ranks) and GRPO (1 prompt per rank).
std::string TestTorchrun::writeConfig(const std::string& name, int grpoSteps, int sftSteps) {
  auto cfg = test::tinyConfig(model_, data_);
  cfg.sft.enabled = sftSteps > 0;
  cfg.sft.train = {sftData_};
  cfg.sft.steps = sftSteps;
  cfg.sft.batchSize = 4;
  cfg.sft.lr = 1e-3;
  cfg.sft.warmupRatio = 0;
  cfg.phases[0].steps = grpoSteps;
  cfg.grpo.trainBatchSize = 2;
  cfg.grpo.ppoMiniBatchSize = 2;
  cfg.checkpoint.everySteps = grpoSteps;
  const std::string path = root_ + "/" + name + ".json";
  cfg.saveFile(path);
  return path;
}

void TestTorchrun::agentStoreTrainsLikeNproc() {
  if (torchrun_.isEmpty()) QSKIP("torchrun is not on PATH (Debian: apt install python3-torch)");
  const std::string config = writeConfig("agent-store", 2, 2);
  const std::string viaTorchrun = root_ + "/agent-store", viaNproc = root_ + "/nproc";
  const int port = test::unusedLoopbackPort();
  QVERIFY(port > 0);
  // torchrun's default static rendezvous: its agent listens on --master_port before any worker
  // starts, so a rank 0 that served the store there itself would fail with "address in use".
  const auto t = torchrun({"--master_port", QString::number(port)}, config, viaTorchrun);
  QVERIFY2(t.exitCode == 0, t.err.c_str());
  // Rank 0 met a world of 2 in the agent's store; rank 1 stayed quiet, as under --nproc.
  const std::string joined =
      "train: 2 ranks (torchrun), rendezvous in torchrun's store at 127.0.0.1:" + std::to_string(port) +
      " (attempt 0), backend gloo";
  QVERIFY2(count(t.err, joined) == 1, t.err.c_str());
  QVERIFY2(t.err.find("rank 1") == std::string::npos, t.err.c_str());

  const auto n = runProcess(QString::fromStdString(test::cliPath()),
                            {"train", "--config", QString::fromStdString(config), "--run-dir",
                             QString::fromStdString(viaNproc), "--nproc", "2"},
                            quickTimeout());
  QVERIFY2(n.exitCode == 0, n.err.c_str());
  QVERIFY2(n.err.find("train: 2 ranks (RANK/WORLD_SIZE), rendezvous at 127.0.0.1:") != std::string::npos,
           n.err.c_str());

  // The same job: both have one thread per rank and Gloo's two-rank sums, so the same numbers.
  store::RunStoreReader a(store::RunStore::fileIn(viaTorchrun)), b(store::RunStore::fileIn(viaNproc));
  QCOMPARE(a.runs().size(), size_t(1));
  QCOMPARE(a.runs().front().status, std::string("finished"));
  const auto ra = rollouts(viaTorchrun);
  QCOMPARE(ra.size(), size_t(2 * 2 * 4));  // steps x prompts x samples, each written once
  QVERIFY(ra == rollouts(viaNproc));
  const auto ma = deterministicMetrics(viaTorchrun), mb = deterministicMetrics(viaNproc);
  QCOMPARE(a.metricSeries("sft/loss").size(), size_t(2));
  QCOMPARE(ma.size(), mb.size());
  for (const auto& [key, value] : ma) {
    const auto other = mb.find(key);
    QVERIFY2(other != mb.end() && other->second == value,
             qPrintable(QString("%1 step %2: %3 vs %4")
                            .arg(QString::fromStdString(std::get<2>(key)))
                            .arg(std::get<0>(key))
                            .arg(value)
                            .arg(other == mb.end() ? qQNaN() : other->second)));
  }
  auto wa = model::QwenPretrained::load(viaTorchrun + "/checkpoints/step-2");
  auto wb = model::QwenPretrained::load(viaNproc + "/checkpoints/step-2");
  auto w0 = model::QwenPretrained::load(model_);
  auto pb = wb->named_parameters();
  for (const auto& item : wa->named_parameters())
    QVERIFY2(torch::equal(item.value(), pb[item.key()]), item.key().c_str());
  QVERIFY(!torch::equal(w0->model->embed_tokens->weight, wa->model->embed_tokens->weight));  // it trained
}

void TestTorchrun::standaloneRendezvous() {
  // --standalone: torchrun's own store is on a port of its own (TORCHELASTIC_USE_AGENT_STORE=False)
  // and rank 0 serves MASTER_PORT, as under --nproc.
  if (torchrun_.isEmpty()) QSKIP("torchrun is not on PATH (Debian: apt install python3-torch)");
  const std::string config = writeConfig("standalone", 1, 0);
  const auto t = torchrun({"--standalone"}, config, root_ + "/standalone");
  QVERIFY2(t.exitCode == 0, t.err.c_str());
  QVERIFY2(count(t.err, "train: 2 ranks (torchrun), rendezvous at localhost:") == 1, t.err.c_str());
  QCOMPARE(rollouts(root_ + "/standalone").size(), size_t(1 * 2 * 4));
}

void TestTorchrun::failingRankFailsTheJob() {
  // torchrun's RANK reaches the process: rank 1 (and only it) fails on purpose after the rendezvous.
  if (torchrun_.isEmpty()) QSKIP("torchrun is not on PATH (Debian: apt install python3-torch)");
  const std::string config = writeConfig("failing", 50, 0);
  auto env = quickTimeout();
  env.insert("LONGRL_TRAIN_FAIL_RANK", "1");
  QElapsedTimer timer;
  timer.start();
  const auto t =
      torchrun({"--master_port", QString::number(test::unusedLoopbackPort())}, config, root_ + "/failing", env);
  QVERIFY2(t.exitCode > 0, t.err.c_str());
  QVERIFY2(t.err.find("train: rank 1: error: LONGRL_TRAIN_FAIL_RANK: failing on purpose") != std::string::npos,
           t.err.c_str());
  QVERIFY2(t.err.find("rank 0: error: LONGRL_TRAIN_FAIL_RANK") == std::string::npos, t.err.c_str());
  QVERIFY2(timer.elapsed() < 120000, qPrintable(QString::number(timer.elapsed())));  // not 50 steps
}

void TestTorchrun::nprocInsideATorchrunWorker() {
  // `torchrun --nproc_per_node 1 longrl train --nproc 2`: the outer torchrun's agent store is not
  // the inner job's; the inner rank 0 serves its own. (No torchrun needed: its variables are set.)
  const std::string config = writeConfig("nested", 1, 0);
  auto env = QProcessEnvironment::systemEnvironment();
  env.insert("LONGRL_DIST_TIMEOUT_S", "15");
  for (const auto& [k, v] : std::map<QString, QString>{{"RANK", "0"},
                                                       {"WORLD_SIZE", "1"},
                                                       {"LOCAL_RANK", "0"},
                                                       {"MASTER_ADDR", "127.0.0.1"},
                                                       {"MASTER_PORT", QString::number(test::unusedLoopbackPort())},
                                                       {"TORCHELASTIC_USE_AGENT_STORE", "True"},
                                                       {"TORCHELASTIC_RESTART_COUNT", "0"}})
    env.insert(k, v);
  const auto r = runProcess(QString::fromStdString(test::cliPath()),
                            {"train", "--config", QString::fromStdString(config), "--run-dir",
                             QString::fromStdString(root_ + "/nested"), "--nproc", "2"},
                            env);
  QVERIFY2(r.exitCode == 0, r.err.c_str());
  QVERIFY2(r.err.find("train: 2 ranks (RANK/WORLD_SIZE), rendezvous at 127.0.0.1:") != std::string::npos,
           r.err.c_str());
}

QTEST_GUILESS_MAIN(TestTorchrun)
#include "TestTorchrun.moc"
