#include <QtTest/QtTest>

#include <QPlainTextEdit>
#include <QScrollBar>

#include "support/SyntheticRollouts.h"
#include "viewers/document/DocumentTraceView.h"
#include "viewers/document/KeptSpanMarks.h"
#include "viewers/document/ResponseParts.h"
#include "viewers/document/Utf16Offsets.h"

using longrl::viewers::DocumentTraceView;
using longrl::viewers::KeptSpanMarks;
using longrl::viewers::ResponseParts;
using longrl::viewers::Utf16Offsets;

class TestDocumentTraceView : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void utf8OffsetsBecomeQStringPositions() {
    // a (1 byte), é (2), 東 (3), 🚀 (4 bytes, 2 UTF-16 units), b
    const std::string s =
        "a\xC3\xA9\xE6\x9D\xB1\xF0\x9F\x9A\x80"
        "b";
    const QString q = QString::fromUtf8(s.data(), qsizetype(s.size()));
    QCOMPARE(q.size(), 6);
    const auto pos = Utf16Offsets::fromUtf8(s, {0, 1, 3, 6, 10, 11, 99, 2, 7});
    // Offsets in the middle of a code point map to its start; past the end to the end.
    const std::vector<int> expected = {0, 1, 2, 3, 5, 6, 6, 1, 3};
    QCOMPARE(pos, expected);
    QCOMPARE(q.mid(pos[4], 1), QStringLiteral("b"));
    QCOMPARE(q.mid(pos[3], 2), QString::fromUtf8("\xF0\x9F\x9A\x80"));
    // A broken sequence decodes as one U+FFFD per bad byte, as Qt does.
    const std::string bad =
        "x\xE6\x9D"
        "y";
    const QString qb = QString::fromUtf8(bad.data(), qsizetype(bad.size()));
    const auto pb = Utf16Offsets::fromUtf8(bad, {3});
    QCOMPARE(qb.mid(pb[0], 1), QStringLiteral("y"));
  }

  void responseSplitKeepsByteRanges() {
    const std::string r = "<think>\n  reason here \n</think>\n\nThe answer is 4. ";
    const auto p = ResponseParts::split(r);
    QVERIFY(p.closed);
    QCOMPARE(r.substr(p.thinkBegin, p.thinkEnd - p.thinkBegin), std::string("reason here"));
    QCOMPARE(r.substr(p.answerBegin, p.answerEnd - p.answerBegin), std::string("The answer is 4."));
    const auto open = ResponseParts::split("<think>still thinking");
    QVERIFY(!open.closed);
    QCOMPARE(open.answerBegin, open.answerEnd);
    QCOMPARE(open.thinkBegin, std::size_t(7));
    // The LAST </think> ends the thinking.
    const std::string twice = "a</think>b</think>c";
    const auto t = ResponseParts::split(twice);
    QCOMPARE(twice.substr(t.thinkBegin, t.thinkEnd - t.thinkBegin), std::string("a</think>b"));
    QCOMPARE(twice.substr(t.answerBegin), std::string("c"));
  }

  void keptSpansShadeTheDocumentByScore() {
    DocumentTraceView view;
    const std::string doc = "\xC3\x89t\xC3\xA9 \xF0\x9F\x9A\x80 one. Two three. Four.";  // é (2), 🚀 (4 bytes)
    const std::size_t b = doc.find("Two"), e = doc.find("three.") + 6;
    DocumentTraceView::Content c;
    c.document = doc;
    c.keptSpans = {{{b, e}, 0.8, 0.6}, {{doc.size() - 2, doc.size() + 4}, 0.9, 0.9}};  // the second: past the end
    c.keptSummary = QStringLiteral("1 span kept");
    view.setContent(c);
    QCOMPARE(view.keptMarks().size(), std::size_t(1));
    const auto& m = view.keptMarks()[0];
    QCOMPARE(view.documentEdit()->toPlainText().mid(m.begin, m.end - m.begin), QStringLiteral("Two three."));
    QVERIFY(view.keptTooltipAt(m.begin).contains(QStringLiteral("0.80")));
    QVERIFY(view.keptTooltipAt(m.end).isEmpty());
    QVERIFY(view.documentTitle().contains(QStringLiteral("1 span kept")));
    QVERIFY(KeptSpanMarks::color(0.9).lightness() < KeptSpanMarks::color(0.2).lightness());
    view.clear();
    QVERIFY(view.keptMarks().empty());
    QVERIFY(!view.documentTitle().contains(QStringLiteral("kept")));
  }

  void highlightsLinkTraceToDocument() {
    DocumentTraceView view;
    view.resize(1200, 700);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    DocumentTraceView::Content c;
    c.title = QStringLiteral("Harbour ledger");
    c.document = longrl::test::syntheticDocument(20000, 11);  // accents, CJK and emoji before the quotes
    c.response = longrl::test::syntheticResponse(c.document, 4, 5, "canal42");
    c.question = QStringLiteral("Which ledger entry matters?");
    c.groundTruth = QStringLiteral("canal42");
    QSignalSpy ready(&view, &DocumentTraceView::alignmentReady);
    view.setContent(c);
    QVERIFY(ready.wait(10000));
    const auto& links = view.links();
    QVERIFY2(links.size() >= 4, qPrintable(QString::number(links.size())));
    const QString doc = view.documentEdit()->toPlainText();
    const QString think = view.thinkingEdit()->toPlainText();
    QVERIFY(think.startsWith(QStringLiteral("Let me find")));  // <think> is not shown as text
    QVERIFY(view.answerEdit()->toPlainText().startsWith(QStringLiteral("Therefore")));
    for (const auto& l : links) {
      QVERIFY(!l.inAnswer);
      // The quotes are verbatim: both highlighted ranges hold the same words (positions right
      // after non-ASCII text prove the UTF-8 -> UTF-16 conversion).
      const QString inDoc = doc.mid(l.docBegin, l.docEnd - l.docBegin).simplified();
      const QString inTrace = think.mid(l.traceBegin, l.traceEnd - l.traceBegin).simplified();
      QCOMPARE(inTrace, inDoc);
      QVERIFY(inDoc.split(QLatin1Char(' ')).size() >= 6);
    }
    QCOMPARE(view.documentEdit()->extraSelections().size(), int(links.size()));
    QCOMPARE(view.thinkingEdit()->extraSelections().size(), int(links.size()));

    // Click inside the last passage of the trace: the document scrolls to its source.
    const auto& target = links.back();
    QTextCursor tc(view.thinkingEdit()->document());
    tc.setPosition((target.traceBegin + target.traceEnd) / 2);
    view.thinkingEdit()->ensureCursorVisible();
    const QPoint at = view.thinkingEdit()->cursorRect(tc).center();
    const int before = view.documentEdit()->verticalScrollBar()->value();
    QTest::mouseClick(view.thinkingEdit()->viewport(), Qt::LeftButton, {}, at);
    QCOMPARE(view.activeLink(), int(links.size() - 1));
    QCOMPARE(view.documentEdit()->textCursor().position(), target.docBegin);
    const QRect shown = view.documentEdit()->viewport()->rect();
    QVERIFY(shown.contains(view.documentEdit()->cursorRect().center()));
    QVERIFY(view.documentEdit()->verticalScrollBar()->value() != before);  // the source is far down
    // Clicking outside every passage changes nothing.
    QVERIFY(!view.followTrace(false, 0));
    // And back: a position in the document's passage scrolls the trace to its quote.
    QVERIFY(view.followDocument(links.front().docBegin + 1));
    QCOMPARE(view.activeLink(), 0);
    QCOMPARE(view.thinkingEdit()->textCursor().position(), links.front().traceBegin);

    if (qEnvironmentVariableIsSet("LONGRL_SCREENSHOT_DIR"))
      view.grab().save(qEnvironmentVariable("LONGRL_SCREENSHOT_DIR") + QStringLiteral("/document-trace.png"));
  }

  void newContentDropsOldAlignment() {
    DocumentTraceView view;
    DocumentTraceView::Content a;
    a.document = longrl::test::syntheticDocument(5000, 1);
    a.response = longrl::test::syntheticResponse(a.document, 3, 2, "x");
    DocumentTraceView::Content b;
    b.document = "nothing in common here at all, none whatsoever";
    b.response = "<think>unrelated words only</think>42";
    QSignalSpy ready(&view, &DocumentTraceView::alignmentReady);
    view.setContent(a);
    view.setContent(b);  // before a's alignment is back
    QVERIFY(ready.wait(10000));
    QTest::qWait(50);
    QCOMPARE(ready.count(), 1);
    QVERIFY(view.links().empty());
    QCOMPARE(view.answerEdit()->toPlainText(), QStringLiteral("42"));
  }

  // DeepSeek-R1-Distill's prompt ends in "<think>\n": its responses, stored as generated, have no
  // opening tag. The panes, and the passages linked to the document, are those of the tagged form.
  void openedThinkingResponseSplitsAsTagged() {
    const std::string document = longrl::test::syntheticDocument(8000, 3);
    const std::string tagged = longrl::test::syntheticResponse(document, 3, 9, "canal42");
    QVERIFY(tagged.rfind("<think>\n", 0) == 0);
    const std::string opened = tagged.substr(8);
    const auto a = ResponseParts::split(opened), b = ResponseParts::split(tagged);
    QVERIFY(a.closed);
    QCOMPARE(opened.substr(a.thinkBegin, a.thinkEnd - a.thinkBegin),
             tagged.substr(b.thinkBegin, b.thinkEnd - b.thinkBegin));
    QCOMPARE(opened.substr(a.answerBegin), tagged.substr(b.answerBegin));
    std::vector<QString> panes[2];
    std::vector<std::pair<int, int>> links[2];
    for (int k = 0; k < 2; ++k) {
      DocumentTraceView view;
      DocumentTraceView::Content c;
      c.document = document;
      c.response = k == 0 ? opened : tagged;
      QSignalSpy ready(&view, &DocumentTraceView::alignmentReady);
      view.setContent(c);
      QVERIFY(ready.wait(10000));
      panes[k] = {view.thinkingEdit()->toPlainText(), view.answerEdit()->toPlainText()};
      for (const auto& l : view.links()) links[k].push_back({l.traceBegin, l.docBegin});
    }
    QVERIFY(panes[0][0].startsWith(QStringLiteral("Let me find")));
    QCOMPARE(panes[0][1], QStringLiteral("Therefore, the answer is canal42."));
    QCOMPARE(panes[0], panes[1]);
    QVERIFY(links[0].size() >= 3);
    QCOMPARE(links[0], links[1]);
    // Unfinished: all of it is thinking, no answer.
    const auto cut = ResponseParts::split("  weighing the text");
    QVERIFY(!cut.closed);
    QCOMPARE(cut.thinkBegin, std::size_t(2));
    QCOMPARE(cut.answerBegin, cut.answerEnd);
  }

  void noThinkEndMeansNoAnswer() {
    DocumentTraceView view;
    DocumentTraceView::Content c;
    c.document = "short";
    c.response = "<think>ran out of tokens";
    view.setContent(c);
    QCOMPARE(view.thinkingEdit()->toPlainText(), QStringLiteral("ran out of tokens"));
    QVERIFY(view.answerEdit()->toPlainText().isEmpty());
    QVERIFY(view.answerEdit()->placeholderText().contains(QStringLiteral("no </think>")));
  }
};

QTEST_MAIN(TestDocumentTraceView)
#include "TestDocumentTraceView.moc"
