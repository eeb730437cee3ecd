// The model's own chat template where longrl builds prompts (SFT here; rollouts, eval and serve in
// tests/trainer/TestChatTemplateModels), checked against python3 jinja2 rendering the same template;
// and a response after a generation prompt that opened <think> (DeepSeek-R1-Distill): no opening tag,
// same thinking / answer / reward as with one, and its thinking streamed piece by piece (ThinkStream).
#include <QtTest/QtTest>

#include <random>

#include "core/dataset/PromptTemplate.h"
#include "core/reward/AnswerExtractor.h"
#include "support/ChatTemplates.h"
#include "support/TestPaths.h"
#include "trainer/tokenizer/ChatFormat.h"
#include "trainer/tokenizer/SftTokens.h"
#include "trainer/tokenizer/ThinkSplit.h"
#include "trainer/tokenizer/ThinkStream.h"
#include "trainer/tokenizer/Tokenizer.h"

using namespace longrl;
using namespace longrl::tokenizer;
using longrl::test::ChatFamily;
using nlohmann::json;

namespace {

const char* const kCorpus =
    "Please read the following text and answer the question below.\n"
    "Alice lives in Oslo. Bruno lives in Lima. Where does Alice live? Therefore, the answer is Oslo.\n"
    "First, the text says that Alice lives in Oslo.\n";

Tokenizer chatTokenizer(ChatFamily f) {
  const std::string dir = test::freshTempDir("chat-tokenizer");
  test::writeChatTokenizer(dir, std::string(kCorpus) + kCorpus, f);
  return Tokenizer::load(dir);
}

dataset::DatasetRecord record(const std::string& answer) {
  dataset::DatasetRecord r;
  r.dataSource = "multihoprag";
  r.document = "Alice lives in Oslo. Bruno lives in Lima.";
  r.question = "Where does Alice live?";
  r.groundTruth = {answer};
  return r;
}

// The streamed pieces of `text` fed in chunks of `chunk` bytes, concatenated.
std::string streamed(const std::string& text, bool opened, size_t chunk) {
  ThinkStream s(opened);
  std::string out;
  for (size_t end = 0; end < text.size();) {
    end = std::min(text.size(), end + chunk);
    out += s.push(text.substr(0, end));
  }
  return out + s.push(text, true);
}

}  // namespace

class TestChatTemplateWiring : public QObject {
  Q_OBJECT
 private:
  std::optional<std::string> reference(const Tokenizer& tok, const json& messages, bool addGen = true,
                                       const json& extra = json::object()) {
    std::string why;
    auto r =
        test::referenceRender(tok.chatTemplateText(), messages, addGen, extra, tok.bosToken(), tok.eosToken(), &why);
    if (!r) qWarning("%s", why.c_str());
    return r;
  }

 private Q_SLOTS:
  void promptsAreTheTemplates_data();
  void promptsAreTheTemplates();
  void sftTokensR1();
  void sftTokensQwen3();
  void sftTokensChatMlFallback();
  void sftTargetText();
  void openedThinkingSplitsAlike();
  void thinkStream_data();
  void thinkStream();
};

void TestChatTemplateWiring::promptsAreTheTemplates_data() {
  QTest::addColumn<int>("family");
  QTest::addColumn<int>("enableThinking");  // -1 unset, 0 false, 1 true
  QTest::addColumn<QString>("opened");
  QTest::newRow("r1") << int(ChatFamily::R1Distill) << -1 << "<think>\n";
  QTest::newRow("qwen3") << int(ChatFamily::Qwen3) << -1 << "";
  QTest::newRow("qwen3-thinking") << int(ChatFamily::Qwen3) << 1 << "";
  QTest::newRow("qwen3-no-thinking") << int(ChatFamily::Qwen3) << 0 << "";
}

