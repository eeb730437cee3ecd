// `longrl compress-eval` (trainer/cprs/ContextEvaluation, PromptFit): the same examples answered
// with the document cut to the window, compressed first, or read by the memory agent. The
// answering model is the demo warm start with its window shrunk so that the beyond-window
// examples overflow it; the compressor is the warm start with a fresh (seeded) critic.
#include <QtTest/QtTest>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "InProcessCommand.h"
#include "core/cli/ArgList.h"
#include "core/cli/UsageError.h"
#include "core/cprs/CprsPrompt.h"
#include "core/cprs/TextUnits.h"
#include "core/demo/DemoExampleGenerator.h"
#include "support/TestPaths.h"
#include "trainer/cprs/CompressEvalCommand.h"
#include "trainer/cprs/CompressTrainCommand.h"
#include "trainer/cprs/CprsCompressor.h"
#include "trainer/cprs/CprsPretrained.h"
#include "trainer/model/TorchThreads.h"
#include "trainer/train/ExampleLoader.h"

using namespace longrl;
using test::runCommand;
namespace fs = std::filesystem;

namespace {

constexpr int64_t kWindow = 400;  // the answering model's max_position_embeddings here
constexpr int64_t kMaxNew = 8;

std::string warmStart() { return test::sourcePath("resources/demo-warmstart"); }

void copyTokenizer(const std::string& to) {
  for (const char* f : {"tokenizer.json", "tokenizer_config.json"})
    fs::copy_file(fs::path(warmStart()) / f, fs::path(to) / f, fs::copy_options::overwrite_existing);
}

// The warm start with a window of kWindow tokens.
std::string smallWindowModel(const std::string& root) {
  const std::string dir = root + "/answering";
  fs::create_directories(dir);
  for (const auto& e : fs::directory_iterator(warmStart()))
    if (e.is_regular_file()) fs::copy_file(e.path(), fs::path(dir) / e.path().filename());
  nlohmann::json config = nlohmann::json::parse(std::ifstream(dir + "/config.json"));
  config["max_position_embeddings"] = kWindow;
  std::ofstream(dir + "/config.json") << config.dump(2);
  return dir;
}

std::string freshCompressor(const std::string& root) {
  const std::string dir = root + "/compressor";
  cprs::CprsConfig c;
  c.bidirectionalLayers = 1;
  auto m = cprs::CprsPretrained::load(warmStart(), c, 5);
  cprs::CprsPretrained::save(m, dir);
  copyTokenizer(dir);
  return dir;
}

// Two short examples (band 0) and two beyond-window ones (band 3).
std::string writeData(const std::string& root, std::vector<demo::DemoExample>* examples) {
  demo::DemoExampleGenerator gen(21);
  for (int i = 0; i < 4; ++i) examples->push_back(i < 2 ? gen.generate(0) : gen.generateBeyondWindow(60));
  const std::string path = root + "/data.jsonl";
  std::ofstream out(path);
  for (std::size_t i = 0; i < examples->size(); ++i) {
    const auto& ex = (*examples)[i];
    out << nlohmann::json{{"document", ex.document},
                          {"question", ex.question},
                          {"answer", ex.answer},
                          {"data_source", ex.dataSource},
                          {"extra_info", {{"index", i}, {"band", ex.band}}}}
               .dump()
        << "\n";
  }
  return path;
}

std::vector<nlohmann::json> readLines(const std::string& path) {
  std::vector<nlohmann::json> out;
  std::ifstream in(path);
  for (std::string line; std::getline(in, line);) out.push_back(nlohmann::json::parse(line));
  return out;
}

}  // namespace

class TestCompressEval : public QObject {
  Q_OBJECT
  std::string root_, model_, compressor_, data_, details_;
  std::vector<demo::DemoExample> examples_;
  nlohmann::json report_;
  std::vector<nlohmann::json> lines_;
  tokenizer::Tokenizer tok_ = tokenizer::Tokenizer::load(warmStart());

  std::vector<nlohmann::json> detailsOf(const std::string& mode) const {
    std::vector<nlohmann::json> out;
    for (const auto& l : lines_)
      if (l["mode"] == mode) out.push_back(l);
    return out;
  }
  int64_t promptTokens(const demo::DemoExample& ex, const std::string& document) const {
    dataset::DatasetRecord r;
    r.document = document;
    r.question = ex.question;
    return train::ExampleLoader::prepare(r, tok_).inputTokens();
  }

