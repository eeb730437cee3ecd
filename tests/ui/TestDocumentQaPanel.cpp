#include <QtTest/QtTest>

#include <QComboBox>
#include <QDoubleSpinBox>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QScrollBar>

#include "DocumentQaFixture.h"
#include "core/dataset/DatasetReader.h"
#include "core/dataset/PromptTemplate.h"
#include "core/memory/MemoryPrompt.h"
#include "support/FakeOpenAIServer.h"
#include "support/FakeServeScript.h"
#include "support/LoopbackPort.h"
#include "support/TestPaths.h"
#include "ui/MainWindow.h"
#include "ui/docqa/DocumentQaPanel.h"
#include "ui/docqa/LocalModelServer.h"
#include "ui/docqa/MemoryAgentDriver.h"
#include "viewers/document/DocumentTraceView.h"
#include "viewers/document/MemoryStepsView.h"

using longrl::test::FakeOpenAIServer;
using longrl::test::writeFakeServeScript;
using longrl::ui::DocumentQaPanel;
using Behaviour = FakeOpenAIServer::Behaviour;
using namespace longrl::test::docqa;

class TestDocumentQaPanel : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void initTestCase() {
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName("longrl-tests");
    QCoreApplication::setApplicationName("TestDocumentQaPanel");
    QSettings().clear();
  }

  void streamsThinkAndAnswerThenHighlights() {
    FakeOpenAIServer server;
    server.setDefault(Behaviour::streamed(kResponse, 9, 4));
    DocumentQaPanel panel;
    panel.resize(1400, 860);
    panel.show();
    QVERIFY(QTest::qWaitForWindowExposed(&panel));
    const std::string doc = reportDocument();
    panel.setDocument(QStringLiteral("harbours-report.txt"), doc);
    panel.setEndpoint(q(server.baseUrl()), QStringLiteral("qwenlong-l1-32b"), QStringLiteral("sk-local"));
    QVERIFY(!panel.askButton()->isEnabled());  // no question yet
    panel.setQuestion(q(kQuestion));
    QVERIFY(panel.askButton()->isEnabled());

    // While it streams: thinking fills before any answer exists, Stop is on, Ask is off.
    QSignalSpy finished(&panel, &DocumentQaPanel::answerFinished);
    QSignalSpy highlights(&panel, &DocumentQaPanel::highlightsReady);
    QTest::mouseClick(panel.askButton(), Qt::LeftButton);
    QCOMPARE(panel.state(), DocumentQaPanel::State::Streaming);
    QVERIFY(panel.stopButton()->isEnabled());
    QVERIFY(!panel.askButton()->isEnabled());
    QTRY_VERIFY_WITH_TIMEOUT(panel.trace()->thinkingEdit()->toPlainText().size() > 40, 10000);
    QCOMPARE(panel.state(), DocumentQaPanel::State::Streaming);
    QVERIFY(panel.trace()->answerEdit()->toPlainText().isEmpty());
    QVERIFY(!panel.trace()->thinkingEdit()->toPlainText().contains(QStringLiteral("<think>")));
    if (qEnvironmentVariableIsSet("LONGRL_SCREENSHOT_DIR"))
      panel.grab().save(qEnvironmentVariable("LONGRL_SCREENSHOT_DIR") + QStringLiteral("/document-qa-streaming.png"));

    QVERIFY(finished.wait(15000));
    QCOMPARE(finished.first().first().toBool(), true);
    QCOMPARE(panel.state(), DocumentQaPanel::State::Done);
    QVERIFY2(!panel.statusIsError(), qPrintable(panel.statusText()));
    QCOMPARE(panel.response(), kResponse);
    QCOMPARE(panel.trace()->thinkingEdit()->toPlainText(), q(kThink));
    QCOMPARE(panel.trace()->answerEdit()->toPlainText(), q(kAnswer));
    // The model's answer is offered as the ground truth.
    QCOMPARE(panel.groundTruthEdit()->text(), QStringLiteral("Port Ellery"));
    QVERIFY(panel.askButton()->isEnabled());
    QVERIFY(!panel.stopButton()->isEnabled());

    // What was sent: the recipe's prompt as the single user message, with the key.
    const auto reqs = server.requests();
    QCOMPARE(reqs.size(), std::size_t(1));
    QCOMPARE(reqs[0].json["messages"].size(), std::size_t(1));
    QCOMPARE(reqs[0].json["messages"][0]["content"].get<std::string>(),
             longrl::dataset::PromptTemplate::build(doc, kQuestion));
    QCOMPARE(reqs[0].json.value("stream", false), true);
    QCOMPARE(q(reqs[0].authorization), QStringLiteral("Bearer sk-local"));

    // Grounding: both quoted passages are highlighted on both sides.
    QVERIFY(highlights.count() > 0 || highlights.wait(10000));
    QVERIFY2(highlights.last().first().toInt() >= 2, qPrintable(QString::number(highlights.last().first().toInt())));
    const auto& links = panel.trace()->links();
    const QString docText = panel.trace()->documentEdit()->toPlainText();
    const QString think = panel.trace()->thinkingEdit()->toPlainText();
    bool aurora = false, saffron = false;
    for (const auto& l : links) {
      const QString inDoc = docText.mid(l.docBegin, l.docEnd - l.docBegin);
      aurora |= inDoc.contains(QStringLiteral("brightest aurora"));
      saffron |= inDoc.contains(QStringLiteral("undeclared saffron"));
      QVERIFY(!think.mid(l.traceBegin, l.traceEnd - l.traceBegin).isEmpty());
    }
    QVERIFY(aurora && saffron);
    QCOMPARE(panel.trace()->documentEdit()->extraSelections().size(), int(links.size()));
    QCOMPARE(panel.trace()->thinkingEdit()->extraSelections().size(), int(links.size()));

    // Clicking the aurora passage in the trace scrolls the document to section 27.
    int target = -1;
    for (int i = 0; i < int(links.size()); ++i)
      if (docText.mid(links[i].docBegin, links[i].docEnd - links[i].docBegin).contains(QStringLiteral("aurora")))
        target = i;
    QVERIFY(target >= 0);
    const auto& l = links[std::size_t(target)];
    QPlainTextEdit* thinkEdit = panel.trace()->thinkingEdit();
    QTextCursor tc(thinkEdit->document());
    tc.setPosition((l.traceBegin + l.traceEnd) / 2);
    const QPoint at = thinkEdit->cursorRect(tc).center();
    const int before = panel.trace()->documentEdit()->verticalScrollBar()->value();
    QTest::mouseClick(thinkEdit->viewport(), Qt::LeftButton, {}, at);
    QCOMPARE(panel.trace()->activeLink(), target);
    QCOMPARE(panel.trace()->documentEdit()->textCursor().position(), l.docBegin);
    QVERIFY(panel.trace()->documentEdit()->verticalScrollBar()->value() > before);
    QVERIFY(panel.trace()->documentEdit()->viewport()->rect().contains(
        panel.trace()->documentEdit()->cursorRect().center()));

    if (qEnvironmentVariableIsSet("LONGRL_SCREENSHOT_DIR"))
      panel.grab().save(qEnvironmentVariable("LONGRL_SCREENSHOT_DIR") + QStringLiteral("/document-qa.png"));
  }

  void saveAppendsToTheDataset() {
    FakeOpenAIServer server;
    server.setDefault(Behaviour::streamed(kResponse, 64));
    const std::string dir = longrl::test::freshTempDir("docqa-save");
    const std::string path = dir + "/hard.jsonl";
    // An existing dataset whose last line has no newline: kept byte for byte, not glued to.
    const std::string existing =
        R"({"data_source":"musique","document":"d","question":"q","answer":"a"})"
        "\n"
        R"({"prompt":[{"role":"user","content":"x"}],"data_source":"docmath","reward_model":{"ground_truth":"1"}})";
    writeFile(path, existing);

    DocumentQaPanel panel;
    const std::string doc = reportDocument(12);
    panel.setDocument(QStringLiteral("short.txt"), doc);
    panel.setEndpoint(q(server.baseUrl()), QStringLiteral("m"));
    panel.setQuestion(q(kQuestion));
    QVERIFY(!panel.saveExample());  // no ground truth, no file yet
    QVERIFY(panel.statusIsError());
    QSignalSpy finished(&panel, &DocumentQaPanel::answerFinished);
    panel.ask();
    QVERIFY(finished.wait(10000));
    panel.groundTruthEdit()->setText(QStringLiteral("Port Ellery lighthouse"));  // the user corrects it
    panel.dataSourceCombo()->setCurrentText(QStringLiteral("multihoprag"));
    panel.datasetPathEdit()->setText(q(path));
    QVERIFY(panel.saveButton()->isEnabled());
    QSignalSpy saved(&panel, &DocumentQaPanel::exampleSaved);
    QTest::mouseClick(panel.saveButton(), Qt::LeftButton);
    QCOMPARE(saved.count(), 1);
    QVERIFY2(!panel.statusIsError(), qPrintable(panel.statusText()));
    panel.dataSourceCombo()->setCurrentText(QStringLiteral("docmath"));
    QVERIFY(panel.saveExample());

    const std::string after = longrl::test::fileBytes(path);
    QVERIFY(after.rfind(existing, 0) == 0);  // the old content is untouched
    const auto read = longrl::dataset::DatasetReader::readFile(path);
    QCOMPARE(read.records.size(), std::size_t(4));
    const auto& r = read.records[2];
    QCOMPARE(q(r.dataSource), QStringLiteral("multihoprag"));
    QCOMPARE(r.document, doc);
    QCOMPARE(r.question, kQuestion);
    QCOMPARE(r.groundTruth, std::vector<std::string>{"Port Ellery lighthouse"});
    QCOMPARE(r.promptText, longrl::dataset::PromptTemplate::build(doc, kQuestion));
    QCOMPARE(q(r.extraInfo.value("model", "")), QStringLiteral("m"));
    QCOMPARE(q(r.extraInfo.value("model_answer", "")), q(kAnswer));
    QCOMPARE(q(read.records[3].dataSource), QStringLiteral("docmath"));

    // A file in a missing folder is refused with its reason; nothing is created.
    panel.datasetPathEdit()->setText(q(dir + "/no/such/dir/x.jsonl"));
    QVERIFY(!panel.saveExample());
    QVERIFY(panel.statusText().contains(QStringLiteral("does not exist")));
  }

  void endpointDownIsAClearError() {
    DocumentQaPanel panel;
    const int port = longrl::test::unusedLoopbackPort();
    panel.setDocument(QStringLiteral("d.txt"), reportDocument(3));
    panel.setEndpoint(QStringLiteral("http://127.0.0.1:%1/v1").arg(port), QStringLiteral("m"));
    panel.setQuestion(QStringLiteral("Anything?"));
    QSignalSpy finished(&panel, &DocumentQaPanel::answerFinished);
    panel.ask();
    QVERIFY(finished.count() == 1 || finished.wait(10000));
    QCOMPARE(finished.first().first().toBool(), false);
    QCOMPARE(panel.state(), DocumentQaPanel::State::Failed);
    QVERIFY(panel.statusIsError());
    QVERIFY2(panel.statusText().contains(QStringLiteral("connection refused")), qPrintable(panel.statusText()));
    QVERIFY2(panel.statusText().contains(QString::number(port)), qPrintable(panel.statusText()));
    QVERIFY(panel.askButton()->isEnabled());  // can retry
    QVERIFY(!panel.stopButton()->isEnabled());
  }

  void httpErrorAndBadStreamAreShown() {
    FakeOpenAIServer server;
    server.enqueue(
        Behaviour::httpStatus(400,
                              R"({"error":{"message":"prompt is 131072 tokens, more than max_model_len 32768"}})"));
    server.enqueue(
        Behaviour::rawStream("data: {\"choices\":[{\"delta\":{\"content\":\"<think>ok\"}}]}\n\ndata: {oops\n\n"));
    DocumentQaPanel panel;
    panel.setDocument(QStringLiteral("d.txt"), reportDocument(3));
    panel.setEndpoint(q(server.baseUrl()), QStringLiteral("m"));
    panel.setQuestion(QStringLiteral("Anything?"));
    QSignalSpy finished(&panel, &DocumentQaPanel::answerFinished);
    panel.ask();
    QVERIFY(finished.wait(10000));
    QVERIFY(panel.statusIsError());
    QVERIFY2(panel.statusText().contains(QStringLiteral("HTTP 400")) &&
                 panel.statusText().contains(QStringLiteral("max_model_len 32768")),
             qPrintable(panel.statusText()));
    panel.ask();
    QVERIFY(finished.wait(10000));
    QVERIFY2(panel.statusText().contains(QStringLiteral("malformed stream")), qPrintable(panel.statusText()));
    QCOMPARE(panel.response(), std::string("<think>ok"));  // what arrived stays visible
    QCOMPARE(panel.trace()->thinkingEdit()->toPlainText(), QStringLiteral("ok"));
  }

  void stopKeepsWhatArrived() {
    FakeOpenAIServer server;
    server.setDefault(Behaviour::streamed(kResponse, 4, 25));  // ~3 s in full
    DocumentQaPanel panel;
    panel.setDocument(QStringLiteral("d.txt"), reportDocument());
    panel.setEndpoint(q(server.baseUrl()), QStringLiteral("m"));
    panel.setQuestion(q(kQuestion));
    QSignalSpy finished(&panel, &DocumentQaPanel::answerFinished);
    panel.ask();
    QTRY_VERIFY_WITH_TIMEOUT(panel.response().size() > 30, 10000);
    QTest::mouseClick(panel.stopButton(), Qt::LeftButton);
    QCOMPARE(finished.count(), 1);
    QCOMPARE(finished.first().first().toBool(), false);
    QCOMPARE(panel.state(), DocumentQaPanel::State::Stopped);
    QVERIFY(!panel.statusIsError());
    QVERIFY(panel.statusText().startsWith(QStringLiteral("Stopped")));
    const std::string partial = panel.response();
    QVERIFY(partial.size() < kResponse.size());
    QVERIFY(kResponse.rfind(partial, 0) == 0);
    QTest::qWait(200);
    QCOMPARE(panel.response(), partial);  // nothing more arrives
    QVERIFY(panel.askButton()->isEnabled());
  }

  void memoryAgentReadsSectionByThenAnswersFromTheMemory() {
    // A 40-section report in sections of ~300 tokens (1,200 characters): one call per section, each
    // carrying the memory the reply before left (a malformed reply keeps it), then the answer.
    const std::string doc = reportDocument();
    const int sectionTokens = 300;
    const auto sections = longrl::ui::MemoryAgentDriver::sections(doc, sectionTokens);
    QVERIFY2(sections.size() >= 5, qPrintable(QString::number(sections.size())));
    FakeOpenAIServer server;
    const std::string m1 = "Nothing about an aurora yet.", m2 = "Port Ellery's keeper logged the brightest aurora.";
    for (size_t i = 0; i < sections.size(); ++i) {
      if (i == 0)
        server.enqueue(Behaviour::streamed("<memory>" + m1 + "</memory><plan>look for the aurora</plan>", 16, 5));
      else if (i == 1) server.enqueue(Behaviour::streamed("I am not sure what to keep.", 16));  // malformed
      else if (i == 2) server.enqueue(Behaviour::streamed("<memory>" + m2 + "</memory>\n<plan>done</plan>", 16));
      else server.enqueue(Behaviour::streamed("<memory>" + m2 + "</memory><plan>done</plan>", 16));
    }
    server.setDefault(Behaviour::streamed(kResponse, 32));  // the final answer
    DocumentQaPanel panel;
    panel.resize(1400, 860);
    panel.show();
    panel.setDocument(QStringLiteral("report.txt"), doc);
    panel.setEndpoint(q(server.baseUrl()), QStringLiteral("m"));
    panel.setQuestion(q(kQuestion));
    panel.setMode(DocumentQaPanel::Mode::MemoryAgent, sectionTokens);
    QSignalSpy finished(&panel, &DocumentQaPanel::answerFinished);
    panel.ask();
    QCOMPARE(panel.state(), DocumentQaPanel::State::ReadingSections);
    QVERIFY(panel.stopButton()->isEnabled());
    QVERIFY(!panel.modeCombo()->isEnabled());
    QTRY_VERIFY_WITH_TIMEOUT(panel.sectionProgress()->isVisible(), 5000);
    QCOMPARE(panel.sectionProgress()->maximum(), int(sections.size()));
    QVERIFY(panel.statusText().contains(QStringLiteral("Reading section")));
    if (qEnvironmentVariableIsSet("LONGRL_SCREENSHOT_DIR")) {
      QTRY_VERIFY_WITH_TIMEOUT(panel.memorySteps()->steps() >= 1, 5000);
      panel.grab().save(qEnvironmentVariable("LONGRL_SCREENSHOT_DIR") + QStringLiteral("/document-qa-memory.png"));
    }
    QVERIFY(finished.wait(30000));
    QVERIFY2(finished.first().first().toBool(), qPrintable(panel.statusText()));
    QCOMPARE(panel.response(), kResponse);
    QVERIFY(!panel.sectionProgress()->isVisible());

    const auto reqs = server.requests();
    QCOMPARE(reqs.size(), sections.size() + 1);
    std::string memory, plan;
    for (size_t i = 0; i < sections.size(); ++i) {
      const auto& sec = sections[i];
      QCOMPARE(reqs[i].json["messages"][0]["content"].get<std::string>(),
               longrl::memory::MemoryPrompt::section(kQuestion, memory, plan,
                                                     doc.substr(sec.begin, sec.end - sec.begin), int(i),
                                                     int(sections.size())));
      QCOMPARE(reqs[i].json.value("max_tokens", 0), 1024);
      if (i == 0) memory = m1, plan = "look for the aurora";
      if (i >= 2) memory = m2, plan = "done";  // reply 1 was malformed: its memory stays m1
    }
    QCOMPARE(reqs.back().json["messages"][0]["content"].get<std::string>(),
             longrl::memory::MemoryPrompt::final(kQuestion, m2));
    QVERIFY(!reqs.back().json.contains("max_tokens"));
    // The steps, the malformed one marked, and the answer as the last step.
    auto* steps = panel.memorySteps();
    QCOMPARE(steps->steps(), int(sections.size()));
    QVERIFY(steps->header()->text().contains(QStringLiteral("1 malformed")));
    steps->showStep(steps->steps());
    QCOMPARE(steps->replyEdit()->toPlainText(), q(kResponse));
    QCOMPARE(panel.groundTruthEdit()->text(), QStringLiteral("Port Ellery"));

    // Stop while reading: what was read stays in the steps, nothing more is asked.
    server.enqueue(Behaviour::streamed("<memory>" + m1 + "</memory>", 2, 200));
    QSignalSpy stopped(&panel, &DocumentQaPanel::answerFinished);
    panel.ask();
    QCOMPARE(panel.state(), DocumentQaPanel::State::ReadingSections);
    QTest::qWait(100);
    QTest::mouseClick(panel.stopButton(), Qt::LeftButton);
    QCOMPARE(stopped.count(), 1);
    QCOMPARE(panel.state(), DocumentQaPanel::State::Stopped);
    QVERIFY(panel.statusText().startsWith(QStringLiteral("Stopped")));
    QTest::qWait(200);
    QCOMPARE(server.requestCount(), sections.size() + 2);
    QVERIFY(panel.askButton()->isEnabled());
    // The mode is a setting: the next panel opens in it (memoryModeIsASetting).
    panel.setMode(DocumentQaPanel::Mode::MemoryAgent);
  }

  void memoryModeIsASetting() {  // runs after the test above, which left the memory agent chosen
    {
      DocumentQaPanel reopened;
      QCOMPARE(reopened.mode(), DocumentQaPanel::Mode::MemoryAgent);
      reopened.setMode(DocumentQaPanel::Mode::WholeDocument);
    }
    DocumentQaPanel again;
    QCOMPARE(again.mode(), DocumentQaPanel::Mode::WholeDocument);
  }

  void localModelDirStartsLongrlServe() {
    FakeOpenAIServer server;
    server.setDefault(Behaviour::streamed(kResponse, 32));
    const std::string dir = longrl::test::freshTempDir("docqa-local");
    const std::string modelDir = dir + "/tiny-model";
    QDir().mkpath(q(modelDir));
    const std::string program = writeFakeServeScript(dir, {server.baseUrl()});
    qint64 pid = 0;
    {
      DocumentQaPanel panel;
      panel.setLongrlProgram(q(program));
      panel.setDocument(QStringLiteral("d.txt"), reportDocument());
      panel.setLocalModel(q(modelDir));
      panel.setQuestion(q(kQuestion));
      QSignalSpy done(&panel, &DocumentQaPanel::answerFinished);
      panel.ask();
      QCOMPARE(panel.state(), DocumentQaPanel::State::StartingServer);
      QVERIFY(panel.stopButton()->isEnabled());
      QVERIFY(done.wait(15000));
      QVERIFY2(done.first().first().toBool(), qPrintable(panel.statusText()));
      QCOMPARE(panel.response(), kResponse);
      QCOMPARE(panel.localServer()->state(), longrl::ui::LocalModelServer::State::Ready);
      QCOMPARE(panel.localServer()->modelName(), QStringLiteral("tiny-model"));
      const auto reqs = server.requests();
      QCOMPARE(q(reqs.back().json.value("model", "")), QStringLiteral("tiny-model"));
      QCOMPARE(QString::fromStdString(longrl::test::fileBytes(dir + "/args.txt")).trimmed(),
               QStringLiteral("serve --model %1 --host 127.0.0.1 --port 0").arg(q(modelDir)));
      // A second question reuses the running server.
      panel.ask();
      QVERIFY(done.wait(15000));
      QCOMPARE(server.requestCount(), std::size_t(2));
      pid = panel.findChild<QProcess*>() ? panel.findChild<QProcess*>()->processId() : 0;
      QVERIFY(pid > 0);
    }
    // The panel's end stops the server process.
    QVERIFY(!QFileInfo::exists(QStringLiteral("/proc/%1").arg(pid)));
  }

  void localServeFailureIsShown() {
    const std::string dir = longrl::test::freshTempDir("docqa-local-fail");
    const std::string modelDir = dir + "/broken-model";
    QDir().mkpath(q(modelDir));
    DocumentQaPanel panel;
    panel.setLongrlProgram(q(writeFakeServeScript(dir, {"", true})));
    panel.setDocument(QStringLiteral("d.txt"), reportDocument(3));
    panel.setLocalModel(q(modelDir));
    panel.setQuestion(QStringLiteral("Anything?"));
    QSignalSpy done(&panel, &DocumentQaPanel::answerFinished);
    panel.ask();
    QVERIFY(done.wait(10000));
    QVERIFY(panel.statusIsError());
    QVERIFY2(panel.statusText().contains(QStringLiteral("exited with code 3")) &&
                 panel.statusText().contains(QStringLiteral("no config.json")),
             qPrintable(panel.statusText()));
    // A directory that does not exist fails before anything starts.
    panel.setLocalModel(q(dir + "/missing"));
    panel.ask();
    QCOMPARE(done.count(), 2);
    QVERIFY(panel.statusText().contains(QStringLiteral("does not exist")));
  }

  void fitsASmallScreen() {
    // Issue 29: a 1366x768 screen with the runs dock beside it leaves about 600 px for the panel.
    DocumentQaPanel panel;
    panel.setDocument(QStringLiteral("harbours-report.txt"), reportDocument(3));
    panel.setEndpoint(QStringLiteral("http://127.0.0.1:8000/v1"), QStringLiteral("qwenlong-l1-32b"));
    QVERIFY2(panel.minimumSizeHint().width() <= 600, qPrintable(QString::number(panel.minimumSizeHint().width())));
    QVERIFY2(panel.minimumSizeHint().height() <= 600, qPrintable(QString::number(panel.minimumSizeHint().height())));
    panel.setMode(DocumentQaPanel::Mode::Compress);  // the compressor's fields in the mode's row
    panel.setCompressor(QStringLiteral("/models/a-compressor-trained-for-the-harbour-reports"));
    QVERIFY2(panel.minimumSizeHint().width() <= 600, qPrintable(QString::number(panel.minimumSizeHint().width())));
    QVERIFY2(panel.minimumSizeHint().height() <= 600, qPrintable(QString::number(panel.minimumSizeHint().height())));
    panel.setMode(DocumentQaPanel::Mode::WholeDocument);
  }

  void mainWindowHasADocumentQaTab() {
    longrl::ui::MainWindow window;
    DocumentQaPanel* panel = window.documentQa();
    QVERIFY(panel);
    auto* tabs = qobject_cast<QTabWidget*>(window.centralWidget());
    QVERIFY(tabs);
    QVERIFY(tabs->indexOf(panel) >= 0);
    QAction* action = nullptr;
    for (QAction* a : window.findChildren<QAction*>())
      if (a->text().remove('&') == QStringLiteral("Document QA…")) action = a;
    QVERIFY(action);
    panel->setDocument(QStringLiteral("d.txt"), "text");  // else the action asks for a file (a modal dialog)
    action->trigger();
    QCOMPARE(tabs->currentWidget(), panel);
  }
};

QTEST_MAIN(TestDocumentQaPanel)
#include "TestDocumentQaPanel.moc"
