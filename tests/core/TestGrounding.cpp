#include <QtTest/QtTest>

#include <string>

#include "core/grounding/GroundingAligner.h"
#include "core/grounding/GroundingIndex.h"
#include "core/grounding/GroundingWord.h"

using namespace longrl::grounding;

namespace {

size_t endOf(const std::string& s, const std::string& needle) {
  const size_t p = s.find(needle);
  return p == std::string::npos ? p : p + needle.size();
}

bool isBoundary(const std::string& s, size_t off) {
  return off == s.size() || (off < s.size() && (static_cast<unsigned char>(s[off]) & 0xC0) != 0x80);
}

// Minimal UTF-8 validity check, independent of the tokenizer's decoder.
bool validUtf8(const std::string& s) {
  size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    size_t len = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
    if (len == 0 || i + len > s.size()) return false;
    for (size_t k = 1; k < len; ++k)
      if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
    i += len;
  }
  return true;
}

const std::string kDoc =
    "Intro text here about nothing in particular. The quick brown fox jumps over the lazy dog near the old "
    "river bank today. Other stuff follows about finance and markets. In the spring session the committee "
    "approved the new budget for the eastern district in early march after a long debate. The mayor said "
    "little. REVENUE, in fiscal 2023, rose to $4.2 billion (up 12%) from the prior year.";

}  // namespace

