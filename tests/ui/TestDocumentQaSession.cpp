// DocumentQaSession without widgets (QCoreApplication): every transition of its state machine,
// against the in-process OpenAI-compatible server and a stand-in for `longrl serve`.
#include <QtTest/QtTest>

#include <sstream>
#include <vector>

#include "core/dataset/PromptTemplate.h"
#include "core/memory/MemoryPrompt.h"
#include "support/FakeOpenAIServer.h"
#include "support/FakeServeScript.h"
#include "support/LoopbackPort.h"
#include "support/TestPaths.h"
#include "ui/docqa/DocumentQaSession.h"
#include "ui/docqa/LocalModelServer.h"
#include "ui/docqa/MemoryAgentDriver.h"

using longrl::test::FakeOpenAIServer;
using longrl::test::FakeServe;
using longrl::ui::DocumentQaSession;
using Behaviour = FakeOpenAIServer::Behaviour;
using State = DocumentQaSession::State;
using States = std::vector<State>;

namespace {

// A report of `sections` paragraphs; paragraph 27 holds the answer.
std::string reportDocument(int sections = 40) {
  std::ostringstream s;
  s << "Annual report of the Northern Harbours Authority\n\n";
  for (int i = 1; i <= sections; ++i) {
    s << "Section " << i << ". The harbour recorded " << (1200 + 37 * i) << " ship arrivals in " << (1990 + i % 30)
      << ", and the dredging contract went to crew " << (i * 7) << ".\n";
    if (i == 27) s << "The lighthouse keeper of Port Ellery logged the brightest aurora of the decade.\n";
    s << "\n";
  }
  return s.str();
}

const std::string kQuestion = "Where did the lighthouse keeper log the brightest aurora of the decade?";
const std::string kResponse =
    "<think>\nSection 27 says the lighthouse keeper of Port Ellery logged the brightest aurora of the decade, so "
    "the place is Port Ellery.\n</think>\n\nTherefore, the answer is Port Ellery.";

QString q(const std::string& s) { return QString::fromStdString(s); }

// "Streaming Done": states as their names, so a failed comparison says what happened.
QString names(const States& states) {
  const QMetaEnum e = QMetaEnum::fromType<State>();
  QStringList out;
  for (State st : states) out << QString::fromLatin1(e.valueToKey(int(st)));
  return out.join(' ');
}

// Everything the session tells its observers, in order.
struct Recorder {
  States states;
  QList<QPair<QString, bool>> statuses;
  QStringList serverInfo;
  std::vector<bool> finished;
  States stateAtFinish;
  std::vector<std::size_t> responseSizes;          // response().size() at each responseUpdated
  std::vector<std::pair<int, int>> started, done;  // sections
  int starting = 0;

  explicit Recorder(DocumentQaSession& s) {
    QObject::connect(&s, &DocumentQaSession::stateChanged, [this](State st) { states.push_back(st); });
    QObject::connect(&s, &DocumentQaSession::statusChanged, [this](const QString& t, bool e) {
      statuses.append({t, e});
    });
    QObject::connect(&s, &DocumentQaSession::serverInfoChanged, [this](const QString& t) { serverInfo << t; });
    QObject::connect(&s, &DocumentQaSession::answerStarting, [this] { ++starting; });
    QObject::connect(&s, &DocumentQaSession::responseUpdated,
                     [this, &s] { responseSizes.push_back(s.response().size()); });
    QObject::connect(&s, &DocumentQaSession::sectionStarted, [this](int i, int n) { started.emplace_back(i, n); });
    QObject::connect(&s, &DocumentQaSession::sectionFinished, [this](int i, int n) { done.emplace_back(i, n); });
    QObject::connect(&s, &DocumentQaSession::answerFinished, [this, &s](bool ok) {
      finished.push_back(ok);
      stateAtFinish.push_back(s.state());
    });
  }
  void clear() { *this = Recorder(); }
  bool sawStatus(const QString& prefix) const {
    for (const auto& st : statuses)
      if (st.first.startsWith(prefix)) return true;
    return false;
  }

