// GRPO with an LLM judge that fails: down (connection refused), slow (past its timeout) and
// answering garbage. Training goes on with the rule scores, every judged rollout is stored with
// verdict "error" and the cause, judge/errors counts them, and nothing is lost or duplicated.
// A healthy judge is the control: its [[YES]] verdicts count and judge/errors stays 0.
// The policy is the shipped demo warm start, which answers in the recipe's format, so its wrong
// answers are extracted and sent to the judge (a random model never produces an answer).
#include <QtTest/QtTest>

#include <cmath>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <tuple>

#include "TestTrainFixture.h"
#include "core/demo/DemoExampleGenerator.h"
#include "core/store/RunStore.h"
#include "core/store/RunStoreReader.h"
#include "support/FakeOpenAIServer.h"
#include "support/LoopbackPort.h"
#include "support/TestPaths.h"
#include "trainer/cli/DemoWarmStart.h"
#include "trainer/train/TrainingRun.h"

namespace fs = std::filesystem;
using namespace longrl;
using Behaviour = test::FakeOpenAIServer::Behaviour;

namespace {
// DAPO's overlong penalty as configured below (max 64 tokens, buffer 16).
double overlongPenalty(int64_t length) { return std::min(-(static_cast<double>(length) - 48.0) / 16.0, 0.0); }
}  // namespace

class TestTrainJudgeFaults : public QObject {
  Q_OBJECT
  std::string root_, model_, data_;

  struct Outcome {
    std::string status;
    std::vector<store::RolloutRecord> rollouts;
    double calls = 0, errors = 0;  // judge/calls and judge/errors summed over the steps
    double rewardSeconds = 0;      // timing_s/reward summed: the time spent asking the judge
    size_t steps = 0;
    std::string log;
  };
  Outcome train(const std::string& name, const std::string& judgeUrl, int64_t timeoutMs);
  void checkNothingLost(const Outcome& o);

 private Q_SLOTS:
  void initTestCase();
  void healthyJudgeCounts();
  void judgeDown();
  void judgeSlow();
  void judgeAnswersGarbage();
};

void TestTrainJudgeFaults::initTestCase() {
  const auto warm = cli::DemoWarmStart::locate();
  if (!warm) QFAIL("the shipped demo warm start (resources/demo-warmstart) was not found");
  model_ = *warm;
  root_ = test::freshTempDir("train-judge-faults");
  data_ = root_ + "/train.jsonl";
  // Band-1 demo questions: short documents, answers the warm start formats as the recipe asks.
  demo::DemoExampleGenerator gen(11);
  std::ofstream out(data_);
  for (int i = 0; i < 6; ++i) {
    const auto ex = gen.generate(0);
    out << nlohmann::json{{"document", ex.document},
                          {"question", ex.question},
                          {"answer", ex.answer},
                          {"data_source", ex.dataSource},
                          {"extra_info", {{"index", i}}}}
               .dump()
        << "\n";
  }
}

TestTrainJudgeFaults::Outcome TestTrainJudgeFaults::train(const std::string& name, const std::string& judgeUrl,
                                                          int64_t timeoutMs) {
  auto cfg = test::tinyConfig(model_, data_);
  cfg.phases[0].maxOutputTokens = 64;
  cfg.grpo.overlongPenalty.maxLen = 64;
  cfg.grpo.overlongPenalty.bufferLen = 16;
  cfg.grpo.temperature = 1.0;
  cfg.grpo.lr = 1e-5;
  cfg.reward.judge.enabled = true;
  cfg.reward.judge.baseUrl = judgeUrl;
  cfg.reward.judge.model = "fake-judge";
  cfg.reward.judge.timeoutMs = timeoutMs;
  cfg.reward.judge.maxRetries = 0;
  cfg.reward.judge.maxConcurrent = 4;
  std::ostringstream log;
  train::TrainOptions o;
  o.runDir = root_ + "/" + name;
  o.log = &log;
  Outcome out;
  out.status = train::TrainingRun(cfg, o).run();
  out.log = log.str();
  store::RunStoreReader r(store::RunStore::fileIn(o.runDir));
  store::RolloutQuery q;
  q.limit = 1000;
  out.rollouts = r.rollouts(q);
  const auto calls = r.metricSeries("judge/calls"), errors = r.metricSeries("judge/errors");
  out.steps = calls.size();
  for (const auto& p : calls) out.calls += p.value;
  for (const auto& p : errors) out.errors += p.value;
  for (const auto& p : r.metricSeries("timing_s/reward")) out.rewardSeconds += p.value;
  return out;
}

