// `longrl behaviors RUN_DIR --judge URL`: a finished (synthetic) run's behaviours recomputed by an LLM
// judge (an in-process fake server), written as revisions of classifier "judge" beside the
// rule-based ones; failed calls recorded per rollout; exit 1 only when nothing could be judged.
#include <QtTest/QtTest>

#include <set>
#include <sstream>

#include "core/behavior/BehaviorStoreRow.h"
#include "core/behavior/JudgeShare.h"
#include "core/cli/BehaviorsCommand.h"
#include "core/cli/UsageError.h"
#include "core/store/RunStore.h"
#include "core/store/RunStoreReader.h"
#include "core/store/RunStoreWriter.h"
#include "support/FakeOpenAIServer.h"
#include "support/LoopbackPort.h"
#include "support/SyntheticRollouts.h"
#include "support/TestPaths.h"

using namespace longrl;
using test::FakeOpenAIServer;
using Behaviour = FakeOpenAIServer::Behaviour;

namespace {

struct Result {
  int rc = 0;
  std::string out, err;
};

Result runCommand(const std::vector<std::string>& args) {
  cli::ArgList list(args);
  std::ostringstream o, e;
  Result r;
  r.rc = cli::behaviorsCommand().run(list, o, e);
  r.out = o.str(), r.err = e.str();
  return r;
}

// 2 steps x 2 groups x 3 samples = 12 rollouts over 3 examples with short documents; the run's
// config names the behaviour judge's model and the seed.
std::string makeRun() {
  const std::string dir = test::freshTempDir("behaviors-judge");
  test::SyntheticRolloutsOptions o;
  o.steps = 2;
  o.groupsPerStep = 2;
  o.samplesPerGroup = 3;
  o.examples = 3;
  o.documents = 2;
  o.documentWords = 150;
  test::writeSyntheticRollouts(dir, o);
  store::RunStoreWriter w(store::RunStore::fileIn(dir));
  store::RunInfo info;
  info.name = "synthetic";
  info.config_json = R"({"grpo": {"seed": 5}, "behavior": {"judge": {"model": "cfg-judge", "share": 0.5}}})";
  w.writeRun(info);
  return dir;
}

std::vector<store::RolloutBehaviorRecord> judgeRows(const std::string& dir, int revision) {
  store::RunStoreReader rd(store::RunStore::fileIn(dir));
  std::vector<store::RolloutBehaviorRecord> out;
  for (const auto& r : rd.rolloutsAfter(0))
    for (const auto& b : rd.rolloutBehaviors(r))
      if (b.classifier == "judge" && b.revision == revision) out.push_back(b);
  return out;
}

// The counts in the reply depend on the trace, so that a record can be checked against its rollout.
Behaviour countsFor(const FakeOpenAIServer::Request& req) {
  const std::string user = req.json["messages"][1]["content"];
  const int n = static_cast<int>(user.size() % 7);
  return Behaviour::reply("{\"subgoal\": " + std::to_string(n) + ", \"backtracking\": 1, \"verification\": 2}");
}

}  // namespace

class TestBehaviorsJudgeCommand : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void judgesEveryRolloutBesideTheRuleRevisions() {
    const std::string dir = makeRun();
    QCOMPARE(runCommand({dir}).rc, 0);  // a rule-based revision first: it stays
    FakeOpenAIServer server;
    server.setResponder(countsFor);
    const auto r = runCommand({dir, "--judge", server.baseUrl(), "--metrics"});
    QVERIFY2(r.rc == 0, r.err.c_str());
    QVERIFY2(r.out.find("12 rollouts judged: revision 0 of the judge classifier written") != std::string::npos,
             r.out.c_str());
    QVERIFY2(r.out.find("0 failed") != std::string::npos, r.out.c_str());
    QCOMPARE(server.requestCount(), size_t(12));
    QCOMPARE(server.requests()[0].json["model"].get<std::string>(), std::string("cfg-judge"));  // from the run

    store::RunStoreReader rd(store::RunStore::fileIn(dir));
    const auto requests = server.requests();
    for (const auto& x : rd.rolloutsAfter(0)) {
      const auto rows = rd.rolloutBehaviors(x);
      QCOMPARE(rows.size(), size_t(2));  // rule revision 0, judge revision 0
      const auto& judged = rows[0].classifier == "judge" ? rows[0] : rows[1];
      QCOMPARE(judged.revision, 0);
      const auto b = behavior::fromStoreRow(judged);
      QVERIFY2(!b.failed(), b.error.c_str());
      QCOMPARE(b.backtracking, 1);
      QCOMPARE(b.verification, 2);
      QVERIFY(b.rawReply.find("\"verification\": 2") != std::string::npos);
      QVERIFY(b.groundingShare && *b.groundingShare > 0);  // the responses quote their documents
      // The request about this rollout's reasoning gave this record's sub-goal count.
      bool found = false;
      for (const auto& q : requests) {
        const std::string user = q.json["messages"][1]["content"];
        const std::string reasoning = x.response.substr(7, x.response.find("</think>") - 7);
        if (user.find(reasoning) == std::string::npos) continue;
        found = true;
        QCOMPARE(b.subgoal, static_cast<int>(user.size() % 7));
      }
      QVERIFY(found);
    }
    QCOMPARE(rd.metricSeries("behavior_judge/verification/mean").size(), size_t(2));
    QCOMPARE(rd.metricSeries("behavior_judge/verification/mean")[0].value, 2.0);
    QCOMPARE(rd.metricSeries("behavior_judge/calls")[0].value, 6.0);
    QCOMPARE(rd.metricSeries("behavior_judge/failed")[0].value, 0.0);
    QVERIFY(rd.metricSeries("behavior/verification/mean").empty());  // the rule's were not touched

