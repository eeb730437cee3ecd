// Per-token scores to kept text (core/cprs/SpanSelector), window cutting and merging
// (core/cprs/WindowPlan) and the compressor's config block (core/cprs/CprsConfig).
#include <QtTest/QtTest>

#include <string>
#include <vector>

#include "core/cprs/CprsConfig.h"
#include "core/cprs/SpanSelector.h"
#include "core/cprs/TextUnits.h"
#include "core/cprs/WindowPlan.h"

using namespace longrl::cprs;

namespace {
const std::string kDoc = "Torik lives in Kelmar. Kelmar is a city in Dravia.\n\nBelo works for Brimco. It rains.";

// One token per piece (word with the whitespace before it), scored by `score(word)`.
std::vector<ScoredToken> tokens(const std::string& doc, double (*score)(const std::string&)) {
  std::vector<ScoredToken> out;
  for (const auto& p : TextUnits::pieces(doc)) {
    const auto w = TextUnits::trimmed(doc, p.begin, p.end);
    out.push_back({p, score(doc.substr(w.begin, w.size()))});
  }
  return out;
}
double kelmarHigh(const std::string& w) { return w.rfind("Kelmar", 0) == 0 ? 0.9 : (w == "Brimco." ? 0.6 : 0.1); }

std::vector<std::string> keptTexts(const Compression& c) {
  std::vector<std::string> out;
  for (const auto& s : c.spans) out.push_back(kDoc.substr(s.span.begin, s.span.size()));
  return out;
}
using Strings = std::vector<std::string>;
}  // namespace

