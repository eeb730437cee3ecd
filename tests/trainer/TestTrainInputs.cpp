// A run checks what it reads before it trains: a missing or malformed dataset fails before the
// SFT warm-up writes a metric or a checkpoint, naming the config key and the file; an integer that
// does not fit is refused by validation; a corrupt store fails before config.json is written; an
// unreachable judge is a warning; the judge's URL and API key variable are logged, and a key
// variable not named like a key is refused unless the config allows it.
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
  void judgeUrlAndKeyVariableAreLogged();
  void keyVariableNotLikeAKeyIsRefusedByTrain();

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

// Before training, the run's log (stderr and the store's events) names where the judge calls go
// and which variable's value they carry: its name, never its value.
void TestTrainInputs::judgeUrlAndKeyVariableAreLogged() {
  test::FakeOpenAIServer server;
  qputenv("LONGRL_TEST_JUDGE_API_KEY", "sk-never-logged");
  auto cfg = test::tinyConfig(model_, data_);
  cfg.model.path = root_ + "/no-model-here";  // fails just after the input checks: no training needed
  cfg.reward.judge.enabled = true;
  cfg.reward.judge.baseUrl = server.baseUrl();
  cfg.reward.judge.model = "judge-m";
  cfg.reward.judge.apiKeyEnv = "LONGRL_TEST_JUDGE_API_KEY";
  const std::string runDir = root_ + "/run-judge-log";
  std::ostringstream log;
  train::TrainOptions o;
  o.runDir = runDir;
  o.log = &log;
  QVERIFY_THROWS_EXCEPTION(std::exception, train::TrainingRun(cfg, o).run());
  const std::string line = "judge: " + server.baseUrl() + " (model judge-m), API key from $LONGRL_TEST_JUDGE_API_KEY";
  QVERIFY2(log.str().find("train: " + line + "\n") != std::string::npos, log.str().c_str());
  QVERIFY(log.str().find("sk-never-logged") == std::string::npos);
  store::RunStoreReader r(store::RunStore::fileIn(runDir));
  bool recorded = false;
  for (const auto& e : r.eventsAfter(0))
    recorded = recorded || (e.kind == "log" && e.payload.find(line) != std::string::npos);
  QVERIFY(recorded);

  config::JudgeConfig judge;
  QVERIFY(!train::InputCheck::judgeSummary(judge));  // off: nothing goes out
  judge.enabled = true;
  judge.baseUrl = "http://j:1/v1";
  judge.model = "m";
  judge.apiKeyEnv = "LONGRL_NO_SUCH_TEST_KEY";
  QCOMPARE(*train::InputCheck::judgeSummary(judge),
           std::string(
               "judge: http://j:1/v1 (model m), API key from $LONGRL_NO_SUCH_TEST_KEY (not set here: the calls go "
               "without a key)"));
  judge.apiKeyEnv = "HOME";
  judge.allowAnyKeyEnv = true;
  QVERIFY(train::InputCheck::judgeSummary(judge)->find(
              "$HOME (not named like a key; sent because reward.judge.allow_any_key_env is true)") !=
          std::string::npos);
  judge.apiKeyEnv.clear();
  QCOMPARE(*train::InputCheck::judgeSummary(judge),
           std::string("judge: http://j:1/v1 (model m), no API key (reward.judge.api_key_env is empty)"));
}

// A shared config naming HOME as the judge's key is refused before a run directory exists; the same
// config with reward.judge.allow_any_key_env passes validation.
void TestTrainInputs::keyVariableNotLikeAKeyIsRefusedByTrain() {
  nlohmann::json cfg = {
      {"model", {{"path", model_}}},
      {"dataset", {{"train", {data_}}}},
      {"reward",
       {{"judge",
         {{"enabled", true}, {"base_url", "http://127.0.0.1:9/v1"}, {"model", "m"}, {"api_key_env", "HOME"}}}}}};
  const std::string config = root_ + "/home-key.json";
  std::ofstream(config) << cfg.dump();
  const std::string runDir = root_ + "/run-home-key";
  cli::ArgList args({"--config", config, "--run-dir", runDir});
  std::ostringstream out, err;
  QCOMPARE(cli::trainCommand().run(args, out, err), 1);
  QVERIFY2(err.str().find("reward.judge.api_key_env: 'HOME' is not named like an API key") != std::string::npos &&
               err.str().find("reward.judge.allow_any_key_env") != std::string::npos,
           err.str().c_str());
  QVERIFY(!fs::exists(runDir));
  cfg["reward"]["judge"]["allow_any_key_env"] = true;
  const auto issues = config::RunConfig::check(cfg);
  QVERIFY(issues.empty());
}

QTEST_APPLESS_MAIN(TestTrainInputs)
#include "TestTrainInputs.moc"