 private Q_SLOTS:
  void initTestCase() {
    model::applyTorchThreads(1);
    root_ = test::freshTempDir("compress-eval");
    model_ = smallWindowModel(root_);
    compressor_ = freshCompressor(root_);
    data_ = writeData(root_, &examples_);
    // The premise: the short examples fit the window, the long ones do not.
    QVERIFY(promptTokens(examples_[0], examples_[0].document) + kMaxNew <= kWindow);
    const int64_t longTokens = promptTokens(examples_[2], examples_[2].document);
    QVERIFY2(longTokens > 2 * kWindow, qPrintable(QString::number(longTokens)));
    details_ = root_ + "/details.jsonl";
    std::string out, err;
    QCOMPARE(runCommand(cli::compressEvalCommand(),
                        {"--model", model_, "--data", data_, "--compressor", compressor_, "--threshold", "0.5",
                         "--max-new-tokens", std::to_string(kMaxNew), "--chunk-tokens", "128", "--memory-tokens", "8",
                         "--details", details_, "--json"},
                        &out, &err),
             0);
    report_ = nlohmann::json::parse(out);
    lines_ = readLines(details_);
  }

  void onePerBandAndModeWithAnAllRow() {
    QCOMPARE(report_["max_prompt_tokens"].get<int64_t>(), kWindow - kMaxNew);
    const auto& rows = report_["rows"];
    QCOMPARE(rows.size(), std::size_t(3));
    const std::vector<std::string> groups{"0", "3", "all"};
    const std::vector<int64_t> n{2, 2, 4};
    for (std::size_t i = 0; i < 3; ++i) {
      QCOMPARE(rows[i]["group"].get<std::string>(), groups[i]);
      QCOMPARE(rows[i]["n"].get<int64_t>(), n[i]);
      for (const char* mode : {"truncate", "compress", "memory"}) {
        QCOMPARE(rows[i][mode]["n"].get<int64_t>(), n[i]);
        const double acc = rows[i][mode]["acc"].get<double>();
        QVERIFY(acc >= 0 && acc <= 1);
      }
      QVERIFY(rows[i]["memory"].contains("malformed_replies"));
    }
    // Short documents are read whole; long ones are cut.
    QCOMPARE(rows[0]["truncate"]["ratio"].get<double>(), 1.0);
    QCOMPARE(rows[0]["truncate"]["cut"].get<int64_t>(), int64_t(0));
    QCOMPARE(rows[1]["truncate"]["cut"].get<int64_t>(), int64_t(2));
    QVERIFY(rows[1]["truncate"]["ratio"].get<double>() > 2.0);
    QVERIFY(rows[1]["compress"]["ratio"].get<double>() > 1.0);
    QCOMPARE(lines_.size(), std::size_t(12));  // 4 examples x 3 modes
  }

  void truncationFillsTheWindowAndNoMore() {
    const auto lines = detailsOf("truncate");
    QCOMPARE(lines.size(), std::size_t(4));
    for (const auto& l : lines) {
      const auto& ex = examples_.at(l["index"].get<std::size_t>());
      const std::string read = l["read"];
      QCOMPARE(l["prompt_tokens"].get<int64_t>(), promptTokens(ex, read));
      QVERIFY(l["prompt_tokens"].get<int64_t>() <= kWindow - kMaxNew);
      QCOMPARE(l["read_bytes"].get<std::size_t>(), read.size());
      QVERIFY(ex.document.compare(0, read.size(), read) == 0);  // the document's start
      if (!l["cut"].get<bool>()) {
        QCOMPARE(read, ex.document);
        continue;
      }
      // One more word would not fit.
      const auto pieces = cprs::TextUnits::pieces(ex.document);
      const auto next = std::find_if(pieces.begin(), pieces.end(), [&](const auto& p) { return p.end > read.size(); });
      QVERIFY(next != pieces.end());
      QVERIFY(promptTokens(ex, ex.document.substr(0, next->end)) > kWindow - kMaxNew);
    }
  }

