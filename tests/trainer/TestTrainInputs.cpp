// A run checks what it reads before it trains: a missing or malformed dataset fails before the
// SFT warm-up writes a metric or a checkpoint, naming the config key and the file; an integer that
// does not fit is refused by validation; a corrupt store fails before config.json is written; an
// unreachable judge is a warning.
#include <QtTest/QtTest>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "TestTrainFixture.h"
#include "core/store/RunStore.h"
#include "core/store/RunStoreReader.h"
#include "support/FakeOpenAIServer.h"
#include "support/LoopbackPort.h"
#include "support/TestPaths.h"
#include "trainer/cli/TrainCommand.h"
#include "trainer/train/InputCheck.h"
#include "trainer/train/TrainingRun.h"

namespace fs = std::filesystem;
using namespace longrl;

namespace {

// The error of a run that must fail ("" when it did not).
std::string failure(const config::RunConfig& cfg, const std::string& runDir, bool resume = false) {
  train::TrainOptions o;
  o.runDir = runDir;
  o.resume = resume;
  try {
    train::TrainingRun(cfg, o).run();
  } catch (const std::exception& e) {
    return e.what();
  }
  return {};
}

size_t checkpointCount(const std::string& runDir) {
  std::error_code ec;
  size_t n = 0;
  for (const auto& e : fs::directory_iterator(runDir + "/checkpoints", ec)) n += e.is_directory() ? 1 : 0;
  return n;
}

int64_t metricCount(const std::string& runDir) {
  store::RunStoreReader r(store::RunStore::fileIn(runDir));
  return r.db().scalar("SELECT count(*) FROM metrics");
}

}  // namespace

class TestTrainInputs : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void initTestCase();
  void missingTrainFileFailsBeforeSft();
  void malformedTrainRecordFailsBeforeSft();
  void hugeRolloutNIsRefusedByValidation();
  void corruptStoreLeavesConfigUntouched();
  void unreachableJudgeIsAWarning();

 private:
  // A config whose SFT warm-up would run (and checkpoint) if nothing stopped it first.
  config::RunConfig sftConfig(const std::string& trainData) const;

  std::string root_, model_, sftData_, data_;
};

void TestTrainInputs::initTestCase() {
  root_ = test::freshTempDir("train-inputs");
  model_ = test::makeTinyModel(root_);
  sftData_ = root_ + "/sft.jsonl";
  test::writeDataset(sftData_, test::tinyDocs(4, 3));
  data_ = root_ + "/train.jsonl";
  test::writeDataset(data_, test::tinyDocs(3, 4));
}

config::RunConfig TestTrainInputs::sftConfig(const std::string& trainData) const {
  auto cfg = test::tinyConfig(model_, trainData);
  cfg.sft.enabled = true;
  cfg.sft.train = {sftData_};
  cfg.sft.steps = 1;
  cfg.sft.batchSize = 2;
  return cfg;
}

void TestTrainInputs::missingTrainFileFailsBeforeSft() {
  const std::string missing = root_ + "/no-such-train.jsonl";
  auto cfg = sftConfig(data_);
  cfg.dataset.train = {data_, missing};
  const std::string runDir = root_ + "/run-missing";
  const std::string error = failure(cfg, runDir);
  QVERIFY2(error.find("dataset.train[1]") != std::string::npos && error.find(missing) != std::string::npos,
           error.c_str());
  QCOMPARE(checkpointCount(runDir), size_t(0));
  QCOMPARE(metricCount(runDir), int64_t(0));  // no sft/loss: the warm-up never started
  store::RunStoreReader r(store::RunStore::fileIn(runDir));
  QCOMPARE(r.runs().at(0).status, std::string("failed"));
}

void TestTrainInputs::malformedTrainRecordFailsBeforeSft() {
  const std::string bad = root_ + "/bad-train.jsonl";
  test::writeDataset(bad, test::tinyDocs(2, 4));
  std::ofstream(bad, std::ios::app) << "{\"document\": \"d\", \"question\": \n";  // line 3: cut off
  const std::string runDir = root_ + "/run-malformed";
  const std::string error = failure(sftConfig(bad), runDir);
  QVERIFY2(error.find(bad + ":3") != std::string::npos, error.c_str());
  QCOMPARE(checkpointCount(runDir), size_t(0));
  QCOMPARE(metricCount(runDir), int64_t(0));
}

// 10^12 fits the config's int64 but not the int it becomes: it wrapped to n = -727379968.
void TestTrainInputs::hugeRolloutNIsRefusedByValidation() {
  auto cfg = nlohmann::json::parse(R"({"grpo": {"rollout_n": 1000000000000}})");
  cfg["model"] = {{"path", model_}};
  cfg["dataset"] = {{"train", {data_}}};
  const std::string config = root_ + "/huge-rollout-n.json";
  std::ofstream(config) << cfg.dump();
  const std::string runDir = root_ + "/run-huge";
  cli::ArgList args({"--config", config, "--run-dir", runDir});
  std::ostringstream out, err;
  QCOMPARE(cli::trainCommand().run(args, out, err), 1);
  QVERIFY2(err.str().find("grpo.rollout_n") != std::string::npos &&
               err.str().find("1000000000000") != std::string::npos,
           err.str().c_str());
  QVERIFY(!fs::exists(runDir));  // refused while reading the config, before a run directory exists
}

void TestTrainInputs::corruptStoreLeavesConfigUntouched() {
  const std::string runDir = root_ + "/run-corrupt";
  fs::create_directories(runDir);
  std::ofstream(store::RunStore::fileIn(runDir), std::ios::binary) << std::string(4096, 'x');
  const std::string earlier = "{\"written\": \"before\"}\n";
  std::ofstream(runDir + "/config.json", std::ios::binary) << earlier;
  const std::string error = failure(test::tinyConfig(model_, data_), runDir, true);
  QVERIFY2(!error.empty(), "a corrupt run store was accepted");
  QCOMPARE(test::fileBytes(runDir + "/config.json"), earlier);

  const std::string fresh = root_ + "/run-corrupt-fresh";  // no config.json yet: none appears
  fs::create_directories(fresh);
  std::ofstream(store::RunStore::fileIn(fresh), std::ios::binary) << std::string(4096, 'x');
  QVERIFY(!failure(test::tinyConfig(model_, data_), fresh, true).empty());
  QVERIFY(!fs::exists(fresh + "/config.json"));
}

void TestTrainInputs::unreachableJudgeIsAWarning() {
  config::JudgeConfig judge;
  QVERIFY(!train::InputCheck::judgeWarning(judge));  // off: nothing to reach
  judge.enabled = true;
  judge.model = "m";
  judge.timeoutMs = 2000;
  const int port = test::unusedLoopbackPort();
  QVERIFY(port > 0);
  judge.baseUrl = "http://127.0.0.1:" + std::to_string(port) + "/v1";
  const auto warning = train::InputCheck::judgeWarning(judge);
  QVERIFY(warning.has_value());
  QVERIFY2(warning->rfind("reward.judge.base_url: the judge at " + judge.baseUrl, 0) == 0, warning->c_str());

  test::FakeOpenAIServer server;
  judge.baseUrl = server.baseUrl();
  const auto none = train::InputCheck::judgeWarning(judge);
  QVERIFY2(!none, none ? none->c_str() : "");
  QCOMPARE(server.requestCount(), size_t(0));  // the probe asks no judge question
}

QTEST_APPLESS_MAIN(TestTrainInputs)
#include "TestTrainInputs.moc"
