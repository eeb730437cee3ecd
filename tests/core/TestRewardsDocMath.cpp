// Docmath rule reward: number extraction from the kinds of answers models write (currency,
// units, percentages, scale words, negatives, thousands separators, trailing periods) and the
// reference's numeric equivalence (relative 0.0015, power-of-ten / x100 / x1000 rescaling,
// rounding up to 3 decimals).
#include <QtTest/QtTest>

#include "core/reward/DocMathScorer.h"
#include "core/reward/RewardError.h"
#include "core/reward/RewardRouter.h"

using namespace longrl::reward;

namespace {
QString q(const std::string& s) { return QString::fromStdString(s); }
double parsed(const std::string& s) {
  const auto n = DocMathScorer::parseLeadingNumber(s);
  if (!n) throw std::runtime_error("no number in '" + s + "'");
  return n->value;
}
RewardRouter::Rule docmath(const std::string& response, const GroundTruth& gt) {
  return RewardRouter().score("docmath_compong", response, gt);
}
}  // namespace

class TestRewardsDocMath : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void parsesNumbersAsWritten() {
    QCOMPARE(parsed(" $1.2 million."), 1.2);
    QCOMPARE(parsed("1,234,567."), 1234567.0);
    QCOMPARE(parsed("-42 units"), -42.0);
    QCOMPARE(parsed("\xE2\x88\x92"
                    "7.5%"),
             -7.5);  // Unicode minus sign
    QCOMPARE(parsed("approximately 3.14"), 3.14);
    QCOMPARE(parsed("US$ 12,000 thousand"), 12000.0);
    QCOMPARE(parsed("\xE2\x89\x88 0.5"), 0.5);
    QCOMPARE(parsed("= 17"), 17.0);
    QCOMPARE(parsed("-$5.25"), -5.25);
    QCOMPARE(parsed("\xE2\x82\xAC"
                    "3,5"),
             35.0);  // commas are thousands separators, as in the reference
    QCOMPARE(parsed(".5"), 0.5);
    QCOMPARE(parsed("1.5e3 tonnes"), 1500.0);
    QCOMPARE(parsed("5, which is the total"), 5.0);
    QCOMPARE(q(DocMathScorer::parseLeadingNumber("$1,200.50.")->text), QString("1200.50"));
    QVERIFY(!DocMathScorer::parseLeadingNumber("twelve"));
    QVERIFY(!DocMathScorer::parseLeadingNumber("1.2.3"));
    QVERIFY(!DocMathScorer::parseLeadingNumber("usually 5"));
    QVERIFY(!DocMathScorer::parseLeadingNumber(""));
  }
  void equivalenceRules() {
    QVERIFY(DocMathScorer::equivalent(1.2, 1200000));  // power of ten ("1.2 million")
    QVERIFY(DocMathScorer::equivalent(12.5, 0.125));   // percent vs fraction (x100)
    QVERIFY(DocMathScorer::equivalent(0.125, 12.5));
    QVERIFY(DocMathScorer::equivalent(1234.0, 1.2345));  // x1000 within tolerance
    QVERIFY(DocMathScorer::equivalent(100.1, 100.0));    // 0.1 % off: inside 0.15 %
    QVERIFY(!DocMathScorer::equivalent(100.2, 100.0));   // 0.2 % off
    QVERIFY(DocMathScorer::equivalent(-5.005, -5.0));
    QVERIFY(!DocMathScorer::equivalent(-5.0, 5.0));  // the reference ignores signs; we do not
    QVERIFY(DocMathScorer::equivalent(0.0, 0.0));
    QVERIFY(!DocMathScorer::equivalent(0.0004, 0.0));
    QVERIFY(DocMathScorer::equivalent(0.1231, 0.1239));  // both round up to 0.124
    QVERIFY(!DocMathScorer::equivalent(7.0, 8.0));
    QVERIFY(DocMathScorer::equivalent(50.0, 5.0));  // reference quirk: any power of ten
    QVERIFY(!DocMathScorer::equivalent(std::nan(""), 1.0));
  }
  void scoresRealisticResponses() {
    QCOMPARE(docmath("<think>...</think>Therefore, the answer is $1.2 million.", "1200000").outcome.score, 1.0);
    QCOMPARE(docmath("</think>Therefore, the answer is 12.5%.", "0.125").outcome.score, 1.0);
    QCOMPARE(docmath("</think>Therefore, the answer is 1,234.5.", "1234.5").outcome.score, 1.0);
    QCOMPARE(docmath("</think>Therefore, the answer is -3.2", "3.2").outcome.score, 0.0);
    QCOMPARE(docmath("</think>Therefore, the answer is -3.2%", "-0.032").outcome.score, 1.0);
    QCOMPARE(docmath("</think>Therefore, the answer is 46.3 million euros.", "46.27").outcome.score, 1.0);
    QCOMPARE(docmath("</think>Therefore, the answer is 47.", "46.27").outcome.score, 0.0);
    const auto r = docmath("</think>Therefore, the answer is **$1,200.50**.", "1200.5");
    QCOMPARE(r.outcome.score, 1.0);
    QCOMPARE(q(*r.outcome.pred), QString("1200.50"));
  }
  void severalPhrasesLastNumberWins() {
    const std::string resp = "</think>So the answer is 10. Wait, I missed Q4; the answer is 12.";
    QCOMPARE(docmath(resp, "12").outcome.score, 1.0);
    QCOMPARE(docmath(resp, "10").outcome.score, 0.0);
    // A last phrase without a number falls back to the previous one that has a number.
    QCOMPARE(q(*docmath("</think>Thus the answer is 42. So the answer is clear.", "42").outcome.pred), QString("42"));
  }
  // Found by tests/fuzz/FuzzAnswerExtraction: every phrase copied the rest of the text, so 65,536
  // phrases without a number in 1 MB took minutes (now milliseconds).
  void manyPhrasesAreLinear() {
    std::string resp = "</think>the answer is 7. ";
    for (int i = 0; i < 65536; ++i) resp += "the answer is x ";
    QElapsedTimer timer;
    timer.start();
    QCOMPARE(q(*docmath(resp, "7").outcome.pred), QString("7"));
    QVERIFY2(timer.elapsed() < 5000, "docmath extraction is quadratic again");
  }
  void failuresScoreZero() {
    QCOMPARE(docmath("<think>the answer is 5", "5").outcome.score, 0.0);  // no </think>
    const auto words = docmath("</think>Therefore, the answer is five.", "5");
    QCOMPARE(words.outcome.score, 0.0);
    QVERIFY(!words.outcome.pred);
    QVERIFY(!docmath("</think>5", "5").outcome.pred);
  }
  void groundTruthForms() {
    QCOMPARE(docmath("</think>the answer is 5", "Therefore, the answer is 5.").outcome.score, 1.0);
    QCOMPARE(docmath("</think>the answer is 5", "$5").outcome.score, 1.0);
    QCOMPARE(docmath("</think>the answer is 5", GroundTruth(std::vector<std::string>{"n/a", "5.0"})).outcome.score,
             1.0);
    QVERIFY_THROWS_EXCEPTION(RewardError, docmath("</think>the answer is 5", "not a number"));
  }
};

QTEST_APPLESS_MAIN(TestRewardsDocMath)
#include "TestRewardsDocMath.moc"
