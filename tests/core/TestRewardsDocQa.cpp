// Docqa rule reward (musique / multihoprag): extraction after the last </think> and the last
// "the answer is", SQuAD normalisation, sub-EM. Responses are written the way models write them.
#include <QtTest/QtTest>

#include "core/reward/AnswerExtractor.h"
#include "core/reward/DocQaScorer.h"
#include "core/reward/RewardRouter.h"
#include "core/reward/SquadNormalizer.h"

using namespace longrl::reward;

namespace {
QString q(const std::string& s) { return QString::fromStdString(s); }
RewardRouter::Rule docqa(const std::string& response, const GroundTruth& gt) {
  return RewardRouter().score("musique", response, gt);
}
}  // namespace

class TestRewardsDocQa : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void squadNormalisation() {
    QCOMPARE(q(SquadNormalizer::normalize("The Eiffel Tower!")), QString("eiffel tower"));
    QCOMPARE(q(SquadNormalizer::normalize("A  cat, an apple & the dog.")), QString("cat apple dog"));
    QCOMPARE(q(SquadNormalizer::normalize("Theatre of the Absurd")), QString("theatre of absurd"));
    QCOMPARE(q(SquadNormalizer::normalize("O'Neil  \n (1990)")), QString("oneil 1990"));
    QCOMPARE(q(SquadNormalizer::normalize("Z\xC3\xBCrich")), QString::fromUtf8("z\xC3\xBCrich"));
    QCOMPARE(q(SquadNormalizer::normalize(" ... ")), QString(""));
    // Punctuation goes first, so "a-b" becomes the word "ab", not the article "a".
    QCOMPARE(q(SquadNormalizer::normalize("a-b")), QString("ab"));
  }
  void afterThinkTakesTheLastTag() {
    QVERIFY(!AnswerExtractor::afterThink("no tag at all"));
    QCOMPARE(q(*AnswerExtractor::afterThink("<think>a</think> x </think>  final  ")), QString("final"));
    QCOMPARE(q(*AnswerExtractor::afterThink("</think>**bold**<|im_end|>")), QString("bold"));
  }
  void plainCorrectAnswer() {
    const auto r = docqa("<think>The text says Paris.</think>\n\nTherefore, the answer is Paris.", "Paris");
    QCOMPARE(r.outcome.score, 1.0);
    QCOMPARE(q(*r.outcome.pred), QString("Paris"));
    QCOMPARE(q(*r.answer_text), QString("Therefore, the answer is Paris."));
  }
  void missingThinkEndScoresZero() {
    const auto r = docqa("<think>I ran out of tokens... Therefore, the answer is Paris.", "Paris");
    QCOMPARE(r.outcome.score, 0.0);
    QVERIFY(!r.outcome.pred);
    QVERIFY(!r.answer_text);
  }
  void phraseOnlyInsideThinkDoesNotCount() {
    const auto r = docqa("<think>so the answer is Paris</think>I am not sure.", "Paris");
    QCOMPARE(r.outcome.score, 0.0);
    QVERIFY(!r.outcome.pred);
  }
  void severalAnswerPhrasesLastWins() {
    const std::string resp =
        "<think>...</think>At first the answer is London, but after re-reading paragraph 3, the answer is Paris.";
    QCOMPARE(docqa(resp, "Paris").outcome.score, 1.0);
    QCOMPARE(q(*docqa(resp, "Paris").outcome.pred), QString("Paris"));
    QCOMPARE(docqa(resp, "London").outcome.score, 0.0);
  }
  void lowercasePhraseWinsOverALaterCapitalisedOne() {
    const std::string resp = "</think>Therefore, the answer is Paris. The answer is based on paragraph 2.";
    QCOMPARE(docqa(resp, "Paris").outcome.score, 1.0);
    QVERIFY(docqa(resp, "x").outcome.pred->rfind("Paris.", 0) == 0);
  }
  void caseInsensitivePhraseAndBold() {
    QCOMPARE(docqa("</think>The answer is **Marie Curie**.", "Marie Curie").outcome.score, 1.0);
    QCOMPARE(q(*docqa("</think>**Therefore, the answer is Marie Curie.**", "x").outcome.pred), QString("Marie Curie"));
  }
  void endOfTurnTokensAreDropped() {
    const auto r = docqa("</think>Therefore, the answer is Paris.<|im_end|>", "Paris");
    QCOMPARE(q(*r.outcome.pred), QString("Paris"));
  }
  void subEmBothDirections() {
    QCOMPARE(docqa("</think>Therefore, the answer is Paris, France.", "paris").outcome.score, 1.0);
    QCOMPARE(docqa("</think>Therefore, the answer is Beatles.", "The Beatles").outcome.score, 1.0);
    // Substring of the ground truth counts too (the reference's sub-EM is this lenient).
    QCOMPARE(docqa("</think>Therefore, the answer is 1990.", "March 1990").outcome.score, 1.0);
    QCOMPARE(docqa("</think>Therefore, the answer is Lyon.", "Paris").outcome.score, 0.0);
  }
  void nothingToExtract() {
    QVERIFY(!docqa("</think>Paris.", "Paris").outcome.pred);
    QVERIFY(!docqa("</think>Therefore, the answer is .", "Paris").outcome.pred);
    // Only articles/punctuation: normalises to empty, which never matches.
    QCOMPARE(docqa("</think>Therefore, the answer is the.", "Paris").outcome.score, 0.0);
  }
  void groundTruthListAndFullSentence() {
    const GroundTruth aliases(std::vector<std::string>{"NYC", "New York City"});
    QCOMPARE(docqa("</think>Therefore, the answer is New York City.", aliases).outcome.score, 1.0);
    QCOMPARE(docqa("</think>Therefore, the answer is Boston.", aliases).outcome.score, 0.0);
    QCOMPARE(docqa("</think>Therefore, the answer is Paris.", "Therefore, the answer is Paris.").outcome.score, 1.0);
    const auto fromJson = GroundTruth::fromJson(nlohmann::json::parse(R"(["a b", 42])"));
    QCOMPARE(fromJson.answers().size(), size_t(2));
    QCOMPARE(q(fromJson.answers()[1]), QString("42"));
    QVERIFY_THROWS_EXCEPTION(std::runtime_error, GroundTruth::fromJson(nlohmann::json::parse(R"([{"x":1}])")));
    QVERIFY_THROWS_EXCEPTION(std::runtime_error, GroundTruth::fromJson(nlohmann::json::array()));
  }
};

QTEST_APPLESS_MAIN(TestRewardsDocQa)
#include "TestRewardsDocQa.moc"
