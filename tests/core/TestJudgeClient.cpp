// The LLM-judge client against an OpenAI-compatible server started in the test (127.0.0.1):
// success, NO, malformed replies, timeouts, 5xx/429 retries with back-off, 4xx without retry,
// the concurrency limit, and the exact prompt and body sent.
#include <QtTest/QtTest>

#include <chrono>
#include <thread>

#include "core/reward/JudgeClient.h"
#include "core/reward/RewardError.h"
#include "support/FakeOpenAIServer.h"

using namespace longrl::reward;
using longrl::test::FakeOpenAIServer;
using Behaviour = FakeOpenAIServer::Behaviour;

namespace {
QString q(const std::string& s) { return QString::fromStdString(s); }
JudgeOptions optionsFor(const FakeOpenAIServer& s) {
  JudgeOptions o;
  o.base_url = s.baseUrl();
  o.model = "judge-7b";
  o.timeout_ms = 2000;
  o.max_retries = 2;
  o.backoff_ms = 20;
  o.max_concurrent = 4;
  return o;
}
const JudgePrompt kPrompt("Who designed the tower?", "Gustave Eiffel", "Eiffel");
}  // namespace

class TestJudgeClient : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void strictVerdictParsing() {
    std::string why;
    QCOMPARE(parseJudgeVerdict("Same person. [[YES]]"), JudgeVerdict::Yes);
    QCOMPARE(parseJudgeVerdict("Different years.\n**[[NO]]**"), JudgeVerdict::No);
    // The reference's `"YES" in reply` would call this a YES.
    QCOMPARE(parseJudgeVerdict("Answer 1 is not [[YES]]-worthy: [[NO]]", &why), JudgeVerdict::Error);
    QVERIFY(why.find("both") != std::string::npos);
    QCOMPARE(parseJudgeVerdict("YES", &why), JudgeVerdict::Error);
    QVERIFY(why.find("neither") != std::string::npos);
    QCOMPARE(parseJudgeVerdict("[[yes]]"), JudgeVerdict::Error);
    QCOMPARE(parseJudgeVerdict(""), JudgeVerdict::Error);
  }
  void promptTextIsTheReferenceOne() {
    QCOMPARE(q(kPrompt.userMessage()),
             QString("\nProblem: Who designed the tower?\nAnswer 1: Gustave Eiffel\nAnswer 2: Eiffel\n"));
    const std::string& sys = JudgePrompt::systemMessage();
    QVERIFY(sys.rfind("You are an expert in verifying if two answers are the same.\n", 0) == 0);
    QVERIFY(sys.find("without attempting to solve the original problem.") != std::string::npos);
    QVERIFY(sys.size() > 40 && sys.compare(sys.size() - 27, 27, "form of: [[YES]] or [[NO]]\n") == 0);
    const std::string prompt =
        "Please read the following text and answer the question below.\n\n<text>\nDoc </text> inside\n</text>\n\n"
        "What year?\n\nFormat your response as follows: \"Therefore, the answer is (insert answer here)\".";
    QCOMPARE(q(JudgePrompt::questionFromPrompt(prompt)), QString("What year?"));
    QCOMPARE(q(JudgePrompt::questionFromPrompt("  bare question ")), QString("bare question"));
  }
  void parsesBaseUrls() {
    JudgeOptions o;
    o.model = "m";
    o.base_url = "http://h:1";
    QCOMPARE(q(JudgeClient(o).endpointPath()), QString("/v1/chat/completions"));
    o.base_url = "http://h:1/v1/";
    QCOMPARE(q(JudgeClient(o).endpointPath()), QString("/v1/chat/completions"));
    QCOMPARE(q(JudgeClient(o).origin()), QString("http://h:1"));
    o.base_url = "https://api.example.com/openai/v1/chat/completions";
    QCOMPARE(q(JudgeClient(o).endpointPath()), QString("/openai/v1/chat/completions"));
    o.base_url = "ftp://h/v1";
    QVERIFY_THROWS_EXCEPTION(RewardError, JudgeClient{o});
    o.base_url = "localhost:8000";
    QVERIFY_THROWS_EXCEPTION(RewardError, JudgeClient{o});
    o.base_url = "http://h:1";
    o.model = "";
    QVERIFY_THROWS_EXCEPTION(RewardError, JudgeClient{o});
  }
  void successSendsTheExactRequest() {
    FakeOpenAIServer server;
    server.enqueue(Behaviour::reply("Both name Gustave Eiffel. [[YES]]"));
    auto o = optionsFor(server);
    o.api_key = "sk-test";
    const auto r = JudgeClient(o).judge(kPrompt);
    QCOMPARE(r.verdict, JudgeVerdict::Yes);
    QCOMPARE(q(r.raw_reply), QString("Both name Gustave Eiffel. [[YES]]"));
    QCOMPARE(r.attempts, 1);
    QCOMPARE(r.http_status, 200);
    QVERIFY(r.error.empty());
    QCOMPARE(q(r.user_prompt), q(kPrompt.userMessage()));
    const auto reqs = server.requests();
    QCOMPARE(reqs.size(), size_t(1));
    QCOMPARE(q(reqs[0].path), QString("/v1/chat/completions"));
    QCOMPARE(q(reqs[0].authorization), QString("Bearer sk-test"));
    const auto& body = reqs[0].json;
    QCOMPARE(q(body["model"].get<std::string>()), QString("judge-7b"));
    QCOMPARE(body["temperature"].get<double>(), 0.0);
    QCOMPARE(q(body["messages"][0]["role"].get<std::string>()), QString("system"));
    QCOMPARE(q(body["messages"][0]["content"].get<std::string>()), q(JudgePrompt::systemMessage()));
    QCOMPARE(q(body["messages"][1]["content"].get<std::string>()), q(kPrompt.userMessage()));
  }
  void noIsNo() {
    FakeOpenAIServer server;
    server.enqueue(Behaviour::reply("Tower vs. architect: different. [[NO]]"));
    const auto r = JudgeClient(optionsFor(server)).judge(kPrompt);
    QCOMPARE(r.verdict, JudgeVerdict::No);
    QVERIFY(r.error.empty());
    QVERIFY(server.requests()[0].authorization.empty());  // no key, no header
  }
  void malformedRepliesAreErrorsNotNo() {
    FakeOpenAIServer server;
    server.enqueue(Behaviour::malformedJson());
    server.enqueue(Behaviour::rawBody(R"({"choices": []})"));
    server.enqueue(Behaviour::reply("I think they match."));
    const JudgeClient client(optionsFor(server));
    const auto bad = client.judge(kPrompt);
    QCOMPARE(bad.verdict, JudgeVerdict::Error);
    QVERIFY(bad.error.find("malformed") != std::string::npos);
    QCOMPARE(bad.attempts, 1);  // a 200 with a broken body is not retried
    const auto empty = client.judge(kPrompt);
    QCOMPARE(empty.verdict, JudgeVerdict::Error);
    QVERIFY(empty.error.find("choices[0].message.content") != std::string::npos);
    const auto untagged = client.judge(kPrompt);
    QCOMPARE(untagged.verdict, JudgeVerdict::Error);
    QCOMPARE(q(untagged.raw_reply), QString("I think they match."));
    QCOMPARE(server.requestCount(), size_t(3));
  }
  void timeoutIsRetriedThenAnError() {
    FakeOpenAIServer server;
    server.setDefault(Behaviour::delayed(3000, "[[YES]]"));
    auto o = optionsFor(server);
    o.timeout_ms = 200;
    o.max_retries = 1;
    o.backoff_ms = 50;
    const auto t0 = std::chrono::steady_clock::now();
    const auto r = JudgeClient(o).judge(kPrompt);
    const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    QCOMPARE(r.verdict, JudgeVerdict::Error);
    QCOMPARE(r.attempts, 2);
    QCOMPARE(r.http_status, 0);
    QVERIFY2(r.error.find("gave up after 2 attempts") != std::string::npos, r.error.c_str());
    QVERIFY2(ms >= 2 * 200 + 50 && ms < 2500, qPrintable(QString::number(ms)));
    QVERIFY(r.latency_ms >= 450);
  }
  void serverErrorThenSuccess() {
    FakeOpenAIServer server;
    server.enqueue(Behaviour::httpStatus(500));
    server.enqueue(Behaviour::httpStatus(503));
    server.enqueue(Behaviour::reply("[[YES]]"));
    const auto r = JudgeClient(optionsFor(server)).judge(kPrompt);
    QCOMPARE(r.verdict, JudgeVerdict::Yes);
    QCOMPARE(r.attempts, 3);
    QCOMPARE(server.requestCount(), size_t(3));
  }
  void persistentServerErrorGivesUpWithBackoff() {
    FakeOpenAIServer server;
    server.setDefault(Behaviour::httpStatus(500));
    auto o = optionsFor(server);
    o.max_retries = 2;
    o.backoff_ms = 100;  // waits 100 then 200 ms
    const auto r = JudgeClient(o).judge(kPrompt);
    QCOMPARE(r.verdict, JudgeVerdict::Error);
    QCOMPARE(r.attempts, 3);
    QCOMPARE(r.http_status, 500);
    QVERIFY(r.error.find("HTTP 500") != std::string::npos);
    QCOMPARE(server.requestCount(), size_t(3));
    QVERIFY2(r.latency_ms >= 300, qPrintable(QString::number(r.latency_ms)));
  }
  void clientErrorsAreNotRetriedButRateLimitsAre() {
    FakeOpenAIServer server;
    server.enqueue(Behaviour::httpStatus(400, R"({"error":{"message":"bad model"}})"));
    server.enqueue(Behaviour::httpStatus(429));
    server.enqueue(Behaviour::reply("[[NO]]"));
    const JudgeClient client(optionsFor(server));
    const auto bad = client.judge(kPrompt);
    QCOMPARE(bad.verdict, JudgeVerdict::Error);
    QCOMPARE(bad.attempts, 1);
    QCOMPARE(bad.http_status, 400);
    QVERIFY(bad.error.find("bad model") != std::string::npos);
    const auto limited = client.judge(kPrompt);
    QCOMPARE(limited.verdict, JudgeVerdict::No);
    QCOMPARE(limited.attempts, 2);
  }
  void connectionRefusedIsAnError() {
    int port = 0;
    {
      FakeOpenAIServer gone;
      port = gone.port();
    }
    JudgeOptions o;
    o.base_url = "http://127.0.0.1:" + std::to_string(port) + "/v1";
    o.model = "m";
    o.max_retries = 1;
    o.backoff_ms = 1;
    const auto r = JudgeClient(o).judge(kPrompt);
    QCOMPARE(r.verdict, JudgeVerdict::Error);
    QCOMPARE(r.attempts, 2);
    QVERIFY(!r.error.empty());
  }
  void judgeManyKeepsOrderAndTheConcurrencyLimit() {
    FakeOpenAIServer server;
    server.setResponder([](const FakeOpenAIServer::Request& req) {
      const std::string user = req.json["messages"][1]["content"].get<std::string>();
      const bool same = user.find("Answer 1: same") != std::string::npos;
      return Behaviour::delayed(120, same ? "[[YES]]" : "[[NO]]");
    });
    auto o = optionsFor(server);
    o.max_concurrent = 3;
    std::vector<JudgePrompt> prompts;
    for (int i = 0; i < 9; ++i) prompts.emplace_back("q" + std::to_string(i), i % 3 == 0 ? "same" : "other", "same");
    const auto t0 = std::chrono::steady_clock::now();
    const auto results = JudgeClient(o).judgeMany(prompts);
    const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    QCOMPARE(results.size(), size_t(9));
    for (int i = 0; i < 9; ++i) {
      QCOMPARE(results[i].verdict, i % 3 == 0 ? JudgeVerdict::Yes : JudgeVerdict::No);
      QVERIFY(results[i].user_prompt.find("Problem: q" + std::to_string(i) + "\n") != std::string::npos);
    }
    QCOMPARE(server.maxConcurrent(), 3);
    QVERIFY2(ms >= 3 * 120 && ms < 9 * 120, qPrintable(QString::number(ms)));  // 3 waves, not 9 or 1
  }
  void sharedClientLimitsAcrossThreads() {
    FakeOpenAIServer server;
    server.setDefault(Behaviour::delayed(80, "[[YES]]"));
    auto o = optionsFor(server);
    o.max_concurrent = 2;
    const JudgeClient client(o);
    std::vector<std::thread> threads;
    std::atomic<int> yes{0};
    for (int t = 0; t < 6; ++t)
      threads.emplace_back([&] {
        if (client.judge(kPrompt).verdict == JudgeVerdict::Yes) ++yes;
      });
    for (auto& t : threads) t.join();
    QCOMPARE(yes.load(), 6);
    QCOMPARE(server.maxConcurrent(), 2);
  }
};

QTEST_APPLESS_MAIN(TestJudgeClient)
#include "TestJudgeClient.moc"
