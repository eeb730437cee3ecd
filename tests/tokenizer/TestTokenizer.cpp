// Unit tests of the tokenizer pieces against hand-computed expectations: the Qwen pre-tokenizer
// regex, NFC, the byte-level map, BPE merge order, added tokens, decoding and file errors.
#include <QtTest/QtTest>

#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>

#include "support/TestPaths.h"
#include "trainer/tokenizer/ByteLevel.h"
#include "trainer/tokenizer/Nfc.h"
#include "trainer/tokenizer/PreTokenizer.h"
#include "trainer/tokenizer/Tokenizer.h"
#include "trainer/tokenizer/TokenizerError.h"

using namespace longrl::tokenizer;
using nlohmann::json;
using Strings = std::vector<std::string>;

namespace {

// A tiny byte-level BPE: ids 0..255 are the bytes, then five merges, then added tokens.
json tinyTokenizer() {
  json vocab = json::object();
  for (int b = 0; b < 256; ++b) vocab[ByteLevel::encode(std::string(1, static_cast<char>(b)))] = b;
  vocab["ll"] = 256;
  vocab["he"] = 257;
  vocab["hell"] = 258;
  vocab["hello"] = 259;
  vocab["Ġw"] = 260;
  json merges = json::array(
      {json::array({"l", "l"}), "h e", json::array({"he", "ll"}), json::array({"hell", "o"}), json::array({"Ġ", "w"})});
  json byteLevel = {{"type", "ByteLevel"}, {"add_prefix_space", false}, {"trim_offsets", false}, {"use_regex", false}};
  return json{{"added_tokens",
               {{{"id", 300}, {"content", "<|im_end|>"}, {"special", true}},
                {{"id", 301}, {"content", "<think>"}, {"special", false}},
                {{"id", 302}, {"content", "<|im"}, {"special", true}},
                {{"id", 303}, {"content", "<R>"}, {"special", true}, {"rstrip", true}, {"lstrip", true}}}},
              {"normalizer", {{"type", "NFC"}}},
              {"pre_tokenizer",
               {{"type", "Sequence"},
                {"pretokenizers",
                 {{{"type", "Split"},
                   {"pattern", {{"Regex", PreTokenizer::qwenPattern()}}},
                   {"behavior", "Isolated"},
                   {"invert", false}},
                  byteLevel}}}},
              {"decoder", byteLevel},
              {"model", {{"type", "BPE"}, {"vocab", vocab}, {"merges", merges}}}};
}

int byteId(unsigned char b) { return b; }

}  // namespace

class TestTokenizer : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void preTokenizerSplits_data();
  void preTokenizerSplits();
  void nfc_data();
  void nfc();
  void byteLevelMap();
  void bpeMergesByRank();
  void addedTokens();
  void decodeHandlesCutBytes();
  void configTokens();
  void loadErrors();
  void hostileFilesNameTheField();
};

void TestTokenizer::preTokenizerSplits_data() {
  QTest::addColumn<QString>("text");
  QTest::addColumn<QStringList>("pieces");
  auto row = [](const char* name, const char* text, QStringList pieces) {
    QTest::newRow(name) << QString::fromUtf8(text) << pieces;
  };
  row("words", "Hello world", {"Hello", " world"});
  row("contraction", "I'm here, don't", {"I", "'m", " here", ",", " don", "'t"});
  row("contraction-case", "'S'll'LL'x", {"'S", "'ll", "'LL", "'x"});
  row("two-spaces", "a  b", {"a", " ", " b"});
  row("newlines", "a\n\nb", {"a", "\n\n", "b"});
  row("spaces-newline-spaces", "x   \n  y", {"x", "   \n", " ", " y"});
  row("digits", "12345", {"1", "2", "3", "4", "5"});
  row("punct-newlines", "hello!!!\n\nworld", {"hello", "!!!\n\n", "world"});
  row("space-paren", " (foo)", {" (", "foo", ")"});
  row("trailing", "trailing  ", {"trailing", "  "});
  row("chinese", "你好，世界", {"你好", "，世界"});
  row("tabs", "\t\tfoo", {"\t", "\tfoo"});
  row("crlf", "a\r\nb", {"a", "\r\n", "b"});
  row("nbsp-letter", "x\u00a0y", {"x", "\u00a0y"});
  row("digit-letter", "3rd", {"3", "rd"});
  row("emoji", "hi 😀!", {"hi", " 😀!"});
}