// The rendered generation prompt, and what it leaves open, for a user turn and a short history.
void TestChatTemplateWiring::promptsAreTheTemplates() {
  QFETCH(int, family);
  QFETCH(int, enableThinking);
  QFETCH(QString, opened);
  const auto tok = chatTokenizer(ChatFamily(family));
  QVERIFY(!tok.chatTemplate().isChatMlFallback());
  ChatTemplateOptions o;
  json extra = json::object();
  if (enableThinking >= 0) {
    o.enableThinking = enableThinking == 1;
    extra["enable_thinking"] = enableThinking == 1;
  }
  const std::vector<ChatMessage> history = {{"system", "Be brief.", std::nullopt},
                                            {"user", "Where does Alice live?", std::nullopt},
                                            {"assistant", "<think>\nweigh\n</think>\n\nOslo", std::nullopt},
                                            {"user", "And Bruno?", std::nullopt}};
  const json historyJson = json::array({{{"role", "system"}, {"content", "Be brief."}},
                                        {{"role", "user"}, {"content", "Where does Alice live?"}},
                                        {{"role", "assistant"}, {"content", "<think>\nweigh\n</think>\n\nOslo"}},
                                        {{"role", "user"}, {"content", "And Bruno?"}}});
  for (size_t n : {size_t(2), size_t(4)}) {
    const std::vector<ChatMessage> msgs(history.begin(), history.begin() + static_cast<long>(n));
    const json msgsJson(historyJson.begin(), historyJson.begin() + static_cast<long>(n));
    const auto ref = reference(tok, msgsJson, true, extra);
    if (!ref) QSKIP("no python3 jinja2 reference");
    QCOMPARE(tok.applyChatTemplate(msgs, o), *ref);
    QCOMPARE(QString::fromStdString(tok.chatTemplate().openedThinking(msgs, o)), opened);
    QVERIFY(ref->size() >= size_t(opened.size()) &&
            ref->substr(ref->size() - opened.toStdString().size()) == opened.toStdString());
  }
}

// R1 opens <think> in the prompt: the target continues inside the block, ends with the eos.
void TestChatTemplateWiring::sftTokensR1() {
  const auto tok = chatTokenizer(ChatFamily::R1Distill);
  const std::string user = dataset::PromptTemplate::build(record("x").document, record("x").question);
  const auto prompt = reference(tok, json::array({{{"role", "user"}, {"content", user}}}));
  if (!prompt) QSKIP("no python3 jinja2 reference");
  QVERIFY(prompt->size() > 8 && prompt->substr(prompt->size() - 8) == "<think>\n");
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"<think>\nAlice lives in Oslo.\n</think>\n\nTherefore, the answer is Oslo.",
       "Alice lives in Oslo.\n</think>\n\nTherefore, the answer is Oslo."},
      {"<think>Alice lives in Oslo.</think> Therefore, the answer is Oslo.",  // the demo's form
       "Alice lives in Oslo.</think> Therefore, the answer is Oslo."}};
  for (const auto& [response, body] : cases) {
    const auto t = SftTokens::of(record(response), tok, 100000);
    QVERIFY(t);
    QCOMPARE(t->promptIds, tok.encode(*prompt));
    QCOMPARE(t->targetIds, tok.encode(body + test::kR1Eos));
    QCOMPARE(t->targetIds.back(), tok.eosId());
    // Prompt and target together hold exactly one <think>, the prompt's.
    const std::string whole = tok.decode(t->promptIds) + tok.decode(t->targetIds);
    QCOMPARE(whole.find("<think>"), prompt->size() - 8);
    QCOMPARE(whole.rfind("<think>"), prompt->size() - 8);
  }
  // A response without the tag is kept as it is.
  const auto plain = SftTokens::of(record("Oslo"), tok, 100000);
  QCOMPARE(plain->targetIds, tok.encode(std::string("Oslo") + test::kR1Eos));
}

// Qwen3's prompt opens nothing: the response keeps its <think>, and ends with <|im_end|> (its eos).
void TestChatTemplateWiring::sftTokensQwen3() {
  const auto tok = chatTokenizer(ChatFamily::Qwen3);
  const std::string user = dataset::PromptTemplate::build(record("x").document, record("x").question);
  const auto prompt = reference(tok, json::array({{{"role", "user"}, {"content", user}}}));
  if (!prompt) QSKIP("no python3 jinja2 reference");
  const std::string response = "<think>\nAlice lives in Oslo.\n</think>\n\nTherefore, the answer is Oslo.";
  const auto t = SftTokens::of(record(response), tok, 100000);
  QCOMPARE(t->promptIds, tok.encode(*prompt));
  QCOMPARE(t->targetIds, tok.encode(response + "<|im_end|>"));
  QCOMPARE(tok.eosToken(), std::string("<|im_end|>"));
  // Prompt + target is what the template renders for the finished conversation, minus its last newline.
  const auto full =
      reference(tok,
                json::array({{{"role", "user"}, {"content", user}}, {{"role", "assistant"}, {"content", response}}}),
                false);
  QCOMPARE(tok.decode(t->promptIds) + tok.decode(t->targetIds) + "\n", *full);
}

