// Document QA's "Compress first" mode: the panel runs `longrl compress --json` (a stand-in script
// here) on the document, shades the kept spans by score and sends the endpoint only the kept text.
#include <QtTest/QtTest>

#include <QComboBox>
#include <QDoubleSpinBox>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>

#include "DocumentQaFixture.h"
#include "core/cprs/Compression.h"
#include "core/dataset/DatasetReader.h"
#include "core/dataset/PromptTemplate.h"
#include "support/FakeOpenAIServer.h"
#include "support/TestPaths.h"
#include "ui/docqa/CompressorProcess.h"
#include "ui/docqa/DocumentQaPanel.h"
#include "viewers/document/DocumentTraceView.h"
#include "viewers/document/KeptSpanMarks.h"

using longrl::test::FakeOpenAIServer;
using longrl::ui::DocumentQaPanel;
using Behaviour = FakeOpenAIServer::Behaviour;
using namespace longrl::test::docqa;

namespace {

// Writes DIR/longrl, a stand-in for `longrl compress --json`: it records its arguments (one a line)
// in DIR/compress-args.txt and its stdin in DIR/compress-stdin.txt, then prints `json` (what the
// real command prints: Compression::toJson), or fails as a directory without a model does, or
// hangs (to be stopped).
enum class FakeCompress { Prints, Fails, Hangs };
std::string writeFakeCompressScript(const std::string& dir, FakeCompress how, const std::string& json = "") {
  writeFile(dir + "/compress-out.json", json);
  std::string body =
      "#!/bin/sh\nprintf '%s\\n' \"$@\" > '" + dir + "/compress-args.txt'\ncat > '" + dir + "/compress-stdin.txt'\n";
  if (how == FakeCompress::Fails)
    body += "echo \"loading $3\" >&2\necho \"error: $3/model.safetensors: No such file or directory\" >&2\nexit 2\n";
  else if (how == FakeCompress::Hangs) body += "exec sleep 60\n";
  else body += "cat '" + dir + "/compress-out.json'\n";
  const std::string path = dir + "/longrl";
  writeFile(path, body);
  QFile::setPermissions(q(path), QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner);
  return path;
}

// The report behind a title with characters of 2, 3 and 4 bytes (the last two UTF-16 units), so
// that byte offsets and widget positions differ.
std::string compressDocument() { return "Rapport — Hafenbehörde 🚢\n\n" + reportDocument(); }

// What the stand-in keeps: two sentences of section 27, the second scored higher.
longrl::cprs::Compression keptOf(const std::string& doc) {
  longrl::cprs::Compression c;
  const std::string s1 = "Section 27. The harbour of ";
  const std::string s2 = "The lighthouse keeper of Port Ellery, Agnes Morrow,";
  const std::size_t b1 = doc.find(s1), b2 = doc.find(s2);
  const std::size_t e1 = doc.find(". ", b1 + 12) + 1, e2 = doc.find("shoal.", b2) + 6;
  c.spans = {{{b1, e1}, 0.62, 0.55}, {{b2, e2}, 0.93, 0.71}};
  for (const auto& k : c.spans) c.keptBytes += k.span.size();
  c.text = doc.substr(b1, e1 - b1) + " " + doc.substr(b2, e2 - b2);
  c.documentBytes = doc.size();
  return c;
}
}  // namespace

