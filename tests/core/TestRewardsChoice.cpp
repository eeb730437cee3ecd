// Multiple-choice rule reward (long_toc_choices): "The correct answer is (X)", exact letter.
#include <QtTest/QtTest>

#include "core/reward/ChoiceScorer.h"
#include "core/reward/RewardError.h"
#include "core/reward/RewardRouter.h"

using namespace longrl::reward;

namespace {
RewardRouter::Rule choice(const std::string& response, const GroundTruth& gt) {
  return RewardRouter().score("long_toc_choices_0_20000", response, gt);
}
}  // namespace

class TestRewardsChoice : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void letterFormsInTheResponse() {
    QCOMPARE(choice("<think>B fits.</think>The correct answer is (B)", "B").outcome.score, 1.0);
    QCOMPARE(choice("</think>The correct answer is C.", "C").outcome.score, 1.0);
    QCOMPARE(choice("</think>the correct answer is (b)", "B").outcome.score, 1.0);
    QCOMPARE(choice("</think>**The correct answer is (B)**", "B").outcome.score, 1.0);
    QCOMPARE(choice("</think>The correct answer is (B)", "C").outcome.score, 0.0);
    QCOMPARE(QString::fromStdString(*choice("</think>The correct answer is D", "A").outcome.pred), QString("D"));
  }
  void groundTruthForms() {
    const std::string resp = "</think>The correct answer is (B)";
    QCOMPARE(choice(resp, "(B)").outcome.score, 1.0);
    QCOMPARE(choice(resp, "b").outcome.score, 1.0);
    QCOMPARE(choice(resp, "The correct answer is (B).").outcome.score, 1.0);
    QCOMPARE(ChoiceScorer::groundTruthLetter("  C. "), 'C');
    QVERIFY_THROWS_EXCEPTION(RewardError, choice(resp, "banana"));
  }
  void noLetterNoScore() {
    const auto word = choice("</think>The correct answer is Apple", "A");
    QCOMPARE(word.outcome.score, 0.0);
    QVERIFY(!word.outcome.pred);
    QVERIFY(!choice("</think>I pick (A)", "A").outcome.pred);
    QCOMPARE(choice("The correct answer is (A)", "A").outcome.score, 0.0);  // no </think>
  }
  void lastStatementWins() {
    const std::string resp =
        "</think>The correct answer is (A). Hmm, option A ignores chapter 2; The correct answer is (D).";
    QCOMPARE(choice(resp, "D").outcome.score, 1.0);
    QCOMPARE(choice(resp, "A").outcome.score, 0.0);
  }
};

QTEST_APPLESS_MAIN(TestRewardsChoice)
#include "TestRewardsChoice.moc"