void TestTokenizer::preTokenizerSplits() {
  QFETCH(QString, text);
  QFETCH(QStringList, pieces);
  const auto got = PreTokenizer::splitToStrings(text.toStdString());
  QStringList gotList;
  for (const auto& s : got) gotList << QString::fromStdString(s);
  QCOMPARE(gotList, pieces);
}

void TestTokenizer::nfc_data() {
  QTest::addColumn<QString>("input");
  QTest::addColumn<QString>("expected");
  QTest::newRow("ascii") << "plain text"
                         << "plain text";
  QTest::newRow("compose") << QString::fromUtf8("Cafe\u0301") << QString::fromUtf8("Caf\u00e9");
  QTest::newRow("precomposed") << QString::fromUtf8("caf\u00e9") << QString::fromUtf8("caf\u00e9");
  QTest::newRow("singleton") << QString::fromUtf8("\u212b") << QString::fromUtf8("\u00c5");
  QTest::newRow("hangul") << QString::fromUtf8("\u1100\u1161\u11a8") << QString::fromUtf8("\uac01");
  QTest::newRow("hangul-lv+t") << QString::fromUtf8("\uac00\u11a8") << QString::fromUtf8("\uac01");
  QTest::newRow("reorder") << QString::fromUtf8("a\u0301\u0328") << QString::fromUtf8("\u0105\u0301");
  QTest::newRow("exclusion") << QString::fromUtf8("\u0958") << QString::fromUtf8("\u0915\u093c");
  QTest::newRow("second-mark") << QString::fromUtf8("a\u0308\u0308") << QString::fromUtf8("\u00e4\u0308");
  QTest::newRow("mark-first") << QString::fromUtf8("\u0301e") << QString::fromUtf8("\u0301e");
  QTest::newRow("mixed") << QString::fromUtf8("x e\u0301 \u4e2d o\u0308!")
                         << QString::fromUtf8("x \u00e9 \u4e2d \u00f6!");
}

void TestTokenizer::nfc() {
  QFETCH(QString, input);
  QFETCH(QString, expected);
  QCOMPARE(QString::fromStdString(Nfc::normalize(input.toStdString())), expected);
  // Qt's own NFC (ICU-independent data) agrees.
  QCOMPARE(input.normalized(QString::NormalizationForm_C), expected);
}

void TestTokenizer::byteLevelMap() {
  QCOMPARE(ByteLevel::encode(" "), std::string("\u0120"));
  QCOMPARE(ByteLevel::encode("\n"), std::string("\u010a"));
  QCOMPARE(ByteLevel::encode(std::string(1, '\0')), std::string("\u0100"));
  QCOMPARE(ByteLevel::encode("\xad"), std::string("\u0143"));
  QCOMPARE(ByteLevel::encode("a!"), std::string("a!"));
  std::string all, back;
  for (int b = 0; b < 256; ++b) all.push_back(static_cast<char>(b));
  QVERIFY(ByteLevel::decode(ByteLevel::encode(all), back));
  QCOMPARE(back, all);
  QVERIFY(!ByteLevel::decode("\u4e2d", back));
}

void TestTokenizer::bpeMergesByRank() {
  const auto tok = Tokenizer::fromJson(tinyTokenizer());
  QCOMPARE(tok.encode("hello"), std::vector<int>({259}));
  QCOMPARE(tok.encode("hello world"), std::vector<int>({259, 260, 'o', 'r', 'l', 'd'}));
  // "lll": the leftmost pair merges first.
  QCOMPARE(tok.encode("lll"), std::vector<int>({256, 'l'}));
  // "hel": h+e (rank 1) applies, e+l has no rank.
  QCOMPARE(tok.encode("hel"), std::vector<int>({257, 'l'}));
  QCOMPARE(tok.encode("\u00e9"), std::vector<int>({byteId(0xC3), byteId(0xA9)}));
  QCOMPARE(tok.encode(""), std::vector<int>());
  QCOMPARE(tok.decode(tok.encode("hello world \u4e2d\u6587\n")), std::string("hello world \u4e2d\u6587\n"));
  QCOMPARE(tok.idToToken(259), std::string("hello"));
  QCOMPARE(tok.tokenToId("Ġw"), 260);
  QCOMPARE(tok.tokenToId("nope"), -1);
  QCOMPARE(tok.vocabSize(), size_t(304));
  QVERIFY_THROWS_EXCEPTION(TokenizerError, tok.idToToken(280));
}