    const auto again = runCommand({dir, "--judge", server.baseUrl(), "--judge-model", "other"});
    QVERIFY2(again.out.find("revision 1 of the judge") != std::string::npos, again.out.c_str());
    QCOMPARE(judgeRows(dir, 0).size(), size_t(12));
    QCOMPARE(judgeRows(dir, 1).size(), size_t(12));
    QCOMPARE(server.requests().back().json["model"].get<std::string>(), std::string("other"));
  }

  void malformedRepliesAreErrorsAndCounted() {
    const std::string dir = makeRun();
    FakeOpenAIServer server;
    int n = 0;
    server.setResponder([&n](const FakeOpenAIServer::Request&) {
      return ++n % 3 == 0 ? Behaviour::reply("three sub-goals, I think")
                          : Behaviour::reply(R"({"subgoal": 1, "backtracking": 0, "verification": 0})");
    });
    const auto r = runCommand({dir, "--judge", server.baseUrl(), "--judge-concurrency", "1", "--metrics"});
    QVERIFY2(r.rc == 0, r.err.c_str());
    QVERIFY2(r.out.find("; 4 failed") != std::string::npos, r.out.c_str());
    QVERIFY2(r.err.find("not JSON") != std::string::npos, r.err.c_str());
    int failed = 0;
    for (const auto& row : judgeRows(dir, 0)) {
      const auto b = behavior::fromStoreRow(row);
      if (!b.failed()) continue;
      ++failed;
      QCOMPARE(b.rawReply, std::string("three sub-goals, I think"));
    }
    QCOMPARE(failed, 4);
    store::RunStoreReader rd(store::RunStore::fileIn(dir));
    for (const auto& p : rd.metricSeries("behavior_judge/subgoal/mean")) QCOMPARE(p.value, 1.0);  // failures left out
  }

  void shareFollowsTheRunsSeed() {
    const std::string dir = makeRun();
    FakeOpenAIServer server;
    server.setDefault(Behaviour::reply(R"({"subgoal": 0, "backtracking": 0, "verification": 0})"));
    const auto r = runCommand({dir, "--judge", server.baseUrl(), "--judge-share", "0.5"});
    QVERIFY2(r.rc == 0, r.err.c_str());
    std::set<std::string> expected, got;
    store::RunStoreReader rd(store::RunStore::fileIn(dir));
    for (const auto& x : rd.rolloutsAfter(0))
      if (behavior::judgeSelects(0.5, 5, x.step, x.example_id, x.group_idx, x.sample_idx))
        expected.insert(std::to_string(x.step) + x.example_id + std::to_string(x.group_idx) +
                        std::to_string(x.sample_idx));
    for (const auto& b : judgeRows(dir, 0))
      got.insert(std::to_string(b.step) + b.example_id + std::to_string(b.group_idx) + std::to_string(b.sample_idx));
    QVERIFY(!expected.empty() && expected.size() < 12);
    QVERIFY(got == expected);
  }

  void failuresDecideTheExitStatus() {
    const std::string dir = makeRun();
    {  // the first call answers, the others fail: recorded, exit 0
      FakeOpenAIServer server;
      server.enqueue(Behaviour::reply(R"({"subgoal": 0, "backtracking": 0, "verification": 0})"));
      server.setDefault(Behaviour::httpStatus(500));
      const auto r = runCommand({dir, "--judge", server.baseUrl(), "--judge-retries", "0"});
      QVERIFY2(r.rc == 0, "one call answered: not all failed");
      QVERIFY2(r.out.find("11 failed") != std::string::npos, r.out.c_str());
    }
    {
      FakeOpenAIServer server;
      server.enqueue(Behaviour::httpStatus(500));  // an HTTP error: the endpoint answers
      server.setDefault(Behaviour::delayed(2000, "{}"));
      const auto r = runCommand({dir, "--judge", server.baseUrl(), "--judge-retries", "0", "--judge-timeout-ms", "150",
                                 "--judge-share", "0.3"});
      QCOMPARE(r.rc, 1);
      QVERIFY2(r.out.find("revision 1 of the judge") != std::string::npos, r.out.c_str());
      for (const auto& b : judgeRows(dir, 1)) QVERIFY(behavior::fromStoreRow(b).failed());
      server.stop();
    }
    // Nothing listens: the first call gets no response, nothing is written.
    const int port = test::unusedLoopbackPort();
    const auto r =
        runCommand({dir, "--judge", "http://127.0.0.1:" + std::to_string(port) + "/v1", "--judge-retries", "0"});
    QCOMPARE(r.rc, 1);
    QVERIFY2(r.err.find("does not answer") != std::string::npos, r.err.c_str());
    QVERIFY(judgeRows(dir, 2).empty());
  }

  void badJudgeArgumentsAreUsageErrors() {
    const std::string dir = makeRun();
    QVERIFY_THROWS_EXCEPTION(cli::UsageError, runCommand({dir, "--judge"}));
    QVERIFY_THROWS_EXCEPTION(cli::UsageError, runCommand({dir, "--judge", "http://x", "--judge-share", "0"}));
    QVERIFY_THROWS_EXCEPTION(cli::UsageError, runCommand({dir, "--judge", "http://x", "--judge-share", "1.5"}));
    QVERIFY_THROWS_EXCEPTION(cli::UsageError, runCommand({dir, "--judge-model", "m"}));  // without --judge
  }
};

QTEST_GUILESS_MAIN(TestBehaviorsJudgeCommand)
#include "TestBehaviorsJudgeCommand.moc"
