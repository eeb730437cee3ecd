#include <QtTest/QtTest>

#include <QPlainTextEdit>
#include <QTabWidget>

#include "core/behavior/BehaviorRecord.h"
#include "core/store/RunStore.h"
#include "core/store/RunStoreReader.h"
#include "support/Screenshot.h"
#include "support/SyntheticBehaviors.h"
#include "support/SyntheticRollouts.h"
#include "support/TestPaths.h"
#include "viewers/document/BehaviorMarks.h"
#include "viewers/document/DocumentTraceView.h"
#include "viewers/document/RolloutDetailView.h"
#include "viewers/judge/BehaviorRecordsView.h"
#include "viewers/judge/JudgePanel.h"

using longrl::behavior::BehaviorKind;
using longrl::behavior::BehaviorSpan;
using longrl::viewers::BehaviorMarks;
using longrl::viewers::DocumentTraceView;

namespace {

// A span over the line holding `cue`, the cue itself as its cue (byte offsets, as the classifier
// writes them).
BehaviorSpan spanOf(const std::string& text, const std::string& cue, BehaviorKind kind) {
  const std::size_t at = text.find(cue);
  const std::size_t begin = text.rfind('\n', at) + 1;
  return {begin, text.find('\n', at), kind, at, at + cue.size()};
}

// The extra selection of `edit` covering exactly [begin, end), or nullptr.
const QTextEdit::ExtraSelection* selectionAt(const QList<QTextEdit::ExtraSelection>& all, int begin, int end,
                                             bool withBackground) {
  for (const auto& s : all)
    if (s.cursor.selectionStart() == begin && s.cursor.selectionEnd() == end &&
        s.format.hasProperty(QTextFormat::BackgroundBrush) == withBackground)
      return &s;
  return nullptr;
}

}  // namespace