 private:
  Recorder() = default;
};

DocumentQaSession::Question endpointQuestion(const FakeOpenAIServer& server, const std::string& text = kQuestion) {
  DocumentQaSession::Question question;
  question.text = q(text);
  question.baseUrl = q(server.baseUrl());
  question.model = QStringLiteral("m");
  return question;
}

DocumentQaSession::Question localQuestion(const QString& modelDir) {
  DocumentQaSession::Question question;
  question.text = q(kQuestion);
  question.backend = DocumentQaSession::Backend::LocalModel;
  question.modelDir = modelDir;
  return question;
}

// A model directory and a `longrl serve` stand-in that behaves as `how` says.
struct LocalModel {
  QString dir, program;
  LocalModel(const std::string& name, const FakeServe& how) {
    const std::string root = longrl::test::freshTempDir(name);
    dir = q(root + "/tiny-model");
    QDir().mkpath(dir);
    program = q(longrl::test::writeFakeServeScript(root, how));
  }
};

}  // namespace

class TestDocumentQaSession : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void checksComeBeforeAnything() {
    FakeOpenAIServer server;
    DocumentQaSession s;
    Recorder rec(s);
    QCOMPARE(s.state(), State::Idle);
    QVERIFY(!s.ask(endpointQuestion(server)));
    QCOMPARE(s.statusText(), QStringLiteral("Open a document first."));
    QVERIFY(s.statusIsError());

    s.setDocument(QStringLiteral("report.txt"), reportDocument(3));
    QCOMPARE(names(rec.states), QStringLiteral("Idle"));
    QCOMPARE(s.statusText(), QStringLiteral("report.txt is open. Ask a question about it."));
    QVERIFY(!s.statusIsError());

