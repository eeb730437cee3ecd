// The units the compressor keeps (core/cprs/TextUnits): words, pieces, sentences, paragraphs.
#include <QtTest/QtTest>

#include <string>
#include <vector>

#include "core/cprs/TextUnits.h"

using namespace longrl::cprs;

namespace {
std::vector<std::string> texts(const std::string& doc, const std::vector<TextSpan>& spans) {
  std::vector<std::string> out;
  for (const auto& s : spans) out.push_back(doc.substr(s.begin, s.size()));
  return out;
}
using Strings = std::vector<std::string>;
}  // namespace

class TestCprsTextUnits : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void wordsAreNonSpaceRuns() {
    const std::string d = "  Torik lives\tin Kelmar.\n\nMalena works ";
    QCOMPARE(texts(d, TextUnits::words(d)), (Strings{"Torik", "lives", "in", "Kelmar.", "Malena", "works"}));
    QVERIFY(TextUnits::words("").empty());
    QVERIFY(TextUnits::words(" \n ").empty());
  }

  void piecesTileTheText() {
    const std::string d = "  Torik lives\tin Kelmar.\n\nMalena works ";
    const auto p = TextUnits::pieces(d);
    QCOMPARE(texts(d, p), (Strings{"  Torik", " lives", "\tin", " Kelmar.", "\n\nMalena", " works", " "}));
    std::size_t at = 0;
    for (const auto& s : p) {
      QCOMPARE(s.begin, at);
      at = s.end;
    }
    QCOMPARE(at, d.size());
  }

  void sentencesEndAtStopsAndParagraphs() {
    const std::string d =
        "Torik lives in Kelmar. It said \"hi.\" Then 3.5 million? Yes\nno stop here\n \nNew paragraph. End";
    QCOMPARE(texts(d, TextUnits::sentences(d)),
             (Strings{"Torik lives in Kelmar.", "It said \"hi.\"", "Then 3.5 million?", "Yes\nno stop here",
                      "New paragraph.", "End"}));
  }

  void paragraphsSplitAtBlankLines() {
    const std::string d = "\nA one. A two.\n\nB one.\n  \n\n C one.\nC two.\n";
    QCOMPARE(texts(d, TextUnits::paragraphs(d)), (Strings{"A one. A two.", "B one.", "C one.\nC two."}));
    QVERIFY(TextUnits::paragraphs("   ").empty());
  }

  void utf8IsNeverSplit() {
    const std::string d = "Zürich liegt am See. Ça va.";
    QCOMPARE(texts(d, TextUnits::sentences(d)), (Strings{"Zürich liegt am See.", "Ça va."}));
    QCOMPARE(texts(d, TextUnits::words(d)).front(), std::string("Zürich"));
  }
};

QTEST_GUILESS_MAIN(TestCprsTextUnits)
#include "TestCprsTextUnits.moc"