class TestDocumentQaCompress : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void initTestCase() {
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName("longrl-tests");
    QCoreApplication::setApplicationName("TestDocumentQaCompress");
    QSettings().clear();
  }

  void compressFirstSendsOnlyTheKeptText() {
    FakeOpenAIServer server;
    server.setDefault(Behaviour::streamed(kResponse, 16, 20));  // ~0.6 s
    const std::string dir = longrl::test::freshTempDir("docqa-compress");
    const std::string compressor = dir + "/cprs-model";
    QDir().mkpath(q(compressor));
    const std::string doc = compressDocument();
    const auto kept = keptOf(doc);
    DocumentQaPanel panel;
    panel.resize(1400, 860);
    panel.show();
    QVERIFY(QTest::qWaitForWindowExposed(&panel));
    panel.setLongrlProgram(q(writeFakeCompressScript(dir, FakeCompress::Prints, kept.toJson(doc).dump())));
    panel.setDocument(QStringLiteral("harbours-report.txt"), doc);
    panel.setEndpoint(q(server.baseUrl()), QStringLiteral("qwenlong-l1-32b"));
    panel.setQuestion(q(kQuestion));
    panel.setMode(DocumentQaPanel::Mode::Compress);
    QVERIFY(!panel.askButton()->isEnabled());  // no compressor yet
    panel.setCompressor(q(compressor), QStringLiteral("sentence"), 0.4);
    QVERIFY(panel.askButton()->isEnabled());
    QSignalSpy finished(&panel, &DocumentQaPanel::answerFinished);
    QSignalSpy highlights(&panel, &DocumentQaPanel::highlightsReady);
    panel.ask();
    QCOMPARE(panel.state(), DocumentQaPanel::State::Compressing);
    QVERIFY(panel.stopButton()->isEnabled());
    QVERIFY(!panel.thresholdSpin()->isEnabled());
    // The kept spans are shaded as soon as they are known, while the answer streams from them.
    QTRY_COMPARE_WITH_TIMEOUT(panel.state(), DocumentQaPanel::State::Streaming, 10000);
    QCOMPARE(panel.trace()->keptMarks().size(), kept.spans.size());
    QVERIFY2(panel.statusText().contains(QStringLiteral("compressed %1×").arg(kept.ratio(), 0, 'f', 1)),
             qPrintable(panel.statusText()));
    QVERIFY(finished.wait(15000));
    QVERIFY2(finished.first().first().toBool(), qPrintable(panel.statusText()));
    QCOMPARE(panel.response(), kResponse);

    // The compressor got the document and the question; the endpoint only the kept text.
    QCOMPARE(longrl::test::fileBytes(dir + "/compress-stdin.txt"), doc);
    QCOMPARE(q(longrl::test::fileBytes(dir + "/compress-args.txt")).split('\n', Qt::SkipEmptyParts),
             QStringList({"compress", "--model", q(compressor), "--query", q(kQuestion), "--granularity", "sentence",
                          "--threshold", "0.4", "--json"}));
    const auto reqs = server.requests();
    QCOMPARE(reqs.size(), std::size_t(1));
    const std::string prompt = reqs[0].json["messages"][0]["content"].get<std::string>();
    QCOMPARE(prompt, longrl::dataset::PromptTemplate::build(kept.text, kQuestion));
    QVERIFY(prompt.find("Agnes Morrow") != std::string::npos);
    QVERIFY(prompt.find("saffron") == std::string::npos);  // section 33, dropped
    QVERIFY(prompt.find("Section 26.") == std::string::npos);

    // The kept spans are shaded where they are, by score, under the grounding.
    QVERIFY(highlights.count() > 0 || highlights.wait(10000));
    const auto& marks = panel.trace()->keptMarks();
    QCOMPARE(marks.size(), kept.spans.size());
    const QString shown = panel.trace()->documentEdit()->toPlainText();
    for (std::size_t i = 0; i < marks.size(); ++i) {
      const auto& s = kept.spans[i].span;
      QCOMPARE(shown.mid(marks[i].begin, marks[i].end - marks[i].begin), q(doc.substr(s.begin, s.size())));
      QCOMPARE(marks[i].score, kept.spans[i].score);
    }
    QList<QColor> shades;  // the grounding over a kept span underlines it, leaving the shade
    const auto selections = panel.trace()->documentEdit()->extraSelections();
    for (const auto& m : marks) {
      QColor last;
      for (const auto& sel : selections)
        if (sel.cursor.selectionStart() == m.begin && sel.cursor.selectionEnd() == m.end)
          last = sel.format.hasProperty(QTextFormat::BackgroundBrush) ? sel.format.background().color() : last;
      shades << last;
    }
    QCOMPARE(shades.size(), 2);
    QCOMPARE(shades[0], longrl::viewers::KeptSpanMarks::color(0.62));
    QCOMPARE(shades[1], longrl::viewers::KeptSpanMarks::color(0.93));
    QVERIFY(shades[1].lightness() < shades[0].lightness());  // the higher score, the stronger
    const QString tip = panel.trace()->keptTooltipAt(marks[1].begin + 3);
    QVERIFY2(tip.contains(QStringLiteral("0.93")) && tip.contains(QStringLiteral("0.71")), qPrintable(tip));
    QVERIFY(panel.trace()->keptTooltipAt(marks[0].end + 1).isEmpty());
    const QString ratio = QString::number(kept.ratio(), 'f', 1);
    QVERIFY2(panel.trace()->documentTitle().contains(QStringLiteral("2 spans kept, %1×").arg(ratio)),
             qPrintable(panel.trace()->documentTitle()));
    if (qEnvironmentVariableIsSet("LONGRL_SCREENSHOT_DIR")) {
      QTextCursor c(panel.trace()->documentEdit()->document());
      c.setPosition(marks[0].begin);
      panel.trace()->documentEdit()->setTextCursor(c);
      panel.trace()->documentEdit()->centerCursor();
      panel.grab().save(qEnvironmentVariable("LONGRL_SCREENSHOT_DIR") + QStringLiteral("/document-qa-compressed.png"));
    }
    // The saved example keeps the whole document and says how the model saw it.
    panel.datasetPathEdit()->setText(q(dir + "/examples.jsonl"));
    QVERIFY2(panel.saveExample(), qPrintable(panel.statusText()));
    const auto read = longrl::dataset::DatasetReader::readFile(dir + "/examples.jsonl");
    QCOMPARE(read.records.size(), std::size_t(1));
    QCOMPARE(read.records[0].document, doc);
    QCOMPARE(read.records[0].extraInfo["compression"].value("granularity", ""), std::string("sentence"));
    QCOMPARE(read.records[0].extraInfo["compression"].value("ratio", 0.0), kept.ratio());
  }

  void failingCompressorIsShown() {
    FakeOpenAIServer server;
    server.setDefault(Behaviour::streamed(kResponse, 32));
    const std::string dir = longrl::test::freshTempDir("docqa-compress-fail");
    const std::string compressor = dir + "/not-a-model";
    QDir().mkpath(q(compressor));
    DocumentQaPanel panel;
    panel.setLongrlProgram(q(writeFakeCompressScript(dir, FakeCompress::Fails)));
    panel.setDocument(QStringLiteral("d.txt"), reportDocument(3));
    panel.setEndpoint(q(server.baseUrl()), QStringLiteral("m"));
    panel.setQuestion(q(kQuestion));
    panel.setMode(DocumentQaPanel::Mode::Compress);
    panel.setCompressor(q(compressor));
    QSignalSpy done(&panel, &DocumentQaPanel::answerFinished);
    panel.ask();
    QVERIFY(done.wait(10000));
    QCOMPARE(done.first().first().toBool(), false);
    QCOMPARE(panel.state(), DocumentQaPanel::State::Failed);
    QVERIFY(panel.statusIsError());
    QVERIFY2(panel.statusText().contains(QStringLiteral("exited with code 2")) &&
                 panel.statusText().contains(QStringLiteral("model.safetensors: No such file")),
             qPrintable(panel.statusText()));
    QCOMPARE(server.requestCount(), std::size_t(0));
    QVERIFY(panel.askButton()->isEnabled());

    // Output that is not the compressor's JSON names what is wrong.
    panel.setLongrlProgram(q(writeFakeCompressScript(dir, FakeCompress::Prints, R"({"spans": [], "text": ""})")));
    panel.ask();
    QVERIFY(done.wait(10000));
    QVERIFY2(panel.statusText().contains(QStringLiteral("no usable JSON")) &&
                 panel.statusText().contains(QStringLiteral("document_bytes")),
             qPrintable(panel.statusText()));
    // Nothing kept: nothing to ask about.
    longrl::cprs::Compression none;
    none.documentBytes = reportDocument(3).size();
    panel.setLongrlProgram(
        q(writeFakeCompressScript(dir, FakeCompress::Prints, none.toJson(reportDocument(3)).dump())));
    panel.ask();
    QVERIFY(done.wait(10000));
    QVERIFY2(panel.statusIsError() && panel.statusText().contains(QStringLiteral("kept nothing")),
             qPrintable(panel.statusText()));
    QVERIFY(panel.trace()->keptMarks().empty());
    // A missing directory fails before anything starts.
    panel.setCompressor(q(dir + "/missing"));
    panel.ask();
    QCOMPARE(done.count(), 4);
    QVERIFY(panel.statusText().contains(QStringLiteral("does not exist")));

    // A compressor that takes long can be stopped; nothing is asked.
    panel.setLongrlProgram(q(writeFakeCompressScript(dir, FakeCompress::Hangs)));
    panel.setCompressor(q(compressor));
    panel.ask();
    QCOMPARE(panel.state(), DocumentQaPanel::State::Compressing);
    QTest::qWait(100);
    QTest::mouseClick(panel.stopButton(), Qt::LeftButton);
    QCOMPARE(done.count(), 5);
    QCOMPARE(panel.state(), DocumentQaPanel::State::Stopped);
    QCOMPARE(server.requestCount(), std::size_t(0));
  }

  void compressOutputIsChecked() {
    using longrl::ui::CompressorProcess;
    const std::string doc = compressDocument();
    const auto kept = keptOf(doc);
    const auto c = CompressorProcess::parse(QByteArray::fromStdString(kept.toJson(doc).dump()), doc.size());
    QCOMPARE(c.spans.size(), kept.spans.size());
    QCOMPARE(c.spans[1].span.begin, kept.spans[1].span.begin);
    QCOMPARE(c.spans[1].mean, kept.spans[1].mean);
    QCOMPARE(c.text, kept.text);
    auto fails = [&](nlohmann::json j, const char* says) {
      try {
        CompressorProcess::parse(QByteArray::fromStdString(j.dump()), doc.size());
      } catch (const std::runtime_error& e) {
        QVERIFY2(std::string(e.what()).find(says) != std::string::npos, e.what());
        return;
      }
      QFAIL(says);
    };
    auto j = kept.toJson(doc);
    j["spans"][1]["end"] = doc.size() + 5;
    fails(j, "spans[1]");
    j = kept.toJson(doc);
    j["spans"][0].erase("score");
    fails(j, "spans[0]: no field \"score\"");
    j = kept.toJson(doc);
    j["document_bytes"] = 3;
    fails(j, "the document has");
    QVERIFY_THROWS_EXCEPTION(std::runtime_error, CompressorProcess::parse("not json", doc.size()));
  }

  void compressModeIsASetting() {  // runs after the tests above, which left compress mode chosen
    {
      DocumentQaPanel reopened;
      QCOMPARE(reopened.mode(), DocumentQaPanel::Mode::Compress);
      QVERIFY(reopened.compressorDirEdit()->text().endsWith(QStringLiteral("not-a-model")));
      QCOMPARE(reopened.granularityCombo()->currentText(), QStringLiteral("sentence"));
      reopened.setCompressor(reopened.compressorDirEdit()->text(), QStringLiteral("keyword"), 0.3);
    }
    DocumentQaPanel again;
    QCOMPARE(again.granularityCombo()->currentText(), QStringLiteral("keyword"));
    QCOMPARE(again.thresholdSpin()->value(), 0.3);
  }
};

QTEST_MAIN(TestDocumentQaCompress)
#include "TestDocumentQaCompress.moc"
