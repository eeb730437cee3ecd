// Training a small byte-level BPE tokenizer, writing it in HF format, loading it back, and the
// `longrl tokenize` command on top of it.
#include <QtTest/QtTest>

#include <algorithm>
#include <fstream>
#include <sstream>

#include "core/cli/UsageError.h"
#include "core/dataset/PromptTemplate.h"
#include "support/TestPaths.h"
#include "trainer/tokenizer/ChatFormat.h"
#include "trainer/tokenizer/TokenizeCommand.h"
#include "trainer/tokenizer/Tokenizer.h"
#include "trainer/tokenizer/TokenizerBuilder.h"
#include "trainer/tokenizer/TokenizerError.h"

using namespace longrl::tokenizer;

namespace {

const char* const kCorpus =
    "The cat sat on the mat. The dog sat on the log. The bird sat on the tree.\n"
    "Alice met Bob in Paris. Bob met Carol in Rome. The answer is Paris.\n"
    "长文本 推理 模型。 Numbers 12 and 345.\n";

std::string buildTiny(const std::string& name, TokenizerBuilder::Options o = {}) {
  TokenizerBuilder b(o);
  for (int i = 0; i < 20; ++i) b.addText(kCorpus);
  const std::string dir = longrl::test::freshTempDir(name);
  b.write(dir);
  return dir;
}

int runCommand(std::vector<std::string> args, std::string& out) {
  std::ostringstream o, e;
  longrl::cli::ArgList list(std::move(args));
  const int rc = longrl::cli::tokenizeCommand().run(list, o, e);
  out = o.str();
  return rc;
}

}  // namespace

class TestTokenizerBuilder : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void trainsFrequentWords();
  void roundTripAndSpecials();
  void deterministic();
  void limits();
  void tokenizeCommand();
  void tokenizeSftWritesWhatSftTrains();
};

void TestTokenizerBuilder::trainsFrequentWords() {
  TokenizerBuilder::Options o;
  o.vocabSize = 300;
  const auto tok = Tokenizer::load(buildTiny("builder-freq", o));
  // " sat" and " the" occur 60/40 times per corpus copy: whole tokens after training.
  QCOMPARE(tok.encode(" sat").size(), size_t(1));
  QCOMPARE(tok.encode("The").size(), size_t(1));
  // A word never seen falls back to bytes (every byte is in the vocabulary).
  QCOMPARE(tok.encode("zqx").size(), size_t(3));
  QVERIFY(tok.model().idLimit() <= 300);
  QCOMPARE(tok.model().mergeCount(), tok.model().idLimit() - 256);
}

void TestTokenizerBuilder::roundTripAndSpecials() {
  const std::string dir = buildTiny("builder-rt");
  const auto tok = Tokenizer::load(dir);
  const size_t base = tok.model().idLimit();
  QCOMPARE(tok.tokenToId("<|endoftext|>"), int(base));
  QCOMPARE(tok.tokenToId("<|im_start|>"), int(base + 1));
  QCOMPARE(tok.eosId(), int(base + 2));
  QCOMPARE(tok.padId(), int(base));
  QCOMPARE(tok.tokenToId("</think>"), int(base + 4));
  QVERIFY(tok.supportsThinkingSwitch());
  QVERIFY(tok.isSpecial(int(base + 1)));
  QVERIFY(!tok.isSpecial(int(base + 3)));
  for (const std::string s : {std::string(kCorpus), std::string("unseen: ünïcödé 😀 \t\r\n x"), std::string("")})
    QCOMPARE(tok.decode(tok.encode(s)), s);
  const std::string chat = ChatFormat::render({{"user", "The cat?", std::nullopt}});
  const auto ids = tok.encode(chat);
  QCOMPARE(ids.front(), int(base + 1));
  QCOMPARE(tok.decode(ids), chat);
}

void TestTokenizerBuilder::deterministic() {
  TokenizerBuilder a, b;
  a.addText(kCorpus);
  b.addText(kCorpus);
  QCOMPARE(a.tokenizerJson().dump(), b.tokenizerJson().dump());
  QVERIFY(a.distinctWords() > 20);
}

void TestTokenizerBuilder::limits() {
  TokenizerBuilder::Options o;
  o.vocabSize = 10000;
  o.minFrequency = 1000000;  // no pair is that frequent: no merges at all
  TokenizerBuilder b(o);
  b.addText(kCorpus);
  QCOMPARE(b.tokenizerJson()["model"]["merges"].size(), size_t(0));
  QCOMPARE(b.tokenizerJson()["model"]["vocab"].size(), size_t(256));
  o.vocabSize = 100;
  QVERIFY_THROWS_EXCEPTION(TokenizerError, TokenizerBuilder{o});
}