class TestCprsSpanSelector : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void sentencesHoldingAKeptTokenAreKeptInOrder() {
    auto t = tokens(kDoc, kelmarHigh);
    std::reverse(t.begin(), t.end());  // order of the tokens does not matter
    const auto c = SpanSelector::select(kDoc, t, 0.5, Granularity::Sentence);
    QCOMPARE(keptTexts(c),
             (Strings{"Torik lives in Kelmar.", "Kelmar is a city in Dravia.", "Belo works for Brimco."}));
    QCOMPARE(c.text, std::string("Torik lives in Kelmar. Kelmar is a city in Dravia. Belo works for Brimco."));
    QCOMPARE(c.spans[0].score, 0.9);
    QCOMPARE(c.spans[0].mean, (0.1 * 3 + 0.9) / 4);
    QCOMPARE(c.spans[2].score, 0.6);
    QCOMPARE(c.keptTokens, std::size_t(4 + 6 + 4));
    QCOMPARE(c.documentTokens, t.size());
    QCOMPARE(c.keptBytes, std::size_t(22 + 27 + 22));
    QCOMPARE(c.ratio(), double(kDoc.size()) / (22 + 27 + 22));
  }

  void thresholdDecides() {
    const auto t = tokens(kDoc, kelmarHigh);
    QCOMPARE(SpanSelector::select(kDoc, t, 0.7, Granularity::Sentence).spans.size(), std::size_t(2));
    const auto none = SpanSelector::select(kDoc, t, 0.95, Granularity::Sentence);
    QVERIFY(none.spans.empty());
    QCOMPARE(none.text, std::string());
    QCOMPARE(none.ratio(), double(kDoc.size()));
    QCOMPARE(SpanSelector::select(kDoc, t, 0.0, Granularity::Sentence).keptBytes,
             kDoc.size() - 4);  // all but the separators " ", "\n\n" and " "
  }

  void keywordsAndParagraphs() {
    const auto t = tokens(kDoc, kelmarHigh);
    const auto k = SpanSelector::select(kDoc, t, 0.5, Granularity::Keyword);
    QCOMPARE(keptTexts(k), (Strings{"Kelmar.", "Kelmar", "Brimco."}));
    QCOMPARE(k.text, std::string("Kelmar. Kelmar Brimco."));
    const auto p = SpanSelector::select(kDoc, t, 0.7, Granularity::Paragraph);
    QCOMPARE(keptTexts(p), (Strings{"Torik lives in Kelmar. Kelmar is a city in Dravia."}));
    const auto both = SpanSelector::select(kDoc, t, 0.5, Granularity::Paragraph);
    QCOMPARE(both.text, kDoc.substr(0, 50) + "\n\n" + kDoc.substr(52));
  }

  void subwordTokensKeepTheirWord() {
    const std::string d = "Unbelievable things.";
    // "Un" "believ" "able" " things" "." : one sub-word token above the threshold keeps the word.
    const std::vector<ScoredToken> t = {{{0, 2}, 0.1}, {{2, 8}, 0.8}, {{8, 12}, 0.2}, {{12, 19}, 0.1}, {{19, 20}, 0.1}};
    const auto k = SpanSelector::select(d, t, 0.5, Granularity::Keyword);
    QCOMPARE(k.text, std::string("Unbelievable"));
    QCOMPARE(k.keptTokens, std::size_t(3));
    QCOMPARE(k.spans[0].mean, (0.1 + 0.8 + 0.2) / 3);
  }

  void granularityNames() {
    QCOMPARE(granularityFromName("keyword"), Granularity::Keyword);
    QCOMPARE(granularityName(Granularity::Paragraph), std::string("paragraph"));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, granularityFromName("word", "--granularity"));
  }

  void windowsCoverEveryToken() {
    const auto w = WindowPlan::cut(10, 4);
    QCOMPARE(w.size(), std::size_t(3));
    QCOMPARE(w[2].begin, std::size_t(8));
    QCOMPARE(w[2].end, std::size_t(10));
    const auto o = WindowPlan::cut(10, 4, 2);  // 0-4, 2-6, 4-8, 6-10
    QCOMPARE(o.size(), std::size_t(4));
    QCOMPARE(o.back().begin, std::size_t(6));
    QCOMPARE(o.back().end, std::size_t(10));
    QCOMPARE(WindowPlan::cut(3, 8).size(), std::size_t(1));
    QVERIFY(WindowPlan::cut(0, 8).empty());
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, WindowPlan::cut(10, 0));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, WindowPlan::cut(10, 4, 4));
  }

  void mergingAveragesOverlaps() {
    const auto w = WindowPlan::cut(6, 4, 2);  // 0-4, 2-6
    const auto m = WindowPlan::merge(w, {{0.1, 0.2, 0.3, 0.4}, {0.5, 0.6, 0.7, 0.8}}, 6);
    const std::vector<double> expected = {0.1, 0.2, (0.3 + 0.5) / 2, (0.4 + 0.6) / 2, 0.7, 0.8};
    QCOMPARE(m.size(), expected.size());
    for (std::size_t i = 0; i < m.size(); ++i) QVERIFY(std::abs(m[i] - expected[i]) < 1e-12);
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, WindowPlan::merge(w, {{0.1}}, 6));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, WindowPlan::merge(w, {{0.1, 0.2, 0.3, 0.4}, {0.5}}, 6));
  }

  void configBlock() {
    const auto d = CprsConfig::fromJson({{"num_hidden_layers", 4}}, 4, "config.json");
    QCOMPARE(d.bidirectionalLayers, int64_t(0));
    QCOMPARE(d.keepLabel(), int64_t(1));
    const nlohmann::json j = {{"cprs", {{"bidirectional_layers", 2}, {"labels", {"keep", "drop"}}}}};
    const auto c = CprsConfig::fromJson(j, 4, "config.json");
    QCOMPARE(c.bidirectionalLayers, int64_t(2));
    QCOMPARE(c.keepLabel(), int64_t(0));
    QCOMPARE(CprsConfig::fromJson({{"cprs", c.toJson()}}, 4, "x").labels, c.labels);
    auto message = [](const nlohmann::json& cprs) {
      try {
        CprsConfig::fromJson({{"cprs", cprs}}, 4, "dir/config.json");
      } catch (const std::invalid_argument& e) {
        return std::string(e.what());
      }
      return std::string();
    };
    QVERIFY(message({{"bidirectional_layers", 5}}).find("dir/config.json: cprs.bidirectional_layers") == 0);
    QVERIFY(message({{"bidirectional_layers", -1}}).find("bidirectional_layers") != std::string::npos);
    QVERIFY(message({{"labels", {"a", "b"}}}).find("\"keep\"") != std::string::npos);
    QVERIFY(message({{"labels", {"keep"}}}).find("at least two") != std::string::npos);
  }
};

QTEST_GUILESS_MAIN(TestCprsSpanSelector)
#include "TestCprsSpanSelector.moc"
