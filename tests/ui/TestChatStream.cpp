#include <QtTest/QtTest>

#include "support/FakeOpenAIServer.h"
#include "support/LoopbackPort.h"
#include "ui/docqa/ChatStream.h"

using longrl::test::FakeOpenAIServer;
using longrl::ui::ChatStream;
using Behaviour = FakeOpenAIServer::Behaviour;

namespace {

struct Outcome {
  QString how;  // completed | failed | stopped | timeout
  QString message;
  QByteArray text;  // what textReceived delivered, concatenated
  int deltas = 0;
};

// Runs one request to the end (or `timeoutMs`).
Outcome run(ChatStream& s, const ChatStream::Request& r, int timeoutMs = 10000) {
  Outcome o;
  QEventLoop loop;
  QObject::connect(&s, &ChatStream::textReceived, &loop, [&](const QByteArray& d) {
    o.text += d;
    ++o.deltas;
  });
  QObject::connect(&s, &ChatStream::completed, &loop, [&] {
    o.how = "completed";
    loop.quit();
  });
  QObject::connect(&s, &ChatStream::failed, &loop, [&](const QString& m) {
    o.how = "failed";
    o.message = m;
    loop.quit();
  });
  QObject::connect(&s, &ChatStream::stopped, &loop, [&] {
    o.how = "stopped";
    loop.quit();
  });
  QTimer::singleShot(timeoutMs, &loop, [&] {
    o.how = "timeout";
    loop.quit();
  });
  s.start(r);
  if (o.how.isEmpty()) loop.exec();
  QObject::disconnect(&s, nullptr, &loop, nullptr);
  return o;
}

ChatStream::Request request(const FakeOpenAIServer& server, const QByteArray& content = "What is the capital?") {
  ChatStream::Request r;
  r.baseUrl = QString::fromStdString(server.baseUrl());
  r.model = QStringLiteral("fake-model");
  r.userContent = content;
  return r;
}

std::string chunk(const std::string& deltaJson) {
  return "data: {\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,\"delta\":" + deltaJson +
         ",\"finish_reason\":null}]}\n\n";
}

}  // namespace

