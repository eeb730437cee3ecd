#include <QtTest/QtTest>

#include "core/reward/JudgePrompt.h"
#include "viewers/judge/JudgePanel.h"

using longrl::store::ExampleRecord;
using longrl::store::RolloutRecord;
using longrl::viewers::JudgePanel;

namespace {
RolloutRecord judged(const std::string& verdict) {
  RolloutRecord r;
  r.id = 7;
  r.response = "<think>the ledger says forty</think>\nTherefore, the answer is Forty two.";
  r.answer = "Forty two";
  r.rule_score = 0.0;
  r.judge_verdict = verdict;
  const longrl::reward::JudgePrompt p("How much?", "Forty two", "42");
  r.judge_prompt = p.userMessage();
  if (verdict == "yes") r.judge_raw = "Both mean 42. [[YES]]";
  if (verdict == "error") r.judge_error = "HTTP 502 from http://judge:8000/v1/chat/completions after 3 attempts";
  r.reward = verdict == "yes" ? 1.0 : 0.0;
  r.advantage = 0.5;
  return r;
}
ExampleRecord example() { return {"ex-1", "multihoprag", "How much?", "42", 0, 100}; }
}  // namespace

class TestJudgePanel : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void judgeErrorIsShownAsAnError() {
    JudgePanel panel;
    panel.resize(700, 650);
    panel.show();
    panel.setRollout(judged("error"), example());
    QVERIFY(panel.showsError());
    QVERIFY(panel.verdictText().contains(QStringLiteral("ERROR")));
    QVERIFY(!panel.verdictText().contains(QStringLiteral(">&nbsp;NO")));
    QVERIFY(panel.errorText().contains(QStringLiteral("HTTP 502")));
    QVERIFY(panel.errorText().contains(QStringLiteral("not a \"no\"")));
    // The reward is the rule score alone: no max() with a judge score that does not exist.
    QVERIFY(panel.finalText().startsWith(QStringLiteral("rule 0.000")));
    QVERIFY(panel.replyText().contains(QStringLiteral("no reply")));
    QTest::qWait(20);  // the layout follows the new texts on the event loop
    if (qEnvironmentVariableIsSet("LONGRL_SCREENSHOT_DIR"))
      panel.grab().save(qEnvironmentVariable("LONGRL_SCREENSHOT_DIR") + QStringLiteral("/judge-error.png"));
  }

  void yesVerdictShowsPromptReplyAndFormula() {
    JudgePanel panel;
    panel.resize(700, 650);
    panel.show();
    panel.setRollout(judged("yes"), example());
    QVERIFY(!panel.showsError());
    QVERIFY(panel.verdictText().contains(QStringLiteral("YES")));
    QVERIFY(panel.errorText().isEmpty());
    QVERIFY(panel.finalText().startsWith(QStringLiteral("max(rule 0.000, judge 1) = 1.000")));
    // The exact prompt: the fixed system message and the stored user message, verbatim.
    QVERIFY(panel.promptText().contains(QString::fromStdString(longrl::reward::JudgePrompt::systemMessage())));
    QVERIFY(panel.promptText().contains(QStringLiteral("Answer 1: Forty two")));
    QCOMPARE(panel.replyText(), QStringLiteral("Both mean 42. [[YES]]"));
    // How the answer was extracted comes from core's rule scorer.
    QVERIFY2(panel.ruleText().contains(QStringLiteral("docqa")), qPrintable(panel.ruleText()));
    QVERIFY(panel.ruleText().contains(QStringLiteral("Forty two")));
    QTest::qWait(20);  // the layout follows the new texts on the event loop
    if (qEnvironmentVariableIsSet("LONGRL_SCREENSHOT_DIR"))
      panel.grab().save(qEnvironmentVariable("LONGRL_SCREENSHOT_DIR") + QStringLiteral("/judge-yes.png"));
  }

  void penaltyAndMissingThinkEnd() {
    JudgePanel panel;
    auto r = judged("");
    r.judge_prompt.clear();
    r.rule_score = 1.0;
    r.reward = 0.75;
    r.truncated = true;
    panel.setRollout(r, example());
    QVERIFY(panel.verdictText().contains(QStringLiteral("not asked")));
    QVERIFY(panel.finalText().contains(QStringLiteral("penalty -0.250")));
    QVERIFY(panel.finalText().contains(QStringLiteral("overlong")));
    r.response = "<think>never closed";
    panel.setRollout(r, example());
    QVERIFY(panel.ruleText().contains(QStringLiteral("no &lt;/think&gt;")));
  }
};

QTEST_MAIN(TestJudgePanel)
#include "TestJudgePanel.moc"
