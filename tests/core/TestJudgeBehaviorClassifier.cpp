// The LLM-judge behaviour classifier against an in-process OpenAI-compatible server: counts read
// from a strict JSON reply, the prompt it sends, errors recorded per rollout (malformed replies,
// HTTP errors, time-outs) and left out of the behavior_judge/* metrics; the share of rollouts judged.
#include <QtTest/QtTest>

#include <chrono>
#include <cmath>

#include "core/behavior/BehaviorJudgePrompt.h"
#include "core/behavior/BehaviorJudgeReply.h"
#include "core/behavior/BehaviorMetrics.h"
#include "core/behavior/JudgeBehaviorClassifier.h"
#include "core/behavior/JudgeShare.h"
#include "core/behavior/RuleBehaviorClassifier.h"
#include "support/FakeOpenAIServer.h"

using namespace longrl;
using behavior::BehaviorRecord;
using behavior::JudgeBehaviorClassifier;
using test::FakeOpenAIServer;
using Behaviour = FakeOpenAIServer::Behaviour;

namespace {

const std::string kDoc =
    "The committee approved the new budget for the eastern district in early march after a long debate.";
const std::string kResponse =
    "<think>First, I need the month. The committee approved the new budget for the eastern district in early "
    "march. Let me check that again.</think>The answer is march";

reward::JudgeOptions optionsFor(const FakeOpenAIServer& s, int timeoutMs = 2000) {
  reward::JudgeOptions o;
  o.base_url = s.baseUrl();
  o.model = "behaviour-judge";
  o.timeout_ms = timeoutMs;
  o.max_retries = 0;
  o.backoff_ms = 10;
  return o;
}

BehaviorRecord read(const std::string& reply) {
  BehaviorRecord r;
  behavior::readBehaviorJudgeReply(reply, r);
  return r;
}

}  // namespace

class TestJudgeBehaviorClassifier : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void countsFromAJudgedTrace() {
    FakeOpenAIServer server;
    server.setDefault(Behaviour::reply(R"({"subgoal": 2, "backtracking": 0, "verification": 3})"));
    const JudgeBehaviorClassifier judge(optionsFor(server));
    const grounding::GroundingIndex index(kDoc, judge.aligner().options().ngram);
    const auto r = judge.classify({"Which month?", kDoc, kResponse, &index});
    QVERIFY2(!r.failed(), r.error.c_str());
    QCOMPARE(r.classifier, std::string("judge"));
    QCOMPARE(r.subgoal, 2);
    QCOMPARE(r.backtracking, 0);
    QCOMPARE(r.verification, 3);
    QCOMPARE(r.rawReply, std::string(R"({"subgoal": 2, "backtracking": 0, "verification": 3})"));
    QVERIFY(r.spans.empty());
    // The grounding share is the aligner's, as the rule classifier measures it.
    BehaviorRecord rule;
    behavior::RuleBehaviorClassifier::measureGrounding(rule, kResponse, index, judge.aligner());
    QVERIFY(r.groundingShare && *r.groundingShare > 0.3);
    QCOMPARE(r.groundingShare, rule.groundingShare);
    QCOMPARE(r.passages, 1);