    auto question = endpointQuestion(server, "   ");
    QVERIFY(!s.ask(question));
    QCOMPARE(s.statusText(), QStringLiteral("Type a question first."));
    question = endpointQuestion(server);
    question.baseUrl = QStringLiteral("  ");
    QVERIFY(!s.ask(question));
    QVERIFY(s.statusText().startsWith(QStringLiteral("Enter the endpoint's base URL")));
    QVERIFY(!s.ask(localQuestion(QStringLiteral(" "))));
    QCOMPARE(s.statusText(), QStringLiteral("Choose a model directory."));
    QVERIFY(s.statusIsError());
    // None of them left Idle or sent anything.
    QCOMPARE(names(rec.states), QStringLiteral("Idle"));
    QCOMPARE(rec.starting, 0);
    QCOMPARE(server.requestCount(), std::size_t(0));
  }

  void wholeDocumentStreamsToDone() {
    FakeOpenAIServer server;
    server.setDefault(Behaviour::streamed(kResponse, 6, 10));  // ~0.3 s: several flushes
    DocumentQaSession s;
    const std::string doc = reportDocument();
    s.setDocument(QStringLiteral("report.txt"), doc);
    Recorder rec(s);
    auto question = endpointQuestion(server, "  " + kQuestion + "\n");
    question.baseUrl = QStringLiteral(" %1 ").arg(q(server.baseUrl()));
    question.apiKey = QStringLiteral("sk-local");
    QVERIFY(s.ask(question));
    QCOMPARE(names(rec.states), QStringLiteral("Streaming"));
    QCOMPARE(rec.starting, 1);
    QVERIFY(s.isAsking());
    QVERIFY2(s.statusText().startsWith(QStringLiteral("Asking m at %1 (prompt: ").arg(q(server.baseUrl()))),
             qPrintable(s.statusText()));
    QVERIFY(!s.ask(question));  // one answer at a time

    QTRY_COMPARE_WITH_TIMEOUT(rec.finished.size(), std::size_t(1), 15000);
    QCOMPARE(names(rec.states), QStringLiteral("Streaming Done"));
    QCOMPARE(rec.finished, std::vector<bool>{true});
    QCOMPARE(names(rec.stateAtFinish), QStringLiteral("Done"));
    QVERIFY(!s.isAsking());
    QCOMPARE(s.response(), kResponse);
    QCOMPARE(s.askedQuestion(), kQuestion);
    QVERIFY2(s.statusText().startsWith(QStringLiteral("Answer complete: %1 characters").arg(kResponse.size())),
             qPrintable(s.statusText()));
    QVERIFY(!s.statusText().contains(QStringLiteral("</think>")));
    QVERIFY(!s.statusIsError());
    QVERIFY(rec.sawStatus(QStringLiteral("Receiving the answer from m…")));
    // The response reached observers in coalesced steps that only grew, the last one complete.
    QVERIFY(!rec.responseSizes.empty());
    QVERIFY(std::is_sorted(rec.responseSizes.begin(), rec.responseSizes.end()));
    QCOMPARE(rec.responseSizes.back(), kResponse.size());
    QVERIFY(!s.answeredFromMemory());
    QCOMPARE(s.suggestedGroundTruth(), std::optional<QString>(QStringLiteral("Port Ellery")));

    const auto reqs = server.requests();
    QCOMPARE(reqs.size(), std::size_t(1));
    QCOMPARE(reqs[0].json["messages"][0]["content"].get<std::string>(),
             longrl::dataset::PromptTemplate::build(doc, kQuestion));
    QCOMPARE(q(reqs[0].authorization), QStringLiteral("Bearer sk-local"));
    QCOMPARE(q(reqs[0].json.value("model", "")), QStringLiteral("m"));

    const auto record = s.exampleRecord("asked again?");
    QCOMPARE(record.document, doc);
    QCOMPARE(record.question, std::string("asked again?"));
    QCOMPARE(q(record.extraInfo.value("model", "")), QStringLiteral("m"));
    QCOMPARE(q(record.extraInfo.value("document_title", "")), QStringLiteral("report.txt"));
    QCOMPARE(q(record.extraInfo.value("model_answer", "")), QStringLiteral("Therefore, the answer is Port Ellery."));
  }

  void answerWithoutThinkIsFlagged() {
    FakeOpenAIServer server;
    server.setDefault(Behaviour::streamed("Port Ellery", 4));
    DocumentQaSession s;
    s.setDocument(QStringLiteral("d.txt"), reportDocument(3));
    Recorder rec(s);
    QVERIFY(s.ask(endpointQuestion(server)));
    QTRY_COMPARE_WITH_TIMEOUT(rec.finished.size(), std::size_t(1), 10000);
    QCOMPARE(names(rec.states), QStringLiteral("Streaming Done"));
    QVERIFY2(s.statusText().endsWith(QStringLiteral("No </think>: as a rollout it would score 0.")),
             qPrintable(s.statusText()));
    QCOMPARE(s.suggestedGroundTruth(), std::nullopt);
    QVERIFY(!s.exampleRecord(kQuestion).extraInfo.contains("model_answer"));
  }

  void stopWhileStreamingKeepsWhatArrived() {
    FakeOpenAIServer server;
    server.setDefault(Behaviour::streamed(kResponse, 4, 25));  // ~2.5 s in full
    DocumentQaSession s;
    s.setDocument(QStringLiteral("d.txt"), reportDocument());
    Recorder rec(s);
    QVERIFY(s.ask(endpointQuestion(server)));
    QTRY_VERIFY_WITH_TIMEOUT(s.response().size() > 30, 10000);
    s.stop();
    QCOMPARE(names(rec.states), QStringLiteral("Streaming Stopped"));
    QCOMPARE(rec.finished, std::vector<bool>{false});
    QVERIFY2(s.statusText().startsWith(QStringLiteral("Stopped after")), qPrintable(s.statusText()));
    QVERIFY(!s.statusIsError());
    const std::string partial = s.response();
    QVERIFY(partial.size() < kResponse.size());
    QVERIFY(kResponse.rfind(partial, 0) == 0);
    QCOMPARE(rec.responseSizes.back(), partial.size());  // the end flushed what had arrived
    s.stop();                                            // nothing runs: no transition
    QTest::qWait(200);
    QCOMPARE(s.response(), partial);
    QCOMPARE(rec.states.size(), std::size_t(2));
  }

  void newDocumentStopsTheAnswer() {
    FakeOpenAIServer server;
    server.setDefault(Behaviour::streamed(kResponse, 4, 25));
    DocumentQaSession s;
    s.setDocument(QStringLiteral("a.txt"), reportDocument());
    Recorder rec(s);
    QVERIFY(s.ask(endpointQuestion(server)));
    QTRY_VERIFY_WITH_TIMEOUT(!s.response().empty(), 10000);
    s.setDocument(QStringLiteral("b.txt"), "another document");
    QCOMPARE(names(rec.states), QStringLiteral("Streaming Stopped Idle"));
    QCOMPARE(rec.finished, std::vector<bool>{false});
    QVERIFY(s.response().empty());
    QVERIFY(s.askedQuestion().empty());
    QCOMPARE(s.document(), std::string("another document"));
    QCOMPARE(s.statusText(), QStringLiteral("b.txt is open. Ask a question about it."));
  }

  void endpointErrorsFail() {
    FakeOpenAIServer server;
    server.enqueue(Behaviour::httpStatus(400, R"({"error":{"message":"prompt is longer than max_model_len 32768"}})"));
    server.enqueue(
        Behaviour::rawStream("data: {\"choices\":[{\"delta\":{\"content\":\"<think>ok\"}}]}\n\ndata: {oops\n\n"));
    DocumentQaSession s;
    s.setDocument(QStringLiteral("d.txt"), reportDocument(3));
    Recorder rec(s);

    // Nothing listens: connection refused, naming the port.
    const int port = longrl::test::unusedLoopbackPort();
    auto refused = endpointQuestion(server);
    refused.baseUrl = QStringLiteral("http://127.0.0.1:%1/v1").arg(port);
    QVERIFY(s.ask(refused));
    QTRY_COMPARE_WITH_TIMEOUT(rec.finished.size(), std::size_t(1), 10000);
    QCOMPARE(names(rec.states), QStringLiteral("Streaming Failed"));
    QCOMPARE(rec.finished, std::vector<bool>{false});
    QVERIFY(s.statusIsError());
    QVERIFY2(s.statusText().contains(QStringLiteral("connection refused")) &&
                 s.statusText().contains(QString::number(port)),
             qPrintable(s.statusText()));

    // An HTTP error with the server's message.
    rec.clear();
    QVERIFY(s.ask(endpointQuestion(server)));
    QTRY_COMPARE_WITH_TIMEOUT(rec.finished.size(), std::size_t(1), 10000);
    QCOMPARE(names(rec.states), QStringLiteral("Streaming Failed"));
    QVERIFY2(s.statusText().contains(QStringLiteral("HTTP 400")) &&
                 s.statusText().contains(QStringLiteral("max_model_len 32768")),
             qPrintable(s.statusText()));

    // A stream that breaks after some text: what arrived stays, and the status counts it.
    rec.clear();
    QVERIFY(s.ask(endpointQuestion(server)));
    QTRY_COMPARE_WITH_TIMEOUT(rec.finished.size(), std::size_t(1), 10000);
    QCOMPARE(names(rec.states), QStringLiteral("Streaming Failed"));
    QCOMPARE(s.response(), std::string("<think>ok"));
    QVERIFY2(s.statusText().contains(QStringLiteral("malformed stream")) &&
                 s.statusText().endsWith(QStringLiteral("(9 characters had arrived)")),
             qPrintable(s.statusText()));
    QVERIFY(s.statusIsError());
  }

  void memoryAgentReadsSectionsThenAnswers() {
    const std::string doc = reportDocument();
    const int sectionTokens = 300;
    const auto sections = longrl::ui::MemoryAgentDriver::sections(doc, sectionTokens);
    const int n = int(sections.size());
    QVERIFY2(n >= 3, qPrintable(QString::number(n)));
    FakeOpenAIServer server;
    const std::string memory = "Port Ellery's keeper logged the brightest aurora.";
    for (int i = 0; i < n; ++i)
      server.enqueue(Behaviour::streamed("<memory>" + memory + "</memory><plan>done</plan>", 16));
    server.setDefault(Behaviour::streamed(kResponse, 32));
    DocumentQaSession s;
    s.setDocument(QStringLiteral("report.txt"), doc);
    Recorder rec(s);
    auto question = endpointQuestion(server);
    question.mode = DocumentQaSession::Mode::MemoryAgent;
    question.sectionTokens = sectionTokens;
    QVERIFY(s.ask(question));
    QCOMPARE(names(rec.states), QStringLiteral("ReadingSections"));
    QCOMPARE(s.mode(), DocumentQaSession::Mode::MemoryAgent);
    QCOMPARE(rec.started, (std::vector<std::pair<int, int>>{{0, n}}));
    QVERIFY2(s.statusText().startsWith(
                 QStringLiteral("Reading section 1 of %1 with m (memory so far: 0 characters)").arg(n)),
             qPrintable(s.statusText()));

    QTRY_COMPARE_WITH_TIMEOUT(rec.finished.size(), std::size_t(1), 30000);
    QCOMPARE(names(rec.states), QStringLiteral("ReadingSections Streaming Done"));
    QCOMPARE(rec.finished, std::vector<bool>{true});
    QCOMPARE(int(rec.started.size()), n);
    QCOMPARE(int(rec.done.size()), n);
    for (int i = 0; i < n; ++i) {
      QCOMPARE(rec.started[std::size_t(i)], std::make_pair(i, n));
      QCOMPARE(rec.done[std::size_t(i)], std::make_pair(i, n));
    }
    QVERIFY(rec.sawStatus(QStringLiteral("Reading section %1 of %1 with m").arg(n)));
    bool askedFromMemory = false;
    for (const auto& st : rec.statuses)
      askedFromMemory |= st.first.startsWith(QStringLiteral("Asking m")) &&
                         st.first.contains(QStringLiteral(", the memory of %1 sections").arg(n));
    QVERIFY(askedFromMemory);
    QVERIFY(s.answeredFromMemory());
    QCOMPARE(int(s.trajectory().steps.size()), n);
    QCOMPARE(s.response(), kResponse);
    const auto reqs = server.requests();
    QCOMPARE(int(reqs.size()), n + 1);
    QCOMPARE(reqs.back().json["messages"][0]["content"].get<std::string>(),
             longrl::memory::MemoryPrompt::final(kQuestion, memory));

    // Stopped while reading: nothing more is asked.
    rec.clear();
    server.enqueue(Behaviour::streamed("<memory>m</memory>", 2, 200));
    QVERIFY(s.ask(question));
    QCOMPARE(names(rec.states), QStringLiteral("ReadingSections"));
    QVERIFY(!s.answeredFromMemory());
    QTest::qWait(100);
    s.stop();
    QCOMPARE(names(rec.states), QStringLiteral("ReadingSections Stopped"));
    QCOMPARE(rec.finished, std::vector<bool>{false});
    QVERIFY(s.statusText().startsWith(QStringLiteral("Stopped after")));
    QVERIFY(!s.answeredFromMemory());
    QTest::qWait(200);
    QCOMPARE(int(server.requestCount()), n + 2);

    // A section that fails ends the answer, naming the section.
    rec.clear();
    server.enqueue(Behaviour::httpStatus(500));
    QVERIFY(s.ask(question));
    QTRY_COMPARE_WITH_TIMEOUT(rec.finished.size(), std::size_t(1), 10000);
    QCOMPARE(names(rec.states), QStringLiteral("ReadingSections Failed"));
    QVERIFY2(s.statusText().startsWith(QStringLiteral("section 1 of %1: ").arg(n)) &&
                 s.statusText().contains(QStringLiteral("HTTP 500")),
             qPrintable(s.statusText()));
    QVERIFY(s.statusIsError());
  }

  void localServerStartsThenStreams() {
    FakeOpenAIServer server;
    server.setDefault(Behaviour::streamed(kResponse, 32));
    const LocalModel model("session-local", {server.baseUrl()});
    qint64 pid = 0;
    {
      DocumentQaSession s;
      s.setLongrlProgram(model.program);
      s.setDocument(QStringLiteral("d.txt"), reportDocument(3));
      Recorder rec(s);
      QVERIFY(s.ask(localQuestion(QStringLiteral(" %1 ").arg(model.dir))));
      QCOMPARE(names(rec.states), QStringLiteral("StartingServer"));
      QCOMPARE(rec.serverInfo, QStringList{QStringLiteral("starting…")});
      QCOMPARE(s.statusText(), QStringLiteral("Starting `longrl serve` on %1 (loading the model)…")
                                   .arg(QFileInfo(model.dir).absoluteFilePath()));
      QTRY_COMPARE_WITH_TIMEOUT(rec.finished.size(), std::size_t(1), 15000);
      QCOMPARE(names(rec.states), QStringLiteral("StartingServer Streaming Done"));
      QCOMPARE(rec.finished, std::vector<bool>{true});
      QCOMPARE(rec.serverInfo.last(), QStringLiteral("serving tiny-model at %1").arg(q(server.baseUrl())));
      QCOMPARE(q(server.requests().back().json.value("model", "")), QStringLiteral("tiny-model"));
      QCOMPARE(s.response(), kResponse);

      // The next question goes to the running server at once.
      rec.clear();
      QVERIFY(s.ask(localQuestion(model.dir)));
      QCOMPARE(names(rec.states), QStringLiteral("Streaming"));
      QTRY_COMPARE_WITH_TIMEOUT(rec.finished.size(), std::size_t(1), 15000);
      QCOMPARE(names(rec.states), QStringLiteral("Streaming Done"));
      QCOMPARE(server.requestCount(), std::size_t(2));
      auto* process = s.localServer()->findChild<QProcess*>();
      QVERIFY(process);
      pid = process->processId();
      QVERIFY(pid > 0);
    }
    QVERIFY(!QFileInfo::exists(QStringLiteral("/proc/%1").arg(pid)));  // the session's end stops the server
  }

  void localServerFailsToStart() {
    const LocalModel broken("session-local-fail", {"", true});
    DocumentQaSession s;
    s.setLongrlProgram(broken.program);
    s.setDocument(QStringLiteral("d.txt"), reportDocument(3));
    Recorder rec(s);
    QVERIFY(s.ask(localQuestion(broken.dir)));
    QCOMPARE(names(rec.states), QStringLiteral("StartingServer"));
    QTRY_COMPARE_WITH_TIMEOUT(rec.finished.size(), std::size_t(1), 10000);
    QCOMPARE(names(rec.states), QStringLiteral("StartingServer Failed"));
    QCOMPARE(rec.finished, std::vector<bool>{false});
    QCOMPARE(rec.serverInfo.last(), QStringLiteral("not running"));
    QVERIFY(s.statusIsError());
    QVERIFY2(s.statusText().contains(QStringLiteral("exited with code 3")) &&
                 s.statusText().contains(QStringLiteral("no config.json")),
             qPrintable(s.statusText()));

    // A directory that does not exist fails before anything starts, within ask().
    rec.clear();
    QVERIFY(s.ask(localQuestion(broken.dir + QStringLiteral("/missing"))));
    QCOMPARE(names(rec.states), QStringLiteral("StartingServer Failed"));
    QCOMPARE(rec.finished, std::vector<bool>{false});
    QVERIFY2(s.statusText().contains(QStringLiteral("does not exist")), qPrintable(s.statusText()));
  }

  void stopWhileTheServerStarts() {
    FakeOpenAIServer server;
    const LocalModel model("session-local-stop", {server.baseUrl()});
    DocumentQaSession s;
    s.setLongrlProgram(model.program);
    s.setDocument(QStringLiteral("d.txt"), reportDocument(3));
    Recorder rec(s);
    QVERIFY(s.ask(localQuestion(model.dir)));
    QCOMPARE(names(rec.states), QStringLiteral("StartingServer"));
    s.stop();  // before the event loop could read "serving …"
    QCOMPARE(names(rec.states), QStringLiteral("StartingServer Stopped"));
    QCOMPARE(rec.finished, std::vector<bool>{false});
    QVERIFY(s.statusText().startsWith(QStringLiteral("Stopped after")));
    QCOMPARE(s.localServer()->state(), longrl::ui::LocalModelServer::State::Stopped);
    QTest::qWait(200);
    QCOMPARE(server.requestCount(), std::size_t(0));
    QCOMPARE(rec.states.size(), std::size_t(2));
  }

  void serverDyingMidAnswerFailsWithItsReason() {
    FakeOpenAIServer server;
    server.setDefault(Behaviour::streamed(kResponse, 4, 25));  // ~2.5 s; the server dies after 0.5 s
    const LocalModel model("session-local-dies", {server.baseUrl(), false, 0.5});
    DocumentQaSession s;
    s.setLongrlProgram(model.program);
    s.setDocument(QStringLiteral("d.txt"), reportDocument(3));
    Recorder rec(s);
    QVERIFY(s.ask(localQuestion(model.dir)));
    QTRY_COMPARE_WITH_TIMEOUT(rec.finished.size(), std::size_t(1), 15000);
    QCOMPARE(names(rec.states), QStringLiteral("StartingServer Streaming Failed"));
    QCOMPARE(rec.finished, std::vector<bool>{false});
    QVERIFY(s.statusIsError());
    QVERIFY2(s.statusText().contains(QStringLiteral("exited with code 4")) &&
                 s.statusText().contains(QStringLiteral("CUDA out of memory")) &&
                 s.statusText().endsWith(QStringLiteral("characters had arrived)")),
             qPrintable(s.statusText()));
    QVERIFY(!s.response().empty() && s.response().size() < kResponse.size());
  }

  void serverDyingWhileIdleIsReported() {
    FakeOpenAIServer server;
    server.setDefault(Behaviour::streamed(kResponse, 64));
    const LocalModel model("session-local-dies-idle", {server.baseUrl(), false, 1.5});
    DocumentQaSession s;
    s.setLongrlProgram(model.program);
    s.setDocument(QStringLiteral("d.txt"), reportDocument(3));
    Recorder rec(s);
    QVERIFY(s.ask(localQuestion(model.dir)));
    QTRY_COMPARE_WITH_TIMEOUT(rec.finished.size(), std::size_t(1), 15000);
    QCOMPARE(rec.finished, std::vector<bool>{true});
    QTRY_COMPARE_WITH_TIMEOUT(rec.serverInfo.last(), QStringLiteral("not running"), 10000);
    QVERIFY(s.statusIsError());
    QVERIFY2(s.statusText().contains(QStringLiteral("exited with code 4")), qPrintable(s.statusText()));
    // The answer stays done.
    QCOMPARE(names(rec.states), QStringLiteral("StartingServer Streaming Done"));
    QCOMPARE(s.state(), State::Done);
    QCOMPARE(rec.finished.size(), std::size_t(1));
  }
};

QTEST_GUILESS_MAIN(TestDocumentQaSession)
#include "TestDocumentQaSession.moc"
