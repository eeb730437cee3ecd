// The judge inside the reward: asked only when the rule score is below 1 and an answer was
// extracted, combined by max, and its errors recorded as errors (the rule score stands).
#include <QtTest/QtTest>

#include <sstream>

#include "core/cli/RewardCommand.h"
#include "core/reward/RewardFunction.h"
#include "support/FakeOpenAIServer.h"

using namespace longrl::reward;
using longrl::test::FakeOpenAIServer;
using Behaviour = FakeOpenAIServer::Behaviour;

namespace {
QString q(const std::string& s) { return QString::fromStdString(s); }
std::shared_ptr<const JudgeClient> clientFor(const FakeOpenAIServer& s) {
  JudgeOptions o;
  o.base_url = s.baseUrl();
  o.model = "judge";
  o.timeout_ms = 2000;
  o.max_retries = 1;
  o.backoff_ms = 10;
  return std::make_shared<JudgeClient>(o);
}
RewardInput input(std::string ds, std::string response, GroundTruth gt) {
  return RewardInput{std::move(ds), std::move(response), std::move(gt), "Who wrote it?", std::nullopt};
}
}  // namespace

class TestJudgeReward : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void ruleHitSkipsTheJudge() {
    FakeOpenAIServer server;
    const RewardFunction fn(RewardRouter{}, clientFor(server));
    const auto r = fn.compute(input("musique", "</think>Therefore, the answer is Jane Austen.", "Jane Austen"));
    QCOMPARE(r.score, 1.0);
    QVERIFY(!r.judge);
    QCOMPARE(server.requestCount(), size_t(0));
  }
  void judgeYesLiftsAMissToOne() {
    FakeOpenAIServer server;
    server.enqueue(Behaviour::reply("Pen name of the same author. [[YES]]"));
    const RewardFunction fn(RewardRouter{}, clientFor(server));
    const auto r = fn.compute(input("musique", "</think>Therefore, the answer is Mark Twain.", "Samuel Clemens"));
    QCOMPARE(r.rule_score, 0.0);
    QCOMPARE(r.score, 1.0);
    QVERIFY(r.acc);
    QCOMPARE(r.judge->verdict, JudgeVerdict::Yes);
    const auto user = server.requests().at(0).json["messages"][1]["content"].get<std::string>();
    QCOMPARE(q(user), QString("\nProblem: Who wrote it?\nAnswer 1: Mark Twain\nAnswer 2: Samuel Clemens\n"));
  }
  void judgeNoKeepsZero() {
    FakeOpenAIServer server;
    server.enqueue(Behaviour::reply("Different people. [[NO]]"));
    const RewardFunction fn(RewardRouter{}, clientFor(server));
    const auto r = fn.compute(input("musique", "</think>Therefore, the answer is Dickens.", "Austen"));
    QCOMPARE(r.score, 0.0);
    QCOMPARE(r.judge->verdict, JudgeVerdict::No);
  }
  void judgeErrorIsRecordedNotNo() {
    FakeOpenAIServer server;
    server.setDefault(Behaviour::httpStatus(500));
    const RewardFunction fn(RewardRouter{}, clientFor(server));
    const auto r = fn.compute(input("musique", "</think>Therefore, the answer is Dickens.", "Austen"));
    QCOMPARE(r.score, 0.0);
    QVERIFY(r.judge);
    QCOMPARE(r.judge->verdict, JudgeVerdict::Error);
    QVERIFY(r.judge->error.find("HTTP 500") != std::string::npos);
    QCOMPARE(q(r.toJson()["judge"]["verdict"].get<std::string>()), QString("error"));
    QCOMPARE(server.requestCount(), size_t(2));
  }
  void nothingExtractedNothingJudged() {
    FakeOpenAIServer server;
    const RewardFunction fn(RewardRouter{}, clientFor(server));
    QVERIFY(!fn.compute(input("musique", "<think>the answer is Austen", "Austen")).judge);            // no </think>
    QVERIFY(!fn.compute(input("musique", "</think>It is Austen.", "Austen")).judge);                  // no phrase
    QVERIFY(!fn.compute(input("long_toc_choices", "</think>The correct answer is (A)", "B")).judge);  // letters
    QCOMPARE(server.requestCount(), size_t(0));
  }
  void docmathJudgeSeesTheNumbers() {
    FakeOpenAIServer server;
    server.enqueue(Behaviour::reply("[[NO]]"));
    const RewardFunction fn(RewardRouter{}, clientFor(server));
    const auto r =
        fn.compute(input("docmath", "</think>Therefore, the answer is $1,300.", "the answer is 1.2 million"));
    QCOMPARE(r.rule_score, 0.0);
    const auto user = server.requests().at(0).json["messages"][1]["content"].get<std::string>();
    QVERIFY2(user.find("Answer 1: 1300\nAnswer 2: 1.2\n") != std::string::npos, user.c_str());
  }
  void judgeAndPenaltyTogether() {
    FakeOpenAIServer server;
    server.enqueue(Behaviour::reply("[[YES]]"));
    const RewardFunction fn(RewardRouter{}, clientFor(server), OverlongPenalty(10000, 1000));
    auto in = input("musique", "</think>Therefore, the answer is Mark Twain.", "Samuel Clemens");
    in.response_tokens = 9500;
    const auto r = fn.compute(in);
    QCOMPARE(r.score, 0.5);
    QVERIFY(r.acc);
  }
  void cliAsksTheJudge() {
    FakeOpenAIServer server;
    server.enqueue(Behaviour::reply("Same. [[YES]]"));
    qputenv("LONGRL_TEST_JUDGE_KEY", "sk-cli");
    longrl::cli::ArgList args({"--data-source", "musique", "--response", "</think>Therefore, the answer is Mark Twain.",
                               "--ground-truth", "Samuel Clemens", "--question", "Who wrote Tom Sawyer?", "--judge-url",
                               server.baseUrl(), "--judge-model", "judge", "--judge-api-key-env",
                               "LONGRL_TEST_JUDGE_KEY", "--verbose"});
    std::ostringstream out, err;
    QCOMPARE(longrl::cli::rewardCommand().run(args, out, err), 0);
    const auto j = nlohmann::json::parse(out.str());
    QCOMPARE(j["score"].get<double>(), 1.0);
    QCOMPARE(j["rule_score"].get<double>(), 0.0);
    QCOMPARE(q(j["judge"]["verdict"].get<std::string>()), QString("yes"));
    QVERIFY(j["judge"]["user_prompt"].get<std::string>().find("Problem: Who wrote Tom Sawyer?") != std::string::npos);
    QCOMPARE(q(server.requests().at(0).authorization), QString("Bearer sk-cli"));
  }
};

QTEST_APPLESS_MAIN(TestJudgeReward)
#include "TestJudgeReward.moc"
