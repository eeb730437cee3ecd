#include <QtTest/QtTest>

#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>

#include "core/dataset/DatasetReader.h"
#include "core/demo/DemoDataset.h"
#include "core/demo/DemoExampleGenerator.h"
#include "core/reward/RewardFunction.h"
#include "support/TestPaths.h"

using namespace longrl::demo;

namespace {
std::string slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::size_t words(const std::string& s) {
  std::istringstream in(s);
  std::size_t n = 0;
  std::string w;
  while (in >> w) ++n;
  return n;
}
}  // namespace

class TestDemoDataset : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void evidenceIsInTheDocumentAndTheTargetScoresOne() {
    DemoExampleGenerator gen(5);
    longrl::reward::RewardFunction reward;
    std::map<std::string, int> kinds;
    for (int band = 0; band < 3; ++band) {
      for (int i = 0; i < 150; ++i) {
        const auto ex = gen.generate(band);
        kinds[ex.kind]++;
        // Every fact sentence the target response cites is in the document verbatim.
        const auto think = ex.targetResponse.substr(7, ex.targetResponse.find("</think>") - 7);
        std::regex sentence(
            R"(([A-Z][^.]*? (lives in|works for|is based in|is a city in|reported revenue of) [^.]*\.))");
        int cited = 0;
        for (std::sregex_iterator it(think.begin(), think.end(), sentence), end; it != end; ++it, ++cited)
          QVERIFY2(ex.document.find(it->str()) != std::string::npos, it->str().c_str());
        QVERIFY2(cited >= 1, think.c_str());
        // The answer is not given away by the question.
        QVERIFY(ex.question.find(ex.answer) == std::string::npos || ex.kind.rfind("revenue", 0) == 0);
        longrl::reward::RewardInput in;
        in.data_source = ex.dataSource;
        in.response = ex.targetResponse;
        in.ground_truth = longrl::reward::GroundTruth(ex.answer);
        const auto r = reward.compute(in);
        QVERIFY2(r.score == 1.0, (ex.kind + ": " + ex.targetResponse + " vs " + ex.answer + " -> " + r.method).c_str());
        // A wrong answer scores 0.
        in.response = "<think></think> Therefore, the answer is Nowhere123.";
        QCOMPARE(reward.compute(in).score, 0.0);
      }
    }
    for (const char* k : {"lives_in_country", "company_city", "revenue", "revenue_sum", "revenue_change"})
      QVERIFY2(kinds[k] > 10, k);
  }

  void bandsGrowInLength() {
    DemoExampleGenerator gen(9);
    double mean[3] = {0, 0, 0};
    for (int band = 0; band < 3; ++band) {
      for (int i = 0; i < 30; ++i) mean[band] += words(gen.generate(band).document) / 30.0;
    }
    QVERIFY2(mean[0] > 60 && mean[0] < 250, qPrintable(QString::number(mean[0])));
    QVERIFY2(mean[1] > 1.6 * mean[0], qPrintable(QString::number(mean[1])));
    QVERIFY2(mean[2] > 1.6 * mean[1], qPrintable(QString::number(mean[2])));
  }

  void longerBandsAddDistractorsNotEntities() {
    // The demo model's look-ups get hard with more people and companies to tell apart, not with
    // length: the longer bands have at most 3 people and one company, and more distractors.
    DemoExampleGenerator gen(11);
    for (int band = 0; band < 3; ++band) {
      double visited = 0;
      for (int i = 0; i < 30; ++i) {
        const auto ex = gen.generate(band);
        std::set<std::string> people, companies;
        for (size_t at = 0; (at = ex.document.find(" works for ", at)) != std::string::npos; ++at) {
          const size_t start = ex.document.find_last_of(" \n", at - 1) + 1;
          people.insert(ex.document.substr(start, at - start));
          const size_t end = ex.document.find('.', at);
          companies.insert(ex.document.substr(at + 11, end - at - 11));
        }
        QVERIFY2(people.size() >= 2 && people.size() <= 3, ex.document.c_str());
        QCOMPARE(companies.size(), size_t(1));
        for (size_t at = 0; (at = ex.document.find(" visited ", at)) != std::string::npos; ++at) ++visited;
      }
      QVERIFY2(visited / 30 >= (band == 0 ? 1 : band == 1 ? 4 : 8), qPrintable(QString::number(visited / 30)));
    }
  }

  void beyondTheWindowNeedsFactsFromFarApart() {
    // Documents for the memory agent: longer than the demo model's 4,096-token window, with the
    // question's two facts in the first and the last fifth, each exactly once.
    DemoExampleGenerator gen(5);
    std::map<std::string, int> kinds;
    for (int i = 0; i < 12; ++i) {
      const auto ex = gen.generateBeyondWindow(DemoDatasetOptions{}.longFillers);
      QCOMPARE(ex.band, 3);
      QVERIFY2(words(ex.document) > 3500, qPrintable(QString::number(words(ex.document))));
      ++kinds[ex.kind];
      const std::string think = ex.targetResponse.substr(7, ex.targetResponse.find("</think>") - 7);
      const std::string hop1 = think.substr(0, think.find(". ") + 1), hop2 = think.substr(think.find(". ") + 2);
      const auto p1 = ex.document.find(hop1), p2 = ex.document.find(hop2);
      QVERIFY2(p1 != std::string::npos && p2 != std::string::npos, think.c_str());
      QCOMPARE(ex.document.find(hop1, p1 + 1), std::string::npos);
      QCOMPARE(ex.document.find(hop2, p2 + 1), std::string::npos);
      QVERIFY2(p1 < ex.document.size() / 4, qPrintable(QString::number(double(p1) / ex.document.size())));
      QVERIFY2(p2 > ex.document.size() * 3 / 4, qPrintable(QString::number(double(p2) / ex.document.size())));
      QVERIFY(hop2.find(ex.answer) != std::string::npos);
    }
    QVERIFY(kinds["lives_in_country"] > 0 && kinds["company_city"] > 0);
  }

  void writesReadableDeterministicFiles() {
    const std::string a = longrl::test::freshTempDir("demo-a"), b = longrl::test::freshTempDir("demo-b");
    DemoDatasetOptions o;
    o.trainPerBand = 20;
    o.valPerBand = 5;
    o.sftPerBand = 10;
    const auto fa = writeDemoDataset(a, o);
    const auto fb = writeDemoDataset(b, o);
    QCOMPARE(fa.trainCount, 60);
    QCOMPARE(slurp(fa.train), slurp(fb.train));
    QCOMPARE(slurp(fa.corpus), slurp(fb.corpus));
    const auto train = longrl::dataset::DatasetReader::readFile(fa.train);
    QCOMPARE(train.records.size(), std::size_t(60));
    QCOMPARE(train.records[0].extraInfo["band"].get<int>(), 0);
    QCOMPARE(train.records[59].extraInfo["band"].get<int>(), 2);
    QCOMPARE(slurp(fa.longTrain), slurp(fb.longTrain));
    const auto longTrain = longrl::dataset::DatasetReader::readFile(fa.longTrain);
    QCOMPARE(longTrain.records.size(), std::size_t(o.longTrain));
    QCOMPARE(longTrain.records[0].index, int64_t(60));  // ids continue after train.jsonl's
    QCOMPARE(longTrain.records[0].extraInfo["band"].get<int>(), 3);
    QCOMPARE(longrl::dataset::DatasetReader::readFile(fa.longVal).records.size(), std::size_t(o.longVal));
    QVERIFY(slurp(fa.corpus).find(longTrain.records[0].document.substr(0, 200)) == std::string::npos);
    const auto sft = longrl::dataset::DatasetReader::readFile(fa.sft);
    QVERIFY(sft.records[0].groundTruth[0].rfind("<think>", 0) == 0);
    // Splits do not share documents.
    const auto val = longrl::dataset::DatasetReader::readFile(fa.val);
    for (const auto& v : val.records)
      for (const auto& t : train.records) QVERIFY(v.document != t.document);
    // Writing again replaces, not appends.
    writeDemoDataset(a, o);
    QCOMPARE(longrl::dataset::DatasetReader::readFile(fa.train).records.size(), std::size_t(60));
  }
};

QTEST_APPLESS_MAIN(TestDemoDataset)
#include "TestDemoDataset.moc"