class TestGrounding : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void tokenizerFoldsCaseAndIgnoresPunctuation() {
    const std::string a = "Hello, WORLD! (café) ＡＢＣ１";
    const std::string b = "hello world CAFÉ abc1";
    const auto wa = tokenizeForGrounding(a);
    const auto wb = tokenizeForGrounding(b);
    QCOMPARE(wa.size(), size_t(4));
    QCOMPARE(wb.size(), size_t(4));
    for (size_t i = 0; i < 4; ++i) QCOMPARE(wa[i].hash, wb[i].hash);
    QCOMPARE(a.substr(wa[2].begin, wa[2].end - wa[2].begin), std::string("café"));
    const auto cjk = tokenizeForGrounding("東京abc，大阪");
    QCOMPARE(cjk.size(), size_t(5));  // 東, 京, abc, 大, 阪
    QCOMPARE(cjk[2].begin, uint32_t(6));
    QCOMPARE(cjk[2].end, uint32_t(9));
    QCOMPARE(tokenizeForGrounding("bad\xFF"
                                  "byte")
                 .size(),
             size_t(2));
  }

  void verbatimQuoteHasExactOffsets() {
    const std::string trace =
        "Let me check: the quick brown fox jumps over the lazy dog near the old river bank, so the answer is yes.";
    const auto spans = GroundingAligner().align(kDoc, trace);
    QCOMPARE(spans.size(), size_t(1));
    const GroundingSpan& s = spans[0];
    QCOMPARE(s.traceBegin, trace.find("the quick"));
    QCOMPARE(s.traceEnd, endOf(trace, "river bank"));
    QCOMPARE(s.docBegin, kDoc.find("The quick"));
    QCOMPARE(s.docEnd, endOf(kDoc, "river bank"));
    QCOMPARE(s.matchedWords, size_t(14));
    QCOMPARE(s.traceWords, size_t(14));
    QCOMPARE(s.docWords, size_t(14));
    QCOMPARE(s.score, 1.0);
  }

  void paraphraseWithOneChangedWordIsFound() {
    const std::string trace =
        "Hmm. The text says the committee approved the revised budget for the eastern district in early march, which "
        "matters.";
    const auto spans = GroundingAligner().align(kDoc, trace);
    QCOMPARE(spans.size(), size_t(1));
    const GroundingSpan& s = spans[0];
    QCOMPARE(s.traceBegin, trace.find("the committee"));
    QCOMPARE(s.traceEnd, endOf(trace, "early march"));
    QCOMPARE(s.docBegin, kDoc.find("the committee"));
    QCOMPARE(s.docEnd, endOf(kDoc, "early march"));
    QCOMPARE(s.matchedWords, size_t(12));
    QCOMPARE(s.traceWords, size_t(13));
    QCOMPARE(s.score, 12.0 / 13.0);

    // A dropped word and an inserted word are stepped over too.
    const std::string trace2 = "so the committee approved new budget for the whole eastern district in early march";
    const auto spans2 = GroundingAligner().align(kDoc, trace2);
    QCOMPARE(spans2.size(), size_t(1));
    QCOMPARE(spans2[0].docBegin, kDoc.find("the committee"));
    QCOMPARE(spans2[0].docEnd, endOf(kDoc, "early march"));
    QCOMPARE(spans2[0].matchedWords, size_t(12));
  }

  void unrelatedTextYieldsNoSpan() {
    const std::string trace =
        "We need to compute the total. First, 17 plus 25 gives 42. Then the answer is the remainder of the "
        "division, which is in the table of the report and the notes of the appendix.";
    QVERIFY(GroundingAligner().align(kDoc, trace).empty());
    QVERIFY(GroundingAligner().align(kDoc, "").empty());
    QVERIFY(GroundingAligner().align("", trace).empty());
  }

  void runsOfCommonWordsAreNotGrounding() {
    // "of the city and the river" occurs 20 times: all its words are common in this document.
    std::string doc;
    const char* heads[] = {"alpha", "bravo", "charlie", "delta", "echo",   "foxtrot", "golf",
                           "hotel", "india", "juliet",  "kilo",  "lima",   "mike",    "november",
                           "oscar", "papa",  "quebec",  "romeo", "sierra", "tango"};
    for (const char* h : heads) doc += std::string(h) + " of the city and the river. ";
    const std::string trace = "he said that of the city and the river is wide";
    QVERIFY(GroundingAligner().align(doc, trace).empty());
    GroundingOptions loose;
    loose.minInformativeWords = 0;
    const auto spans = GroundingAligner(loose).align(doc, trace);
    QCOMPARE(spans.size(), size_t(1));
    QCOMPARE(spans[0].matchedWords, size_t(6));
    QCOMPARE(spans[0].traceBegin, trace.find("of the city"));
    // With two rare words in the quote it is grounding again, at the right place.
    const std::string trace2 = "it was kilo of the city and the river lima said";
    const auto spans2 = GroundingAligner().align(doc, trace2);
    QCOMPARE(spans2.size(), size_t(1));
    QCOMPARE(spans2[0].docBegin, doc.find("kilo"));
    QCOMPARE(spans2[0].docEnd, endOf(doc, "kilo of the city and the river. lima"));
  }

  void caseAndPunctuationDifferencesMatch() {
    const std::string trace = "so revenue in Fiscal 2023 rose to 4.2 BILLION up 12 from the prior year; done";
    const auto spans = GroundingAligner().align(kDoc, trace);
    QCOMPARE(spans.size(), size_t(1));
    QCOMPARE(spans[0].traceBegin, trace.find("revenue"));
    QCOMPARE(spans[0].traceEnd, endOf(trace, "prior year"));
    QCOMPARE(spans[0].docBegin, kDoc.find("REVENUE"));
    QCOMPARE(spans[0].docEnd, endOf(kDoc, "prior year"));
    QCOMPARE(spans[0].score, 1.0);
  }

  void twoQuotesFromDifferentPlacesInTraceOrder() {
    const std::string trace =
        "First: the committee approved the new budget for the eastern district. Later: the quick brown fox "
        "jumps over the lazy dog near the old river.";
    const GroundingIndex index(kDoc);
    const auto spans = GroundingAligner().align(index, trace);
    QCOMPARE(spans.size(), size_t(2));
    QCOMPARE(spans[0].docBegin, kDoc.find("the committee"));
    QCOMPARE(spans[0].docEnd, endOf(kDoc, "eastern district"));
    QCOMPARE(spans[1].docBegin, kDoc.find("The quick"));
    QCOMPARE(spans[1].docEnd, endOf(kDoc, "old river"));
    QVERIFY(spans[0].traceEnd <= spans[1].traceBegin);
    // The index is reusable: a second trace against it gives what a one-off alignment gives.
    const std::string other = "It said the quick brown fox jumps over the lazy dog.";
    const auto a = GroundingAligner().align(index, other);
    const auto b = GroundingAligner().align(kDoc, other);
    QCOMPARE(a.size(), size_t(1));
    QCOMPARE(b.size(), size_t(1));
    QCOMPARE(a[0].traceBegin, b[0].traceBegin);
    QCOMPARE(a[0].docEnd, b[0].docEnd);
    GroundingOptions o3;
    o3.ngram = 5;
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, GroundingAligner(o3).align(index, other));
  }

  void cjkCharactersAreWords() {
    const std::string doc = "今天天气很好。我们去公园散步，然后在湖边吃了午饭。晚上回家看书。";
    const std::string trace = "文中说：我们去公园散步然后在湖边吃了午饭，所以答案是公园。";
    const auto spans = GroundingAligner().align(doc, trace);
    QCOMPARE(spans.size(), size_t(1));
    QCOMPARE(spans[0].docBegin, doc.find("我们"));
    QCOMPARE(spans[0].docEnd, endOf(doc, "午饭"));
    QCOMPARE(spans[0].traceBegin, trace.find("我们"));
    QCOMPARE(spans[0].traceEnd, endOf(trace, "午饭"));
    QCOMPARE(spans[0].matchedWords, size_t(16));  // 我们去公园散步 (7) + 然后在湖边吃了午饭 (9)
  }

  void multibyteOffsetsAreCodePointBoundaries() {
    const std::string doc =
        "Préface. Le café de la Gare à Zürich fut fondé en 1887 par Émile Dupont et sa sœur Ærøskøbing.";
    const std::string trace = "« LE CAFÉ DE LA GARE À ZÜRICH FUT FONDÉ EN 1887 PAR ÉMILE DUPONT » — voilà.";
    const auto spans = GroundingAligner().align(doc, trace);
    QCOMPARE(spans.size(), size_t(1));
    const GroundingSpan& s = spans[0];
    QCOMPARE(s.docBegin, doc.find("Le café"));
    QCOMPARE(s.docEnd, endOf(doc, "Dupont"));
    QCOMPARE(s.traceBegin, trace.find("LE CAFÉ"));
    QCOMPARE(s.traceEnd, endOf(trace, "DUPONT"));
    for (size_t off : {s.docBegin, s.docEnd}) QVERIFY(isBoundary(doc, off));
    for (size_t off : {s.traceBegin, s.traceEnd}) QVERIFY(isBoundary(trace, off));
    QVERIFY(validUtf8(doc.substr(s.docBegin, s.docEnd - s.docBegin)));
    QVERIFY(validUtf8(trace.substr(s.traceBegin, s.traceEnd - s.traceBegin)));
    // Words ending in a multibyte character end after its last byte.
    const std::string tail = "x sœur";
    const auto w = tokenizeForGrounding(tail);
    QCOMPARE(size_t(w.back().end), tail.size());
  }
};

QTEST_APPLESS_MAIN(TestGrounding)
#include "TestGrounding.moc"