// A tokenizer without chat_template: ChatML, the same ids as before templates were read.
void TestChatTemplateWiring::sftTokensChatMlFallback() {
  const std::string dir = test::freshTempDir("chatml-fallback");
  test::writeChatTokenizer(dir, kCorpus, ChatFamily::Qwen3);
  auto config = json::parse(test::fileBytes(dir + "/tokenizer_config.json"));
  config.erase("chat_template");
  std::ofstream(dir + "/tokenizer_config.json") << config.dump();
  const auto tok = Tokenizer::load(dir);
  QVERIFY(tok.chatTemplate().isChatMlFallback());
  const std::string response = "<think>x</think> Therefore, the answer is Oslo.";
  const auto t = SftTokens::of(record(response), tok, 100000);
  const std::string user = dataset::PromptTemplate::build(record("x").document, record("x").question);
  QCOMPARE(t->promptIds, tok.encode(ChatFormat::render({{"user", user, std::nullopt}})));
  QCOMPARE(t->targetIds, tok.encode(response + "<|im_end|>"));
}

void TestChatTemplateWiring::sftTargetText() {
  QCOMPARE(SftTokens::targetText("<think>\nR</think>A", "<think>\n", "<e>"), std::string("R</think>A<e>"));
  QCOMPARE(SftTokens::targetText("<think>R</think>A", "<think>\n", "<e>"), std::string("R</think>A<e>"));
  QCOMPARE(SftTokens::targetText("<think>\nR</think>A", "", "<e>"), std::string("<think>\nR</think>A<e>"));
  QCOMPARE(SftTokens::targetText("R</think>A", "<think>\n", "<e>"), std::string("R</think>A<e>"));
  QCOMPARE(SftTokens::targetText(" <think>R", "<think>\n", "<e>"), std::string(" <think>R<e>"));  // not at the start
}

// The reward's answer, the thinking and the split: the same with and without the opening tag.
void TestChatTemplateWiring::openedThinkingSplitsAlike() {
  for (const std::string& body :
       {std::string("Alice lives in Oslo.\n</think>\n\nTherefore, the answer is **Oslo**."),
        std::string("a</think>b</think>\nThe answer is (C)."), std::string("still thinking")}) {
    const std::string tagged = "<think>\n" + body;
    const auto a = ThinkSplit::split(body), b = ThinkSplit::split(tagged);
    QCOMPARE(a.thinking, b.thinking);
    QCOMPARE(a.answer, b.answer);
    QCOMPARE(a.closed, b.closed);
    QCOMPARE(reward::AnswerExtractor::afterThink(body), reward::AnswerExtractor::afterThink(tagged));
    QVERIFY(a.thinking.find("<think>") == std::string::npos);
  }
  QCOMPARE(ThinkSplit::split("Alice lives in Oslo.\n</think>\n\nOslo.").thinking, std::string("Alice lives in Oslo."));
}

void TestChatTemplateWiring::thinkStream_data() {
  QTest::addColumn<QString>("text");
  QTest::addColumn<bool>("opened");
  QTest::addColumn<QString>("thinking");  // what the pieces add up to
  QTest::newRow("r1-closed") << "Alice lives in Oslo.\n</think>\n\nOslo" << true << "Alice lives in Oslo.";
  QTest::newRow("r1-tagged-anyway") << "<think>\n x </think>y" << true << "x";
  QTest::newRow("r1-unclosed") << "  weighing </thi" << true << "weighing </thi";
  QTest::newRow("r1-spaces-inside") << "a  b\n\nc </think> d" << true << "a  b\n\nc";
  QTest::newRow("qwen3-closed") << "<think>\nR1 < R2\n</think>\n\nA" << false << "R1 < R2";
  QTest::newRow("qwen3-empty") << "<think>\n\n</think>\n\nA" << false << "";
  QTest::newRow("no-thinking") << "Oslo </think> x" << false << "";
  QTest::newRow("no-thinking-lt") << "<b>Oslo</b>" << false << "";
  QTest::newRow("unicode") << "<think>ß → 東京</think>A" << false << "ß → 東京";
  QTest::newRow("empty") << "" << true << "";
}

// Streamed in any chunking, the pieces add up to the thinking ThinkSplit reads from the final text.
void TestChatTemplateWiring::thinkStream() {
  QFETCH(QString, text);
  QFETCH(bool, opened);
  QFETCH(QString, thinking);
  const std::string t = text.toStdString();
  if (opened || t.find("<think>") != std::string::npos) QCOMPARE(ThinkSplit::split(t).thinking, thinking.toStdString());
  for (size_t chunk : {size_t(1), size_t(2), size_t(3), size_t(5), size_t(1000)})
    QCOMPARE(QString::fromStdString(streamed(t, opened, chunk)), thinking);
}

QTEST_APPLESS_MAIN(TestChatTemplateWiring)
#include "TestChatTemplateWiring.moc"