class TestChatStream : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void streamsTheAnswerInPieces() {
    FakeOpenAIServer server;
    const std::string answer =
        "<think>\nThe ledger says caf\xC3\xA9 \xE6\x9D\xB1 Harbour.\n</think>\n\nTherefore, the answer is Harbour.";
    server.enqueue(Behaviour::streamed(answer, 5));
    ChatStream s;
    auto r = request(server, "Please read \xE2\x80\x94 the text");
    r.apiKey = QStringLiteral("sk-test");
    r.maxTokens = 64;
    const Outcome o = run(s, r);
    QCOMPARE(o.how, QStringLiteral("completed"));
    QCOMPARE(o.text, QByteArray::fromStdString(answer));
    QCOMPARE(s.text(), o.text);
    QVERIFY2(o.deltas > 10, "the text should arrive in many deltas");
    QCOMPARE(s.finishReason(), QStringLiteral("stop"));
    QVERIFY(!s.isRunning());
    // The request: one user message, stream=true, model, max_tokens, bearer key.
    const auto reqs = server.requests();
    QCOMPARE(reqs.size(), std::size_t(1));
    QCOMPARE(QString::fromStdString(reqs[0].path), QStringLiteral("/v1/chat/completions"));
    QCOMPARE(QString::fromStdString(reqs[0].authorization), QStringLiteral("Bearer sk-test"));
    const auto& j = reqs[0].json;
    QCOMPARE(j.value("stream", false), true);
    QCOMPARE(QString::fromStdString(j.value("model", "")), QStringLiteral("fake-model"));
    QCOMPARE(j.value("max_tokens", 0), 64);
    QCOMPARE(j["messages"].size(), std::size_t(1));
    QCOMPARE(QString::fromStdString(j["messages"][0]["role"].get<std::string>()), QStringLiteral("user"));
    QCOMPARE(QByteArray::fromStdString(j["messages"][0]["content"].get<std::string>()), r.userContent);
  }

  void baseUrlForms() {
    QCOMPARE(ChatStream::completionsUrl("http://h:1/v1/").toString(), QStringLiteral("http://h:1/v1/chat/completions"));
    QCOMPARE(ChatStream::completionsUrl(" http://h:1/v1/chat/completions ").toString(),
             QStringLiteral("http://h:1/v1/chat/completions"));
    QVERIFY(ChatStream::completionsUrl("h:1/v1").isEmpty());
    QVERIFY(ChatStream::completionsUrl("").isEmpty());
    ChatStream s;
    ChatStream::Request r;
    r.baseUrl = QStringLiteral("not a url");
    const Outcome o = run(s, r, 2000);
    QCOMPARE(o.how, QStringLiteral("failed"));
    QVERIFY2(o.message.contains(QStringLiteral("not a url")), qPrintable(o.message));
  }

  void connectionRefusedNamesTheUrl() {
    const int port = longrl::test::unusedLoopbackPort();
    QVERIFY(port > 0);
    ChatStream s;
    ChatStream::Request r;
    r.baseUrl = QStringLiteral("http://127.0.0.1:%1/v1").arg(port);
    const Outcome o = run(s, r);
    QCOMPARE(o.how, QStringLiteral("failed"));
    QVERIFY2(o.message.contains(QStringLiteral("connection refused")), qPrintable(o.message));
    QVERIFY2(o.message.contains(QString::number(port)), qPrintable(o.message));
  }

  void httpErrorCarriesTheServersMessage() {
    FakeOpenAIServer server;
    server.enqueue(
        Behaviour::httpStatus(401, R"({"error":{"message":"incorrect API key","type":"authentication_error"}})"));
    server.enqueue(Behaviour::httpStatus(502, "upstream <b>down</b>"));
    ChatStream s;
    Outcome o = run(s, request(server));
    QCOMPARE(o.how, QStringLiteral("failed"));
    QVERIFY2(o.message.contains(QStringLiteral("HTTP 401")), qPrintable(o.message));
    QVERIFY2(o.message.contains(QStringLiteral("incorrect API key")), qPrintable(o.message));
    o = run(s, request(server));
    QVERIFY2(o.message.contains(QStringLiteral("HTTP 502")) &&
                 o.message.contains(QStringLiteral("upstream <b>down</b>")),
             qPrintable(o.message));
  }

  void malformedStreamIsAnError() {
    FakeOpenAIServer server;
    server.enqueue(Behaviour::rawStream(chunk(R"({"content":"Hel"})") + "data: {\"choices\": [\n\ndata: [DONE]\n\n"));
    ChatStream s;
    const Outcome o = run(s, request(server));
    QCOMPARE(o.how, QStringLiteral("failed"));
    QVERIFY2(o.message.contains(QStringLiteral("malformed stream")), qPrintable(o.message));
    QCOMPARE(o.text, QByteArray("Hel"));  // what arrived before stays
  }

  void errorObjectInTheStream() {
    FakeOpenAIServer server;
    server.enqueue(
        Behaviour::rawStream(chunk(R"({"role":"assistant","content":""})") + chunk(R"({"content":"<think>a"})") +
                             R"(data: {"error":{"message":"generation failed: out of memory","type":"server_error"}})"
                             "\n\ndata: [DONE]\n\n"));
    ChatStream s;
    const Outcome o = run(s, request(server));
    QCOMPARE(o.how, QStringLiteral("failed"));
    QVERIFY2(o.message.contains(QStringLiteral("generation failed: out of memory")), qPrintable(o.message));
    QCOMPARE(o.text, QByteArray("<think>a"));
  }

  void streamEndingBeforeDoneIsReported() {
    FakeOpenAIServer server;
    server.enqueue(Behaviour::rawStream(chunk(R"({"content":"partial"})")));
    ChatStream s;
    const Outcome o = run(s, request(server));
    QCOMPARE(o.how, QStringLiteral("failed"));
    QVERIFY2(o.message.contains(QStringLiteral("[DONE]")), qPrintable(o.message));
    QCOMPARE(s.text(), QByteArray("partial"));
  }

  void separateReasoningIsFoldedIntoThinkTags() {
    FakeOpenAIServer server;
    server.enqueue(Behaviour::rawStream(chunk(R"({"role":"assistant"})") + chunk(R"({"reasoning_content":"Step 1."})") +
                                            chunk(R"({"reasoning_content":" Step 2."})") +
                                            chunk(R"({"content":"Paris"})") + "data: [DONE]\n\n",
                                        3));
    ChatStream s;
    const Outcome o = run(s, request(server));
    QCOMPARE(o.how, QStringLiteral("completed"));
    QCOMPARE(s.text(), QByteArray("<think>\nStep 1. Step 2.\n</think>\n\nParis"));
  }

  // vLLM may end the reasoning and start the content in one chunk: both are kept, in order.
  void reasoningAndContentInOneChunkFold() {
    FakeOpenAIServer server;
    server.enqueue(Behaviour::rawStream(chunk(R"({"reasoning_content":"Step 1."})") +
                                            chunk(R"({"reasoning_content":" Done.","content":"Paris"})") +
                                            "data: [DONE]\n\n",
                                        2));
    ChatStream s;
    QCOMPARE(run(s, request(server)).how, QStringLiteral("completed"));
    QCOMPARE(s.text(), QByteArray("<think>\nStep 1. Done.\n</think>\n\nParis"));
  }

  // longrl serve streams the whole text as content and the thinking besides it, in the chunk whose
  // content completes it (an R1-style model here: the prompt opened <think>, the text has none).
  // The text is the content alone, the reasoning not added twice.
  void reasoningAlsoInContentIsNotDuplicated() {
    FakeOpenAIServer server;
    server.enqueue(Behaviour::rawStream(chunk(R"({"role":"assistant","content":""})") +
                                            chunk(R"({"content":"Step","reasoning_content":"Step"})") +
                                            chunk(R"({"content":" 1. ","reasoning_content":" 1."})") +
                                            chunk(R"({"content":"</think>\n\nParis"})") + "data: [DONE]\n\n",
                                        2));
    ChatStream s;
    QCOMPARE(run(s, request(server)).how, QStringLiteral("completed"));
    QCOMPARE(s.text(), QByteArray("Step 1. </think>\n\nParis"));
  }

  void aServerIgnoringStreamIsAccepted() {
    FakeOpenAIServer server;
    server.enqueue(Behaviour::rawBody(
        R"({"object":"chat.completion","choices":[{"index":0,"message":{"role":"assistant","content":"<think>x</think>Rome"},"finish_reason":"length"}]})"));
    server.enqueue(Behaviour::rawBody("<html>not json</html>"));
    ChatStream s;
    Outcome o = run(s, request(server));
    QCOMPARE(o.how, QStringLiteral("completed"));
    QCOMPARE(s.text(), QByteArray("<think>x</think>Rome"));
    QCOMPARE(s.finishReason(), QStringLiteral("length"));
    o = run(s, request(server));
    QCOMPARE(o.how, QStringLiteral("failed"));
    QVERIFY2(o.message.contains(QStringLiteral("malformed response")), qPrintable(o.message));
  }

  void stopEndsTheRequest() {
    FakeOpenAIServer server;
    server.enqueue(Behaviour::streamed(std::string(2000, 'w'), 10, 20));  // ~4 s if not stopped
    ChatStream s;
    int deltas = 0;
    connect(&s, &ChatStream::textReceived, &s, [&](const QByteArray&) {
      if (++deltas == 3) s.stop();
    });
    QSignalSpy completed(&s, &ChatStream::completed);
    QSignalSpy failed(&s, &ChatStream::failed);
    const Outcome o = run(s, request(server));
    QCOMPARE(o.how, QStringLiteral("stopped"));
    QVERIFY(!s.isRunning());
    QCOMPARE(deltas, 3);
    QTest::qWait(100);
    QCOMPARE(completed.size(), 0);
    QCOMPARE(failed.size(), 0);
  }
};

QTEST_GUILESS_MAIN(TestChatStream)
#include "TestChatStream.moc"