    // What was sent: the published-style definitions, the question, the document, the reasoning alone.
    const auto req = server.requests().at(0).json;
    QCOMPARE(req["model"].get<std::string>(), std::string("behaviour-judge"));
    const std::string sys = req["messages"][0]["content"], user = req["messages"][1]["content"];
    for (const char* s : {"Sub-goal setting", "Backtracking", "Verification", "\"subgoal\"", "Example:"})
      QVERIFY2(sys.find(s) != std::string::npos, s);
    QVERIFY(user.find("Which month?") != std::string::npos);
    QVERIFY(user.find("<document>\n" + kDoc) != std::string::npos);
    QVERIFY(user.find("Let me check that again.\n</reasoning>") != std::string::npos);
    QVERIFY(user.find("The answer is march") == std::string::npos);
  }

  void codeFencesAreTolerated() {
    const auto r = read("```json\n{\"subgoal\": 1, \"backtracking\": 4, \"verification\": 0}\n```\n");
    QVERIFY2(!r.failed(), r.error.c_str());
    QCOMPARE(r.backtracking, 4);
    QVERIFY(!read("  {\"subgoal\": 0, \"backtracking\": 0, \"verification\": 0, \"grounding\": 5}\n").failed());
  }

  void strictParsingNamesTheProblem() {
    const std::pair<const char*, const char*> cases[] = {
        {"I count two sub-goals.", "not JSON"},
        {"[1, 2, 3]", "not a JSON object"},
        {"Counts: {\"subgoal\": 1, \"backtracking\": 0, \"verification\": 0}", "not JSON"},
        {R"({"subgoal": 1, "verification": 0})", "'backtracking' is missing"},
        {R"({"subgoal": -1, "backtracking": 0, "verification": 0})", "'subgoal' is negative"},
        {R"({"subgoal": "2", "backtracking": 0, "verification": 0})", "'subgoal' is not an integer"},
        {R"({"subgoal": 1, "backtracking": 2.5, "verification": 0})", "'backtracking' is not an integer"},
        {R"({"subgoal": 1, "backtracking": 0, "verification": null})", "'verification' is not an integer"},
    };
    for (const auto& [reply, why] : cases) {
      const auto r = read(reply);
      QVERIFY2(r.error.find(why) != std::string::npos, (std::string(reply) + " -> " + r.error).c_str());
      QCOMPARE(r.subgoal + r.backtracking + r.verification, 0);  // nothing half-read
    }
  }

  void malformedReplyIsRecordedAndLeftOutOfMetrics() {
    FakeOpenAIServer server;
    server.enqueue(Behaviour::reply(R"({"subgoal": 3, "backtracking": 1, "verification": 1})"));
    server.enqueue(Behaviour::reply("Sub-goals: 2, backtracking: 1"));
    server.enqueue(Behaviour::malformedJson());
    auto opts = optionsFor(server);
    opts.max_concurrent = 1;  // in order: the queue's replies go to the inputs in turn
    const JudgeBehaviorClassifier serial(opts);
    const auto records = serial.classifyMany({{"q", "", kResponse}, {"q", "", kResponse}, {"q", "", kResponse}});
    QCOMPARE(records.size(), size_t(3));
    QVERIFY(!records[0].failed());
    QVERIFY2(records[1].error.find("not JSON") != std::string::npos, records[1].error.c_str());
    QCOMPARE(records[1].rawReply, std::string("Sub-goals: 2, backtracking: 1"));  // kept for a person to read
    QVERIFY2(records[2].error.find("not JSON") != std::string::npos, records[2].error.c_str());
    QVERIFY(!records[2].rawReply.empty());  // the raw body

    behavior::BehaviorMetrics::Metrics m;
    behavior::BehaviorMetrics::addJudge({{&records[0], true}, {&records[1], false}, {&records[2], false}}, m);
    QCOMPARE(m.at("behavior_judge/calls"), 3.0);
    QCOMPARE(m.at("behavior_judge/failed"), 2.0);
    QCOMPARE(m.at("behavior_judge/subgoal/mean"), 3.0);  // the good one alone
    QCOMPARE(m.at("behavior_judge/subgoal/mean/correct"), 3.0);
    QVERIFY(!m.count("behavior_judge/subgoal/mean/wrong"));  // both wrong ones failed
    QVERIFY(!m.count("behavior/subgoal/mean"));              // never mixed with the rule's
  }

  void httpErrorIsRecorded() {
    FakeOpenAIServer server;
    server.setDefault(Behaviour::httpStatus(503));
    const auto r = JudgeBehaviorClassifier(optionsFor(server)).classify({"q", "", kResponse});
    QVERIFY2(r.error.find("HTTP 503") != std::string::npos, r.error.c_str());
  }

  void timeOutIsRecorded() {
    FakeOpenAIServer server;
    server.setDefault(Behaviour::delayed(3000, R"({"subgoal": 1, "backtracking": 1, "verification": 1})"));
    const auto t0 = std::chrono::steady_clock::now();
    int status = -1;
    const auto r = JudgeBehaviorClassifier(optionsFor(server, 200)).classify({"q", "", kResponse}, &status);
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    QVERIFY2(r.failed(), "a reply after the time-out must not count");
    QCOMPARE(r.subgoal, 0);
    QCOMPARE(status, 0);  // no response came
    QVERIFY2(s < 2.0, qPrintable(QString::number(s)));
    server.stop();
  }

  void documentIsBoundedAtACharacter() {
    const std::string doc = "abcdefgh\xc3\xa9xyz";  // 'é' spans bytes 8-9
    const auto u = behavior::BehaviorJudgePrompt::userMessage("q", doc, "r", 9);
    QVERIFY2(u.find("<document>\nabcdefgh\n</document>") != std::string::npos, u.c_str());
    QVERIFY(u.find("first 8 of 13 bytes") != std::string::npos);
    const auto whole = behavior::BehaviorJudgePrompt::userMessage("q", doc, "r", 100);
    QVERIFY(whole.find(doc) != std::string::npos && whole.find("bytes") == std::string::npos);
    QVERIFY(behavior::BehaviorJudgePrompt::userMessage("q", "", "r").find("<document>") == std::string::npos);
  }

  void shareIsDeterministicPerSeed() {
    int picked = 0, again = 0, otherSeed = 0, same = 0;
    for (int i = 0; i < 4000; ++i) {
      const bool a = behavior::judgeSelects(0.25, 7, i / 64, "ex-" + std::to_string(i % 13), i % 8, i % 64);
      picked += a;
      again += a == behavior::judgeSelects(0.25, 7, i / 64, "ex-" + std::to_string(i % 13), i % 8, i % 64);
      const bool b = behavior::judgeSelects(0.25, 8, i / 64, "ex-" + std::to_string(i % 13), i % 8, i % 64);
      otherSeed += b;
      same += a == b;
    }
    QCOMPARE(again, 4000);
    QVERIFY2(picked > 850 && picked < 1150, qPrintable(QString::number(picked)));
    QVERIFY(otherSeed > 850 && otherSeed < 1150);
    QVERIFY2(same < 3400, "another seed picks other rollouts");
    QVERIFY(!behavior::judgeSelects(0, 7, 1, "a", 0, 0));
    QVERIFY(behavior::judgeSelects(1, 7, 1, "a", 0, 0));
  }

  void recordRoundTripsWithReplyAndError() {
    BehaviorRecord r;
    r.classifier = "judge";
    r.subgoal = 2;
    r.groundingShare = 0.25;
    r.rawReply = "```json\n{\"subgoal\": 2}\n```";
    r.error = "judge reply: 'backtracking' is missing";
    const std::string json = r.toJson();
    QVERIFY(json.find("\"raw_reply\"") != std::string::npos && json.find("\"error\"") != std::string::npos);
    const auto back = BehaviorRecord::fromJson(json);
    QVERIFY(back == r);
    QVERIFY(back.failed());
    BehaviorRecord ok;
    ok.classifier = "rule";
    QVERIFY(ok.toJson().find("raw_reply") == std::string::npos);  // empty fields are not written
    QVERIFY(BehaviorRecord::fromJson(ok.toJson()) == ok);
    QVERIFY_THROWS_EXCEPTION(std::runtime_error,
                             BehaviorRecord::fromJson(R"({"classifier": "judge", "subgoal": 0, "backtracking": 0, )"
                                                      R"("verification": 0, "error": 5})"));
  }
};

QTEST_GUILESS_MAIN(TestJudgeBehaviorClassifier)
#include "TestJudgeBehaviorClassifier.moc"