void TestTokenizerBuilder::tokenizeCommand() {
  const std::string dir = buildTiny("builder-cli");
  const auto tok = Tokenizer::load(dir);
  std::string out;
  QCOMPARE(runCommand({"--tokenizer", dir, "--text", "The cat<|im_end|>"}, out), 0);
  QCOMPARE(nlohmann::json::parse(out).get<std::vector<int>>(), tok.encode("The cat<|im_end|>"));
  QCOMPARE(nlohmann::json::parse(out).back().get<int>(), tok.eosId());
  QCOMPARE(runCommand({"--tokenizer", dir, "--text", "<|im_end|>", "--no-special"}, out), 0);
  QVERIFY(nlohmann::json::parse(out).size() > 1);
  QCOMPARE(runCommand({"--tokenizer", dir, "--text", nlohmann::json(tok.encode("The mat.")).dump(), "--decode"}, out),
           0);
  QCOMPARE(nlohmann::json::parse(out).get<std::string>(), std::string("The mat."));
  const std::string file = dir + "/doc.txt";
  std::ofstream(file) << kCorpus;
  QCOMPARE(runCommand({"--tokenizer", dir, "--file", file}, out), 0);
  QCOMPARE(nlohmann::json::parse(out).size(), tok.encode(kCorpus).size());
  QCOMPARE(runCommand({"--tokenizer", dir, "--bench", file}, out), 0);
  QVERIFY(nlohmann::json::parse(out).contains("mb_per_s"));
  QVERIFY_THROWS_EXCEPTION(longrl::cli::UsageError, runCommand({"--tokenizer", dir}, out));
  QVERIFY_THROWS_EXCEPTION(longrl::cli::UsageError,
                           runCommand({"--tokenizer", dir, "--text", "[1, \"x\"]", "--decode"}, out));
  QVERIFY_THROWS_EXCEPTION(longrl::cli::UsageError, runCommand({"--tokenizer", dir, "--text", "x", "--bogus"}, out));
  QVERIFY_THROWS_EXCEPTION(TokenizerError, runCommand({"--tokenizer", dir + "/missing", "--text", "x"}, out));
  // Invalid UTF-8 would be tokenized as U+FFFD, other text than the file's: refused, saying where.
  const std::string bad = dir + "/bad.txt";
  for (const auto& [bytes, offset] : std::vector<std::pair<std::string, size_t>>{
           {"The cat\xc3(", 7}, {"ab\xe4\xb8", 2}, {"\xff", 0}, {"ok \xed\xa0\x80 surrogate", 3}}) {
    std::ofstream(bad, std::ios::binary) << bytes;
    for (const bool asFile : {true, false}) {
      try {
        runCommand({"--tokenizer", dir, asFile ? "--file" : "--text", asFile ? bad : bytes}, out);
        QFAIL(("accepted invalid UTF-8 at byte " + std::to_string(offset) + (asFile ? " in a file" : " as --text"))
                  .c_str());
      } catch (const TokenizerError& e) {
        const std::string why = e.what();
        QVERIFY2(why.find("invalid UTF-8 at byte offset " + std::to_string(offset)) != std::string::npos, e.what());
        QVERIFY2(why.find(asFile ? bad : std::string("--text")) != std::string::npos, e.what());
      }
    }
  }
  std::ofstream(bad, std::ios::binary)
      << "caf\xc3\xa9 \xe9\x95\xbf \xf0\x9f\x98\x80 \xef\xbf\xbd";  // valid, U+FFFD too
  QCOMPARE(runCommand({"--tokenizer", dir, "--file", bad}, out), 0);
  QCOMPARE(nlohmann::json::parse(out).get<std::vector<int>>(), tok.encode(longrl::test::fileBytes(bad)));
}

// `--sft` writes, per record SFT would train on, the chat-rendered prompt and the response + <|im_end|>;
// records over --max-len are left out and counted.
void TestTokenizerBuilder::tokenizeSftWritesWhatSftTrains() {
  const std::string dir = buildTiny("builder-sft");
  const auto tok = Tokenizer::load(dir);
  const std::string data = dir + "/sft.jsonl";
  {
    std::ofstream f(data);
    f << R"({"data_source":"docqa","document":"The cat sat.","question":"Who sat?","answer":"The cat"})"
      << "\n";
    f << R"({"data_source":"docqa","document":")" << std::string(400, 'x') << R"(","question":"Long?","answer":"no"})"
      << "\n";
  }
  std::string out;
  QCOMPARE(runCommand({"--tokenizer", dir, "--sft", data, "--max-len", "200"}, out), 0);
  std::istringstream lines(out);
  std::string line;
  std::vector<nlohmann::json> rows;
  while (std::getline(lines, line)) rows.push_back(nlohmann::json::parse(line));
  QCOMPARE(rows.size(), size_t(1));
  const auto prompt = tok.encode(
      ChatFormat::render({{"user", longrl::dataset::PromptTemplate::build("The cat sat.", "Who sat?"), std::nullopt}}));
  QCOMPARE(rows[0]["prompt"].get<std::vector<int>>(), prompt);
  QCOMPARE(rows[0]["target"].get<std::vector<int>>(), tok.encode("The cat<|im_end|>"));
  QCOMPARE(rows[0]["target"].back().get<int>(), tok.eosId());
  QCOMPARE(runCommand({"--tokenizer", dir, "--sft", data}, out), 0);  // no --max-len: both
  QCOMPARE(std::count(out.begin(), out.end(), '\n'), 2L);
  QVERIFY_THROWS_EXCEPTION(longrl::cli::UsageError,
                           runCommand({"--tokenizer", dir, "--sft", data, "--max-len", "0"}, out));
  QVERIFY_THROWS_EXCEPTION(longrl::cli::UsageError,
                           runCommand({"--tokenizer", dir, "--sft", data, "--text", "x"}, out));
}

QTEST_APPLESS_MAIN(TestTokenizerBuilder)
#include "TestTokenizerBuilder.moc"
