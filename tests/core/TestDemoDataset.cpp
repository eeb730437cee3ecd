#include <QtTest/QtTest>

#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
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
        std::regex sentence(R"(([A-Z][^.]*? (lives in|works for|is based in|is a city in|reported revenue of) [^.]*\.))");
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
