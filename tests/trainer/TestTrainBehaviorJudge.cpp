// GRPO with the LLM judge of behaviours on a share of the rollouts (behavior.judge): the rollouts
// JudgeShare picks, and only those, get a "judge" record beside their "rule" one; behavior_judge/*
// is logged apart from behavior/*; a judge that answers garbage is recorded per rollout and
// training goes on.
#include <QtTest/QtTest>

#include <set>

#include "TestTrainFixture.h"
#include "core/behavior/BehaviorStoreRow.h"
#include "core/behavior/JudgeShare.h"
#include "core/store/RunStore.h"
#include "core/store/RunStoreReader.h"
#include "support/FakeOpenAIServer.h"
#include "support/TestPaths.h"
#include "trainer/train/TrainingRun.h"

using namespace longrl;
using test::FakeOpenAIServer;
using Behaviour = FakeOpenAIServer::Behaviour;

class TestTrainBehaviorJudge : public QObject {
  Q_OBJECT
  std::string root_, model_, data_;

  config::RunConfig configFor(const FakeOpenAIServer& server, double share) const {
    auto cfg = test::tinyConfig(model_, data_);
    cfg.behavior.judge.share = share;
    cfg.behavior.judge.url = server.baseUrl();
    cfg.behavior.judge.model = "behaviour-judge";
    cfg.behavior.judge.timeoutMs = 5000;
    return cfg;
  }
  std::string train(const config::RunConfig& cfg, const std::string& name) {
    const std::string runDir = root_ + "/" + name;
    std::ostringstream log;
    train::TrainOptions o;
    o.runDir = runDir;
    o.log = &log;
    const auto status = train::TrainingRun(cfg, o).run();
    if (status != "finished") qWarning("%s", log.str().c_str());
    return status == "finished" ? runDir : "";
  }

 private Q_SLOTS:
  void initTestCase() {
    root_ = test::freshTempDir("train-behavior-judge");
    model_ = test::makeTinyModel(root_);
    data_ = root_ + "/train.jsonl";
    test::writeDataset(data_, test::tinyDocs(3, 4));
  }

  void judgesTheChosenShare() {
    FakeOpenAIServer server;
    server.setDefault(Behaviour::reply(R"({"subgoal": 4, "backtracking": 2, "verification": 1})"));
    const auto cfg = configFor(server, 0.5);
    const std::string dir = train(cfg, "half");
    QVERIFY(!dir.empty());
    store::RunStoreReader r(store::RunStore::fileIn(dir));
    size_t judged = 0, expected = 0;
    for (const auto& x : r.rolloutsAfter(0)) {
      const bool chosen = behavior::judgeSelects(0.5, static_cast<std::uint64_t>(cfg.grpo.seed), x.step, x.example_id,
                                                 x.group_idx, x.sample_idx);
      expected += chosen;
      std::set<std::string> classifiers;
      for (const auto& b : r.rolloutBehaviors(x)) {
        classifiers.insert(b.classifier);
        if (b.classifier != "judge") continue;
        ++judged;
        const auto rec = behavior::fromStoreRow(b);
        QVERIFY2(!rec.failed(), rec.error.c_str());
        QCOMPARE(rec.subgoal, 4);
        QVERIFY(rec.groundingShare.has_value());  // every example has a document
      }
      QCOMPARE(classifiers.count("judge"), size_t(chosen));
      QVERIFY(classifiers.count("rule"));
    }
    QVERIFY(expected > 0 && expected < 16);
    QCOMPARE(judged, expected);
    QCOMPARE(server.requestCount(), expected);  // rank 0 alone, once per chosen rollout
    double calls = 0;
    for (const auto& p : r.metricSeries("behavior_judge/calls")) calls += p.value;
    QCOMPARE(calls, double(expected));
    for (const auto& p : r.metricSeries("behavior_judge/subgoal/mean")) QCOMPARE(p.value, 4.0);
    for (const auto& p : r.metricSeries("behavior/subgoal/mean")) QVERIFY(p.value < 4.0);  // the rule's, unmixed
  }

  void garbageIsRecordedAndTrainingGoesOn() {
    FakeOpenAIServer server;
    server.setDefault(Behaviour::reply("I would say a few sub-goals."));
    const std::string dir = train(configFor(server, 1.0), "garbage");
    QVERIFY(!dir.empty());
    store::RunStoreReader r(store::RunStore::fileIn(dir));
    size_t failed = 0;
    for (const auto& x : r.rolloutsAfter(0))
      for (const auto& b : r.rolloutBehaviors(x))
        if (b.classifier == "judge") failed += behavior::fromStoreRow(b).failed();
    QCOMPARE(failed, size_t(16));
    QVERIFY(r.metricSeries("behavior_judge/subgoal/mean").empty());
    QCOMPARE(r.metricSeries("behavior_judge/failed").back().value, 8.0);
  }
};

QTEST_GUILESS_MAIN(TestTrainBehaviorJudge)
#include "TestTrainBehaviorJudge.moc"
