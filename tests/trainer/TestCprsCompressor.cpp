// Window-parallel compression (trainer/cprs/CprsCompressor), the compressor's training data and
// SFT (CprsTrainingData, CprsTrainer), and the `longrl compress` / `compress-train` commands, on
// the demo's tokenizer and documents with the demo warm-start model as the compressor's decoder.
#include <QtTest/QtTest>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "InProcessCommand.h"
#include "core/cli/ArgList.h"
#include "core/cprs/CprsPrompt.h"
#include "core/cprs/DemoSupport.h"
#include "core/cprs/TextUnits.h"
#include "core/demo/DemoExampleGenerator.h"
#include "support/TestPaths.h"
#include "trainer/cprs/CompressCommand.h"
#include "trainer/cprs/CompressTrainCommand.h"
#include "trainer/cprs/CprsCompressor.h"
#include "trainer/cprs/CprsPretrained.h"
#include "trainer/cprs/CprsTrainer.h"
#include "trainer/cprs/CprsTrainingData.h"
#include "trainer/cprs/DocumentTokens.h"
#include "trainer/model/TorchThreads.h"

using namespace longrl;
using test::runCommand;
using namespace longrl::cprs;
namespace fs = std::filesystem;

namespace {

std::string warmStart() { return test::sourcePath("resources/demo-warmstart"); }

CprsModel compressor(int64_t bidirectional, uint64_t seed = 3) {
  CprsConfig c;
  c.bidirectionalLayers = bidirectional;
  return CprsPretrained::load(warmStart(), c, seed);
}

}  // namespace

class TestCprsCompressor : public QObject {
  Q_OBJECT
  tokenizer::Tokenizer tok_ = tokenizer::Tokenizer::load(warmStart());

 private Q_SLOTS:
  void initTestCase() { model::applyTorchThreads(1); }

  void documentTokensDecodeToTheDocument() {
    demo::DemoExampleGenerator gen(2);
    const auto ex = gen.generate(2);
    const auto d = DocumentTokens::encode(tok_, ex.document);
    QCOMPARE(d.ids.size(), d.spans.size());
    QCOMPARE(tok_.decode(d.ids), ex.document);
    for (std::size_t i = 1; i < d.spans.size(); ++i) QVERIFY(d.spans[i - 1].end <= d.spans[i].end);
    // Piecewise tokenization stays close to the whole text's (only punctuation before a newline differs).
    const auto whole = tok_.encode(ex.document, false);
    QVERIFY2(std::abs(double(whole.size()) - double(d.ids.size())) < 0.05 * whole.size(),
             qPrintable(QString("%1 vs %2").arg(whole.size()).arg(d.ids.size())));
  }

  void batchedWindowsScoreAsOneByOne() {
    auto m = compressor(2);
    CprsCompressor c(m, tok_);
    demo::DemoExampleGenerator gen(4);
    const auto ex = gen.generateBeyondWindow(40);
    CprsCompressor::Options one;
    one.windowTokens = c.prefixTokens(CprsPrompt::defaultInstruction(), ex.question) + 50;
    one.batch = 1;
    auto many = one;
    many.batch = 4;  // the last window is short: rows are padded
    const auto a = c.score(ex.document, CprsPrompt::defaultInstruction(), ex.question, one);
    const auto b = c.score(ex.document, CprsPrompt::defaultInstruction(), ex.question, many);
    QVERIFY(a.size() > 200);  // several windows
    QCOMPARE(a.size(), b.size());
    double maxDiff = 0;
    for (std::size_t i = 0; i < a.size(); ++i) {
      QVERIFY(a[i].span == b[i].span);
      maxDiff = std::max(maxDiff, std::abs(a[i].score - b[i].score));
    }
    QVERIFY2(maxDiff < 1e-5, qPrintable(QString::number(maxDiff)));
    // The query is part of what each window sees.
    const auto other = c.score(ex.document, CprsPrompt::defaultInstruction(), "What is it?", many);
    QVERIFY(std::abs(other[0].score - b[0].score) > 1e-7);
  }