class TestBehaviorMarks : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  // Steps after non-ASCII text (é: 2 bytes, 東: 3, 🚀: 4 bytes and 2 UTF-16 units) land on their
  // words in the widget, each in its behaviour's colour, beside the grounding highlights.
  void stepsAreMarkedAtTheirCharacters() {
    DocumentTraceView view;
    view.resize(1200, 700);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    DocumentTraceView::Content c;
    c.document = longrl::test::syntheticDocument(3000, 4);
    const std::string quoted = longrl::test::syntheticResponse(c.document, 2, 8, "canal42");
    const std::string think = quoted.substr(0, quoted.find("</think>"));
    c.response = think +
                 "Café 東京 🚀: first, I need the harbour ledger.\n"
                 "Wait, that is the wrong entry.\n"
                 "Let me check the total again.\n</think>\nThe answer is canal42.";
    c.behaviorSpans = {spanOf(c.response, "first, I need", BehaviorKind::Subgoal),
                       spanOf(c.response, "Wait", BehaviorKind::Backtracking),
                       spanOf(c.response, "Let me check", BehaviorKind::Verification)};
    c.behaviorClassifier = QStringLiteral("rule");
    QSignalSpy ready(&view, &DocumentTraceView::alignmentReady);
    view.setContent(c);
    QVERIFY(ready.wait(10000));
    QVERIFY(!view.links().empty());  // grounding still found and highlighted

    const QString shown = view.thinkingEdit()->toPlainText();
    const auto sels = view.thinkingEdit()->extraSelections();
    QCOMPARE(sels.size(), int(view.links().size()) + 2 * 3);  // per step: the line and its cue
    const struct {
      QString line, cue;
      BehaviorKind kind;
    } want[] = {{QStringLiteral("Café 東京 🚀: first, I need the harbour ledger."), QStringLiteral("first, I need"),
                 BehaviorKind::Subgoal},
                {QStringLiteral("Wait, that is the wrong entry."), QStringLiteral("Wait"), BehaviorKind::Backtracking},
                {QStringLiteral("Let me check the total again."), QStringLiteral("Let me check"),
                 BehaviorKind::Verification}};
    for (const auto& w : want) {
      const int line = int(shown.indexOf(w.line));
      const int cue = int(shown.indexOf(w.cue, line));
      QVERIFY(line >= 0 && cue >= line);
      const auto* step = selectionAt(sels, line, line + int(w.line.size()), false);
      QVERIFY2(step, qPrintable(w.line));
      QCOMPARE(step->format.underlineStyle(), QTextCharFormat::SingleUnderline);
      QCOMPARE(step->format.underlineColor(), BehaviorMarks::color(w.kind));
      const auto* tint = selectionAt(sels, cue, cue + int(w.cue.size()), true);
      QVERIFY2(tint, qPrintable(w.cue));
      QCOMPARE(tint->format.background().color().rgb(), BehaviorMarks::color(w.kind).rgb());
      // The tooltip over the step names the behaviour and its cue.
      const QString tip = view.behaviorTooltipAt(false, line + 1);
      QVERIFY2(tip.contains(BehaviorMarks::name(w.kind)) && tip.contains(w.cue), qPrintable(tip));
    }
    QVERIFY(view.behaviorTooltipAt(false, 0).isEmpty());  // "Let me find…": no step there
    QVERIFY(view.answerEdit()->extraSelections().isEmpty());
    const QString legend = view.thinkingTitle();
    QVERIFY2(legend.contains(QStringLiteral("rule classifier")), qPrintable(legend));
    for (auto k : longrl::behavior::kBehaviorKinds) QVERIFY(legend.contains(BehaviorMarks::name(k) + "&nbsp;1"));
    longrl::test::saveScreenshot(&view, QStringLiteral("behavior-marks"));

    // Another rollout without spans: no marks, no legend.
    c.behaviorSpans.clear();
    view.setContent(c);
    QVERIFY(view.behaviorMarks().empty());
    QVERIFY(!view.thinkingTitle().contains(QStringLiteral("classifier")));
  }

  void spansOutsideTheResponseAreLeftOut() {
    const std::string r = "<think>\nabc\n</think>\nx";
    const auto marks = BehaviorMarks::map(r, {{8, 11, BehaviorKind::Subgoal, 8, 9},
                                              {5, 400, BehaviorKind::Verification, 5, 6},
                                              {3, 3, BehaviorKind::Backtracking, 3, 3}});
    QCOMPARE(marks.size(), std::size_t(1));
    QCOMPARE(marks[0].begin, 0);  // "abc" starts the thinking pane
    QCOMPARE(marks[0].end, 3);
    QCOMPARE(marks[0].cue, QStringLiteral("a"));
  }

  void judgePanelShowsTheRecords() {
    longrl::viewers::JudgePanel panel;
    longrl::behavior::BehaviorRecord rule, judge;
    rule.classifier = "rule";
    rule.subgoal = 3;
    rule.verification = 1;
    rule.groundingShare = 0.25;
    judge.classifier = "judge";
    judge.subgoal = 2;
    judge.rawReply = "{\"subgoal\": 2, \"backtracking\": 0, \"verification\": 0}";
    panel.setBehaviors({{rule, 1, {}}, {judge, 0, {}}});
    auto* v = panel.behaviors();
    QVERIFY(v->showsRawReply());
    QCOMPARE(v->rawReplyText(), QString::fromStdString(judge.rawReply));
    QVERIFY2(v->summaryText().contains(QStringLiteral("<b>rule</b> classifier")), qPrintable(v->summaryText()));
    QVERIFY(v->summaryText().contains(QStringLiteral("3 sub-goal")));
    QVERIFY(v->summaryText().contains(QStringLiteral("grounding share 0.25")));
    QVERIFY(v->summaryText().contains(QStringLiteral("<b>judge</b> classifier")));

    judge.error = "judge timed out after 30 s";
    judge.rawReply.clear();
    panel.setBehaviors({{rule, 1, {}}, {judge, 0, {}}});
    QVERIFY(v->summaryText().contains(QStringLiteral("judge timed out after 30 s")));
    QCOMPARE(v->rawReplyText(), QStringLiteral("(no reply recorded)"));
    panel.setBehaviors({{rule, 1, {}}});
    QVERIFY(!v->showsRawReply());
    panel.clear();
    QVERIFY(v->summaryText().isEmpty());
  }

  // The detail view reads the latest records of the selected rollout: its steps in the trace, the
  // judge's reply in the panel.
  void detailViewReadsTheStore() {
    const std::string dir = longrl::test::freshTempDir("behavior-detail");
    longrl::test::SyntheticRolloutsOptions o;
    o.steps = 2;
    o.groupsPerStep = 4;
    o.samplesPerGroup = 8;
    o.documents = 1;
    o.documentWords = 300;
    longrl::test::writeSyntheticRollouts(dir, o);
    longrl::test::writeSyntheticBehaviors(dir);
    longrl::viewers::RolloutDetailView view;
    view.setStorePath(QString::fromStdString(longrl::store::RunStore::fileIn(dir)));
    QSignalSpy shown(&view, &longrl::viewers::RolloutDetailView::shown);
    const qint64 id = 28;  // judged (every 7th), failed (every 14th)
    view.showRollout(id);
    QVERIFY(shown.wait(10000));
    const auto known = longrl::test::syntheticBehaviorOf(id);
    QCOMPARE(int(view.trace()->behaviorMarks().size()), known.subgoal + known.backtracking + known.verification);
    auto* records = view.judge()->behaviors();
    QVERIFY(records->summaryText().contains(QStringLiteral("revision 1")));  // not the stale revision 0
    QVERIFY(records->summaryText().contains(QStringLiteral("malformed JSON")));
    QCOMPARE(records->rawReplyText(), QStringLiteral("I think the trace has {subgoal: two"));
    view.resize(1100, 800);
    view.show();
    view.tabs()->setCurrentIndex(1);
    longrl::test::saveScreenshot(&view, QStringLiteral("behavior-judge-panel"));
    view.showRollout(21);  // judged, fine
    QVERIFY(shown.wait(10000));
    QVERIFY(records->rawReplyText().startsWith(QStringLiteral("{\"subgoal\": 1")));
    view.showRollout(22);  // rule only
    QVERIFY(shown.wait(10000));
    QVERIFY(!records->showsRawReply());
  }
};

QTEST_MAIN(TestBehaviorMarks)
#include "TestBehaviorMarks.moc"