  void compressionPassesTheKeptText() {
    const auto tok = tokenizer::Tokenizer::load(compressor_);
    cprs::CprsCompressor compressor(cprs::CprsPretrained::load(compressor_), tok);
    cprs::CprsCompressor::Options o;
    o.threshold = 0.5;
    o.windowTokens = 256;
    bool shorter = false;
    for (const auto& l : detailsOf("compress")) {
      const auto& ex = examples_.at(l["index"].get<std::size_t>());
      const auto kept = compressor.compress(ex.document, cprs::CprsPrompt::defaultInstruction(), ex.question, o).text;
      const std::string read = l["read"];
      QCOMPARE(read, l["cut"].get<bool>() ? kept.substr(0, read.size()) : kept);
      QCOMPARE(l["prompt_tokens"].get<int64_t>(), promptTokens(ex, read));
      QVERIFY(l["prompt_tokens"].get<int64_t>() <= kWindow - kMaxNew);
      shorter = shorter || read.size() < ex.document.size();
    }
    QVERIFY(shorter);
  }

  void memoryReadsEverySection() {
    for (const auto& l : detailsOf("memory")) {
      const auto& ex = examples_.at(l["index"].get<std::size_t>());
      QCOMPARE(l["read_bytes"].get<std::size_t>(), ex.document.size());
      // 128-token sections: a long document takes several.
      if (ex.band == 3) QVERIFY(l["sections"].get<int64_t>() > promptTokens(ex, ex.document) / 128 / 2);
      QVERIFY(l["prompt_tokens"].get<int64_t>() <= kWindow);
    }
  }

  void tableIsPrinted() {
    std::string out;
    QCOMPARE(runCommand(cli::compressEvalCommand(),
                        {"--model", model_, "--data", data_, "--context", "truncate", "--max-new-tokens", "4",
                         "--limit", "2", "--by", "kind"},
                        &out),
             0);
    QVERIFY2(out.find("\nkind") != std::string::npos && out.find("truncate") != std::string::npos, out.c_str());
    // Only the asked mode is a column (the header line; the first line names paths).
    const auto header = out.substr(out.find("\nkind"), out.find('\n', out.find("\nkind") + 1) - out.find("\nkind"));
    QVERIFY2(header.find("compress") == std::string::npos && header.find("memory") == std::string::npos, out.c_str());
    QVERIFY2(out.find("\nall ") != std::string::npos, out.c_str());
  }

  void refusesBadArguments() {
    auto refused = [&](std::vector<std::string> args, const std::string& says) {
      std::string out;
      try {
        runCommand(cli::compressEvalCommand(), std::move(args), &out);
      } catch (const cli::UsageError& e) {
        if (std::string(e.what()).find(says) != std::string::npos) return true;
        qWarning("%s", e.what());
      }
      return false;
    };
    QVERIFY(refused({"--model", model_, "--data", data_}, "--context compress needs --compressor"));
    QVERIFY(refused({"--model", model_, "--data", data_, "--context", "truncate", "--compressor", compressor_},
                    "--context does not hold compress"));
    QVERIFY(refused({"--model", model_, "--data", data_, "--context", "full"}, "'full' is not one of"));
    const std::string noDoc = root_ + "/nodoc.jsonl";
    std::ofstream(noDoc)
        << R"({"prompt": [{"role": "user", "content": "What is 2+2?"}], "data_source": "demo_docmath", )"
        << R"("reward_model": {"ground_truth": "4"}})"
        << "\n";
    QVERIFY(refused({"--model", model_, "--data", noDoc, "--context", "truncate"}, "nodoc.jsonl:1: no document"));
  }

  void compressTrainEvaluatesWithoutTraining() {
    std::string out;
    QCOMPARE(runCommand(cli::compressTrainCommand(),
                        {"--init", compressor_, "--steps", "0", "--eval-examples", "1", "--eval-fillers", "30",
                         "--window-tokens", "128"},
                        &out),
             0);
    std::istringstream lines(out);
    std::vector<nlohmann::json> bands;
    for (std::string l; std::getline(lines, l);) bands.push_back(nlohmann::json::parse(l));
    QCOMPARE(bands.size(), std::size_t(4));
    QCOMPARE(bands.back()["band"].get<std::string>(), std::string("beyond_window"));
    QCOMPARE(bands.back()["fillers"].get<int>(), 30);
    QVERIFY_THROWS_EXCEPTION(cli::UsageError,
                             runCommand(cli::compressTrainCommand(), {"--init", warmStart(), "--steps", "0"}, &out));
    QVERIFY_THROWS_EXCEPTION(cli::UsageError,
                             runCommand(cli::compressTrainCommand(),
                                        {"--init", compressor_, "--steps", "0", "--out", root_}, &out));
  }
};

QTEST_MAIN(TestCompressEval)
#include "TestCompressEval.moc"