void TestTokenizer::addedTokens() {
  const auto tok = Tokenizer::fromJson(tinyTokenizer());
  QCOMPARE(tok.encode("hello<|im_end|>"), std::vector<int>({259, 300}));
  // Longest match wins over the shorter "<|im".
  QCOMPARE(tok.encode("<|im<|im_end|>"), std::vector<int>({302, 300}));
  QCOMPARE(tok.encode("<think>hello"), std::vector<int>({301, 259}));
  // lstrip/rstrip swallow the whitespace around "<R>".
  QCOMPARE(tok.encode("hello  <R>  hello"), std::vector<int>({259, 303, 259}));
  // Without special parsing the markup is plain text.
  const auto plain = tok.encode("<|im_end|>", false);
  QCOMPARE(plain.size(), size_t(10));
  QCOMPARE(plain.front(), int('<'));
  QVERIFY(tok.isSpecial(300));
  QVERIFY(!tok.isSpecial(301));
  QCOMPARE(tok.decode({259, 300, 301}), std::string("hello<|im_end|><think>"));
  QCOMPARE(tok.decode({259, 300, 301}, true), std::string("hello<think>"));
}

void TestTokenizer::decodeHandlesCutBytes() {
  const auto tok = Tokenizer::fromJson(tinyTokenizer());
  QCOMPARE(tok.decode({byteId(0xC3)}), std::string("\ufffd"));
  QCOMPARE(tok.decode({byteId(0xC3), 300, byteId(0xA9)}), std::string("\ufffd<|im_end|>\ufffd"));
  QCOMPARE(tok.decode({byteId(0xC3), byteId(0xA9)}), std::string("\u00e9"));
  QVERIFY_THROWS_EXCEPTION(TokenizerError, tok.decode({-1}));
  QVERIFY_THROWS_EXCEPTION(TokenizerError, tok.decode({100000}));
  // Invalid UTF-8 input is read as U+FFFD, never passed through as raw bytes.
  QCOMPARE(tok.decode(tok.encode(std::string("a\xff") + "b")), std::string("a\ufffdb"));
}

void TestTokenizer::configTokens() {
  const std::string dir = longrl::test::freshTempDir("tok-config");
  std::ofstream(dir + "/tokenizer.json") << tinyTokenizer().dump();
  std::ofstream(dir + "/tokenizer_config.json") << json{
      {"eos_token", "<|im_end|>"},
      {"pad_token", {{"content", "<think>"}}},
      {"chat_template", "x enable_thinking"}}.dump();
  const auto tok = Tokenizer::load(dir);
  QCOMPARE(tok.eosId(), 300);
  QCOMPARE(tok.padId(), 301);
  QCOMPARE(tok.bosToken(), std::string());
  QVERIFY(tok.supportsThinkingSwitch());
  // A file path works as well as its directory.
  QCOMPARE(Tokenizer::load(dir + "/tokenizer.json").eosId(), 300);
}

void TestTokenizer::loadErrors() {
  auto expectError = [](const json& j, const char* needle) {
    try {
      Tokenizer::fromJson(j, json(), "tiny.json");
    } catch (const TokenizerError& e) {
      const std::string msg = e.what();
      QVERIFY2(msg.find(needle) != std::string::npos && msg.find("tiny.json") != std::string::npos, e.what());
      return;
    }
    QFAIL(qPrintable(QString("no error for ") + needle));
  };
  json j = tinyTokenizer();
  j["model"]["merges"].push_back(json::array({"x", "y"}));
  expectError(j, "model.merges[5]: merged token 'xy'");
  j = tinyTokenizer();
  j["model"]["merges"].push_back("lonely");
  expectError(j, "model.merges[5]");
  j = tinyTokenizer();
  j["pre_tokenizer"]["pretokenizers"][0]["pattern"]["Regex"] = "\\s+";
  expectError(j, "pattern.Regex");
  j = tinyTokenizer();
  j["normalizer"] = {{"type", "NFKC"}};
  expectError(j, "normalizer.type 'NFKC'");
  j = tinyTokenizer();
  j["model"]["vocab"]["bad"] = "x";
  expectError(j, "model.vocab[\"bad\"]");
  j = tinyTokenizer();
  j["added_tokens"].push_back({{"id", 5}});
  expectError(j, "added_tokens[4]");
  const std::string dir = longrl::test::freshTempDir("tok-errors");
  QVERIFY_THROWS_EXCEPTION(TokenizerError, Tokenizer::load(dir));
  std::ofstream(dir + "/tokenizer.json") << "{ not json";
  try {
    Tokenizer::load(dir);
    QFAIL("no error for invalid JSON");
  } catch (const TokenizerError& e) {
    QVERIFY2(std::string(e.what()).find("tokenizer.json: invalid JSON") != std::string::npos, e.what());
  }
}