void TestTrainJudgeFaults::checkNothingLost(const Outcome& o) {
  qInfo("judge/calls %g, judge/errors %g over %zu steps", o.calls, o.errors, o.steps);
  QVERIFY2(o.status == "finished", o.log.c_str());
  QCOMPARE(o.steps, size_t(2));  // both steps ran and logged judge metrics
  // 2 steps x 2 prompts x 4 samples, each stored once.
  QCOMPARE(o.rollouts.size(), size_t(16));
  std::set<std::tuple<int64_t, std::string, int, int>> keys;
  for (const auto& x : o.rollouts) keys.insert({x.step, x.example_id, x.group_idx, x.sample_idx});
  QCOMPARE(keys.size(), o.rollouts.size());
  // The metric counts exactly the stored rollouts that were judged.
  double judged = 0;
  for (const auto& x : o.rollouts) judged += x.judge_verdict.empty() ? 0 : 1;
  QCOMPARE(o.calls, judged);
  QVERIFY2(o.calls > 0, "the warm start produced no extractable wrong answer to judge");
}

void TestTrainJudgeFaults::healthyJudgeCounts() {
  test::FakeOpenAIServer judge;
  judge.setDefault(Behaviour::reply("Both name the same place. [[YES]]"));
  const auto o = train("healthy", judge.baseUrl(), 10000);
  checkNothingLost(o);
  QCOMPARE(o.errors, 0.0);
  QCOMPARE(judge.requestCount(), size_t(o.calls));
  for (const auto& x : o.rollouts) {
    if (x.judge_verdict.empty()) continue;
    QCOMPARE(x.judge_verdict, std::string("yes"));
    QVERIFY(x.judge_error.empty());
    QCOMPARE(x.reward - overlongPenalty(x.length), 1.0);  // the judge's YES lifts a wrong rule score
  }
}

void TestTrainJudgeFaults::judgeDown() {
  const int port = test::unusedLoopbackPort();
  QVERIFY(port > 0);
  const auto o = train("down", "http://127.0.0.1:" + std::to_string(port) + "/v1", 2000);
  checkNothingLost(o);
  QCOMPARE(o.errors, o.calls);
  // Said once before training, naming the key, not only per rollout.
  QVERIFY2(o.log.find("warning: reward.judge.base_url: the judge at http://127.0.0.1:" + std::to_string(port)) !=
               std::string::npos,
           o.log.c_str());
  for (const auto& x : o.rollouts) {
    if (x.judge_verdict.empty()) continue;
    QCOMPARE(x.judge_verdict, std::string("error"));
    QVERIFY2(x.judge_error.find("failed") != std::string::npos &&
                 x.judge_error.find(std::to_string(port)) != std::string::npos,
             x.judge_error.c_str());
    QCOMPARE(x.reward - overlongPenalty(x.length), x.rule_score);  // the rule score stands
  }
}

void TestTrainJudgeFaults::judgeSlow() {
  test::FakeOpenAIServer judge;
  judge.setDefault(Behaviour::delayed(5000, "[[YES]]"));
  const auto o = train("slow", judge.baseUrl(), 300);
  checkNothingLost(o);
  QCOMPARE(o.errors, o.calls);
  for (const auto& x : o.rollouts) {
    if (x.judge_verdict.empty()) continue;
    QCOMPARE(x.judge_verdict, std::string("error"));
    QVERIFY2(!x.judge_error.empty(), "a timed-out call must say why");
    QCOMPARE(x.reward - overlongPenalty(x.length), x.rule_score);
  }
  // Calls run 4 at a time and give up after 300 ms: a wave of them costs ~0.3 s, where waiting for
  // the replies would cost 5 s. The reward time, not the run's: loading and updates vary with the
  // machine's load, the judge's share does not.
  const double waves = std::ceil(o.calls / 4.0);
  QVERIFY2(o.rewardSeconds < 5.0 * waves / 2,
           qPrintable(QStringLiteral("%1 s for %2 waves").arg(o.rewardSeconds).arg(waves)));
  judge.stop();
}

void TestTrainJudgeFaults::judgeAnswersGarbage() {
  test::FakeOpenAIServer judge;
  int n = 0;
  // Alternate two kinds of garbage: a body that is not JSON, and a JSON reply without a verdict.
  judge.setResponder([&n](const test::FakeOpenAIServer::Request&) {
    return (n++ % 2 == 0) ? Behaviour::rawBody("<html>502 upstream</html>")
                          : Behaviour::reply("I think they might be similar, hard to say.");
  });
  const auto o = train("garbage", judge.baseUrl(), 10000);
  checkNothingLost(o);
  QCOMPARE(o.errors, o.calls);
  bool sawNotJson = false, sawNoVerdict = false;
  for (const auto& x : o.rollouts) {
    if (x.judge_verdict.empty()) continue;
    QCOMPARE(x.judge_verdict, std::string("error"));
    sawNotJson |= x.judge_error.find("not JSON") != std::string::npos;
    sawNoVerdict |= x.judge_error.find("neither [[YES]] nor [[NO]]") != std::string::npos;
    QCOMPARE(x.reward - overlongPenalty(x.length), x.rule_score);
  }
  QVERIFY(sawNotJson);
  if (o.calls > 1) QVERIFY(sawNoVerdict);
}

QTEST_GUILESS_MAIN(TestTrainJudgeFaults)
#include "TestTrainJudgeFaults.moc"
