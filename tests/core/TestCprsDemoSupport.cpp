// Supporting sentences of the demo's examples (core/cprs/DemoSupport): the labels the compressor
// trains on, and the recall it is measured by.
#include <QtTest/QtTest>

#include <map>
#include <string>

#include "core/cprs/DemoSupport.h"
#include "core/cprs/TextUnits.h"
#include "core/demo/DemoExampleGenerator.h"

using namespace longrl::cprs;
using longrl::demo::DemoExample;
using longrl::demo::DemoExampleGenerator;

class TestCprsDemoSupport : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void everyExampleHasItsFactsMarked() {
    DemoExampleGenerator gen(11);
    std::map<std::string, int> seen;
    for (int i = 0; i < 300; ++i) {
      const DemoExample ex = i % 4 == 3 ? gen.generateBeyondWindow(60) : gen.generate(i % 3);
      const auto s = DemoSupport::sentences(ex);
      const bool twoFacts = ex.kind != "revenue";
      QCOMPARE(s.size(), std::size_t(twoFacts ? 2 : 1));
      for (const auto& span : s) {
        const std::string text = ex.document.substr(span.begin, span.size());
        QVERIFY2(ex.targetResponse.find(text) != std::string::npos, text.c_str());
      }
      QVERIFY(s.size() < 2 || s[0].end <= s[1].begin);
      ++seen[ex.kind];
    }
    QVERIFY(seen.size() >= 5);
  }

  void wholeSentencesOnly() {
    DemoExample ex;
    ex.document = "Belo lives in Kelmar. Torbelo lives in Kelmar. Kelmar is a city in Dravia.";
    ex.targetResponse = "<think>Belo lives in Kelmar. Kelmar is a city in Dravia.</think> Dravia.";
    const auto s = DemoSupport::sentences(ex);
    QCOMPARE(s.size(), std::size_t(2));
    QCOMPARE(s[0].begin, std::size_t(0));
    QCOMPARE(ex.document.substr(s[1].begin, s[1].size()), std::string("Kelmar is a city in Dravia."));
    ex.targetResponse = "no think";
    QVERIFY(DemoSupport::sentences(ex).empty());
  }

  void recallCountsSentencesWhoseWordsAreAllKept() {
    const std::string d = "Belo lives in Kelmar. Kelmar is in Dravia. It rains.";
    const auto sentences = TextUnits::sentences(d);
    const std::vector<TextSpan> support = {sentences[0], sentences[1]};
    QCOMPARE(DemoSupport::recall(d, support, {sentences[0]}), 0.5);
    QCOMPARE(DemoSupport::recall(d, support, sentences), 1.0);
    QCOMPARE(DemoSupport::recall(d, support, {}), 0.0);
    QCOMPARE(DemoSupport::recall(d, {}, {}), 1.0);
    auto words = TextUnits::words(d);
    QCOMPARE(DemoSupport::recall(d, support, words), 1.0);  // keywords covering every word
    words.erase(words.begin() + 1);                         // "lives" dropped
    QCOMPARE(DemoSupport::recall(d, support, words), 0.5);
  }
};

QTEST_GUILESS_MAIN(TestCprsDemoSupport)
#include "TestCprsDemoSupport.moc"