  void windowsSeeOnlyThemselvesAndOverlapsMerge() {
    auto m = compressor(2);
    CprsCompressor c(m, tok_);
    demo::DemoExampleGenerator gen(5);
    const auto ex = gen.generate(2);
    const auto q = CprsPrompt::defaultInstruction();
    CprsCompressor::Options o;
    o.windowTokens = c.prefixTokens(q, ex.question) + 64;
    const auto cut = c.score(ex.document, q, ex.question, o);
    o.windowTokens = 4096;
    const auto whole = c.score(ex.document, q, ex.question, o);
    QCOMPARE(cut.size(), whole.size());
    // Bidirectional layers: the first window's tokens see the text after them only in the whole
    // document, so the scores differ.
    double diff = 0;
    for (std::size_t i = 0; i < 10; ++i) diff = std::max(diff, std::abs(cut[i].score - whole[i].score));
    QVERIFY(diff > 1e-6);
    o.windowTokens = c.prefixTokens(q, ex.question) + 64;
    o.overlap = 32;
    const auto overlapped = c.score(ex.document, q, ex.question, o);
    QCOMPARE(overlapped.size(), cut.size());
    QVERIFY(std::abs(overlapped[0].score - cut[0].score) < 1e-5);  // token 0 is in one window only
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, [&] {
      o.windowTokens = c.prefixTokens(q, ex.question);
      o.overlap = 0;
      c.score(ex.document, q, ex.question, o);
    }());
  }

  void thresholdAndGranularityShapeTheResult() {
    auto m = compressor(1);
    CprsCompressor c(m, tok_);
    demo::DemoExampleGenerator gen(6);
    const auto ex = gen.generate(1);
    const auto q = CprsPrompt::defaultInstruction();
    CprsCompressor::Options o;
    o.threshold = 0.0;
    const auto all = c.compress(ex.document, q, ex.question, o);
    QCOMPARE(all.spans.size(), TextUnits::sentences(ex.document).size());
    // The 90th percentile of the token scores: a tenth of the tokens (about 6 a sentence) cannot
    // hold a token of every sentence.
    std::vector<double> scores;
    for (const auto& t : c.score(ex.document, q, ex.question, o)) scores.push_back(t.score);
    std::sort(scores.begin(), scores.end());
    o.threshold = scores[scores.size() * 9 / 10];
    const auto some = c.compress(ex.document, q, ex.question, o);
    QVERIFY(!some.spans.empty());
    QVERIFY(some.keptBytes < all.keptBytes);
    QVERIFY(some.ratio() > all.ratio());
    for (std::size_t i = 1; i < some.spans.size(); ++i) QVERIFY(some.spans[i - 1].span.end <= some.spans[i].span.begin);
    for (const auto& s : some.spans) QVERIFY(s.score >= o.threshold && s.mean <= s.score);
    o.granularity = Granularity::Keyword;
    const auto words = c.compress(ex.document, q, ex.question, o);
    QVERIFY(words.keptBytes < some.keptBytes);
    o.granularity = Granularity::Paragraph;
    QVERIFY(c.compress(ex.document, q, ex.question, o).keptBytes >= some.keptBytes);
  }

  void labelsMarkTheSupportingSentences() {
    for (uint64_t seed : {1, 2, 3}) {
      demo::DemoExampleGenerator gen(seed);
      const auto ex = seed == 3 ? gen.generateBeyondWindow(30) : gen.generate(2);
      const auto labels = CprsTrainingData::tokenLabels(tok_, ex);
      const auto doc = DocumentTokens::encode(tok_, ex.document);
      const auto support = DemoSupport::sentences(ex);
      QCOMPARE(labels.size(), doc.ids.size());
      std::string kept;
      for (std::size_t i = 0; i < labels.size(); ++i)
        if (labels[i]) kept += tok_.decode({doc.ids[i]});
      std::string expected;
      for (const auto& s : support) expected += " " + ex.document.substr(s.begin, s.size());
      auto squash = [](std::string s) {
        s.erase(std::remove_if(s.begin(), s.end(), [](char ch) { return TextUnits::isSpace(ch); }), s.end());
        return s;
      };
      QCOMPARE(squash(kept), squash(expected));
    }
    demo::DemoExampleGenerator gen(9);
    const auto batch = CprsTrainingData::windows(tok_, gen.generateBeyondWindow(30), 128);
    QVERIFY(batch.ids.size(0) > 1);
    QCOMPARE(batch.labels.slice(1, 0, batch.prefixLength).ne(WindowBatch::kIgnore).sum().item<int64_t>(), int64_t(0));
    QCOMPARE(batch.labels.eq(1).sum().item<int64_t>() > 0, true);
  }

  void trainingLowersTheLoss() {
    auto m = compressor(2);
    const auto heldOut = CprsTrainingData::windows(tok_, CprsTrainer::example(99, 0, 30), 128);
    auto lossNow = [&] {
      torch::NoGradGuard g;
      return CprsTrainer::loss(m, heldOut, 4.0).item<double>();
    };
    const double before = lossNow();
    CprsTrainer::Options o;
    o.steps = 12;
    o.examplesPerStep = 2;
    o.windowTokens = 128;
    o.warmupSteps = 2;
    o.lr = 3e-3;
    o.beyondWindowFillers = 30;
    std::vector<double> losses;
    CprsTrainer(m, tok_, o).run([&](int64_t, double loss, double) { losses.push_back(loss); });
    QCOMPARE(losses.size(), std::size_t(12));
    const double after = lossNow();
    qInfo("held-out loss %.4f -> %.4f", before, after);
    QVERIFY(after < before);
  }

  void compressCommandPrintsTextAndJson() {
    const std::string dir = test::freshTempDir("cprs-cmd");
    std::string out, err;
    QCOMPARE(runCommand(cli::compressTrainCommand(),
                        {"--init", warmStart(), "--out", dir, "--bidirectional-layers", "2", "--steps", "2",
                         "--examples-per-step", "1", "--window-tokens", "128", "--eval-examples", "2"},
                        &out, &err),
             0);
    QVERIFY(fs::exists(dir + "/model.safetensors") && fs::exists(dir + "/tokenizer.json"));
    std::istringstream lines(out);
    std::string line;
    int bands = 0;
    while (std::getline(lines, line)) {
      const auto j = nlohmann::json::parse(line);
      QVERIFY(j["recall"].get<double>() >= 0 && j["recall"].get<double>() <= 1);
      QVERIFY(j["ratio"].get<double>() >= 1);
      ++bands;
    }
    QCOMPARE(bands, 4);

    demo::DemoExampleGenerator gen(7);
    const auto ex = gen.generate(1);
    const std::string file = dir + "/doc.txt";
    std::ofstream(file) << ex.document;
    QCOMPARE(runCommand(cli::compressCommand(),
                        {"--model", dir, "--query", ex.question, "--file", file, "--threshold", "0", "--json"}, &out),
             0);
    const auto j = nlohmann::json::parse(out);
    QCOMPARE(j["spans"].size(), TextUnits::sentences(ex.document).size());
    QCOMPARE(j["document_bytes"].get<std::size_t>(), ex.document.size());
    QCOMPARE(j["spans"][0]["text"].get<std::string>(),
             ex.document.substr(j["spans"][0]["begin"].get<std::size_t>(),
                                j["spans"][0]["end"].get<std::size_t>() - j["spans"][0]["begin"].get<std::size_t>()));
    // What the studio reads: each span's scores, the kept bytes their sum.
    std::size_t keptBytes = 0;
    for (const auto& s : j["spans"]) {
      const double score = s["score"].get<double>(), mean = s["mean"].get<double>();
      QVERIFY(0 <= mean && mean <= score + 1e-9 && score <= 1);
      keptBytes += s["end"].get<std::size_t>() - s["begin"].get<std::size_t>();
    }
    QCOMPARE(j["kept_bytes"].get<std::size_t>(), keptBytes);
    QCOMPARE(j["granularity"].get<std::string>(), std::string("sentence"));
    // A document that is not UTF-8 (a Latin-1 byte) still gives JSON, its offsets into the bytes read.
    std::string latin = ex.document;
    latin.insert(latin.find(' '), "\xE9t\xE9");
    std::ofstream(file, std::ios::binary | std::ios::trunc) << latin;
    QCOMPARE(runCommand(cli::compressCommand(),
                        {"--model", dir, "--query", ex.question, "--file", file, "--threshold", "0", "--json"}, &out),
             0);
    const auto jl = nlohmann::json::parse(out);
    QCOMPARE(jl["document_bytes"].get<std::size_t>(), latin.size());
    const auto units = TextUnits::sentences(latin);
    QCOMPARE(jl["spans"].size(), units.size());
    QCOMPARE(jl["spans"].back()["end"].get<std::size_t>(), units.back().end);
    QCOMPARE(runCommand(cli::compressCommand(),
                        {"--model", dir, "--query", ex.question, "--file", file, "--granularity", "paragraph"}, &out),
             0);
    QVERIFY(out.find("\n\nratio: ") != std::string::npos);
    QVERIFY_THROWS_EXCEPTION(std::exception,
                             runCommand(cli::compressCommand(),
                                        {"--model", dir, "--query", "q", "--file", file, "--granularity", "word"},
                                        &out));
  }
};

QTEST_GUILESS_MAIN(TestCprsCompressor)
#include "TestCprsCompressor.moc"