// Wrong types, absurd ids and deep nesting: a TokenizerError naming the file and the field, never
// nlohmann's bare type_error, a crash, or gigabytes allocated for one corrupt id.
void TestTokenizer::hostileFilesNameTheField() {
  struct Case {
    std::function<void(json&)> spoil;
    std::string needle;
  };
  json nested = {{"type", "NFC"}};
  for (int i = 0; i < 50; ++i) nested = {{"type", "Sequence"}, {"normalizers", json::array({std::move(nested)})}};
  const std::vector<Case> cases = {
      {[](json& j) { j["normalizer"] = "NFC"; }, "normalizer must be an object"},
      {[](json& j) {
         j["normalizer"] = {{"type", 5}};
       },
       "normalizer.type must be a string"},
      {[&](json& j) { j["normalizer"] = nested; }, "deeper than 8 levels"},
      {[](json& j) { j["model"]["type"] = json::array({"BPE"}); }, "model.type must be a string"},
      {[](json& j) { j["model"]["byte_fallback"] = "no"; }, "model.byte_fallback must be true or false"},
      {[](json& j) { j["model"]["ignore_merges"] = 1; }, "model.ignore_merges must be true or false"},
      {[](json& j) { j["model"]["vocab"]["huge"] = 1 << 30; }, "model.vocab[\"huge\"] must be an integer id from 0 to"},
      {[](json& j) { j["model"]["vocab"]["huge"] = 1e300; }, "model.vocab[\"huge\"]"},
      {[](json& j) { j["model"]["vocab"]["zz"] = 256; }, "has id 256, as"},
      {[](json& j) { j["pre_tokenizer"]["pretokenizers"][0] = "Split"; }, "pretokenizers[0] must be an object"},
      {[](json& j) { j["pre_tokenizer"]["pretokenizers"][0]["pattern"]["Regex"] = 3; },
       "pretokenizers[0].pattern.Regex must be a string"},
      {[](json& j) { j["pre_tokenizer"]["pretokenizers"][0]["invert"] = "false"; },
       "pretokenizers[0].invert must be true or false"},
      {[](json& j) { j["pre_tokenizer"]["pretokenizers"][1]["use_regex"] = "no"; },
       "pretokenizers[1].use_regex must be true or false"},
      {[](json& j) { j["pre_tokenizer"]["type"] = 1; }, "pre_tokenizer.type must be a string"},
      {[](json& j) { j["decoder"] = "ByteLevel"; }, "decoder must be an object"},
      {[](json& j) { j["added_tokens"][1]["special"] = "yes"; }, "added_tokens[1].special must be true or false"},
      {[](json& j) { j["added_tokens"][0]["id"] = -1; }, "added_tokens[0].id must be from 0"},
      {[](json& j) { j["added_tokens"][0]["id"] = int64_t{1} << 40; }, "added_tokens[0].id must be from 0"},
  };
  for (const auto& c : cases) {
    json j = tinyTokenizer();
    c.spoil(j);
    try {
      Tokenizer::fromJson(j, json(), "tiny.json");
      QFAIL(qPrintable(QString::fromStdString("no error for " + c.needle)));
    } catch (const TokenizerError& e) {
      const std::string msg = e.what();
      QVERIFY2(msg.find(c.needle) != std::string::npos && msg.find("tiny.json") != std::string::npos, e.what());
    }
  }
  // A file cut short names itself; so does one with a number JSON cannot hold.
  const std::string dir = longrl::test::freshTempDir("tok-hostile");
  const std::string whole = tinyTokenizer().dump();
  for (const std::string& text : {whole.substr(0, whole.size() / 2), std::string("{\"model\": 1e999}")}) {
    std::ofstream(dir + "/tokenizer.json", std::ios::trunc) << text;
    try {
      Tokenizer::load(dir);
      QFAIL("no error for a broken tokenizer.json");
    } catch (const TokenizerError& e) {
      QVERIFY2(std::string(e.what()).find("tokenizer.json: invalid JSON") != std::string::npos, e.what());
    }
  }
}

QTEST_APPLESS_MAIN(TestTokenizer)
#include "TestTokenizer.moc"
