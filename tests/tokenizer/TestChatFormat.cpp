// ChatML rendering as Qwen3's chat template does it, and the think/answer split the rewards use.
#include <QtTest/QtTest>

#include "trainer/tokenizer/ChatFormat.h"
#include "trainer/tokenizer/ThinkSplit.h"
#include "trainer/tokenizer/TokenizerError.h"

using namespace longrl::tokenizer;

class TestChatFormat : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void singleUserTurn();
  void systemAndHistory();
  void thinkingSwitch();
  void reasoningField();
  void toolResponses();
  void fromJsonErrors();
  void thinkSplit_data();
  void thinkSplit();
};

void TestChatFormat::singleUserTurn() {
  QCOMPARE(ChatFormat::render({{"user", "What is 2+2?", std::nullopt}}),
           std::string("<|im_start|>user\nWhat is 2+2?<|im_end|>\n<|im_start|>assistant\n"));
  ChatFormat::Options noPrompt;
  noPrompt.addGenerationPrompt = false;
  QCOMPARE(ChatFormat::render({{"user", "hi", std::nullopt}}, noPrompt),
           std::string("<|im_start|>user\nhi<|im_end|>\n"));
  QCOMPARE(ChatFormat::render({}), std::string("<|im_start|>assistant\n"));
}

void TestChatFormat::systemAndHistory() {
  // The assistant turn before the last user query loses its thinking; content is what follows
  // the last </think>, with leading newlines removed.
  const std::vector<ChatMessage> msgs = {
      {"system", "Be brief.", std::nullopt},
      {"user", "Q1", std::nullopt},
      {"assistant", "<think>\nfirst thoughts\n</think>\n\nA1", std::nullopt},
      {"user", "Q2", std::nullopt},
  };
  QCOMPARE(ChatFormat::render(msgs), std::string("<|im_start|>system\nBe brief.<|im_end|>\n"
                                                 "<|im_start|>user\nQ1<|im_end|>\n"
                                                 "<|im_start|>assistant\nA1<|im_end|>\n"
                                                 "<|im_start|>user\nQ2<|im_end|>\n"
                                                 "<|im_start|>assistant\n"));
  // The final assistant turn (after the last query) keeps a normalised think block.
  const std::vector<ChatMessage> done = {{"user", "Q", std::nullopt},
                                         {"assistant", "<think>\n\nweigh it\n\n</think>\n\n\nA", std::nullopt}};
  ChatFormat::Options o;
  o.addGenerationPrompt = false;
  QCOMPARE(ChatFormat::render(done, o),
           std::string(
               "<|im_start|>user\nQ<|im_end|>\n<|im_start|>assistant\n<think>\nweigh it\n</think>\n\nA<|im_end|>\n"));
  // A later system message is rendered in place.
  QCOMPARE(ChatFormat::render({{"user", "u", std::nullopt}, {"system", "s", std::nullopt}}, o),
           std::string("<|im_start|>user\nu<|im_end|>\n<|im_start|>system\ns<|im_end|>\n"));
  QVERIFY_THROWS_EXCEPTION(TokenizerError, ChatFormat::render({{"robot", "x", std::nullopt}}));
}

void TestChatFormat::thinkingSwitch() {
  ChatFormat::Options o;
  o.enableThinking = false;
  QCOMPARE(ChatFormat::render({{"user", "hi", std::nullopt}}, o),
           std::string("<|im_start|>user\nhi<|im_end|>\n<|im_start|>assistant\n<think>\n\n</think>\n\n"));
}

void TestChatFormat::reasoningField() {
  ChatFormat::Options o;
  o.addGenerationPrompt = false;
  QCOMPARE(ChatFormat::render({{"user", "Q", std::nullopt}, {"assistant", "\nA", std::string("\nR\n")}}, o),
           std::string("<|im_start|>user\nQ<|im_end|>\n<|im_start|>assistant\n<think>\nR\n</think>\n\nA<|im_end|>\n"));
}

void TestChatFormat::toolResponses() {
  ChatFormat::Options o;
  o.addGenerationPrompt = false;
  const std::vector<ChatMessage> msgs = {{"user", "Q", std::nullopt},
                                         {"assistant", "calling", std::nullopt},
                                         {"tool", "r1", std::nullopt},
                                         {"tool", "r2", std::nullopt}};
  // The tool turns come after the last real query, but "calling" has no thinking and is not last.
  QCOMPARE(ChatFormat::render(msgs, o),
           std::string("<|im_start|>user\nQ<|im_end|>\n<|im_start|>assistant\ncalling<|im_end|>\n"
                       "<|im_start|>user\n<tool_response>\nr1\n</tool_response>\n<tool_response>\nr2\n</"
                       "tool_response><|im_end|>\n"));
}

void TestChatFormat::fromJsonErrors() {
  const auto msgs = ChatFormat::fromJson(nlohmann::json::parse(R"([{"role":"user","content":"x"}])"));
  QCOMPARE(msgs.size(), size_t(1));
  QCOMPARE(msgs[0].content, std::string("x"));
  try {
    ChatFormat::fromJson(nlohmann::json::parse(R"([{"role":"user","content":"x"},{"role":"user"}])"), "prompt");
    QFAIL("no error");
  } catch (const TokenizerError& e) {
    QCOMPARE(std::string(e.what()), std::string("prompt[1].content: missing or not a string"));
  }
  QVERIFY_THROWS_EXCEPTION(TokenizerError, ChatFormat::fromJson(nlohmann::json::object()));
}

void TestChatFormat::thinkSplit_data() {
  QTest::addColumn<QString>("response");
  QTest::addColumn<QString>("thinking");
  QTest::addColumn<QString>("answer");
  QTest::addColumn<bool>("closed");
  QTest::newRow("normal") << "<think>\nstep 1\n</think>\n\nThe answer is 4."
                          << "step 1"
                          << "The answer is 4." << true;
  QTest::newRow("no-open-tag") << "reasoning here</think>Final"
                               << "reasoning here"
                               << "Final" << true;
  QTest::newRow("missing-close") << "<think>still thinking"
                                 << "still thinking"
                                 << "" << false;
  QTest::newRow("plain") << "just an answer"
                         << "just an answer"
                         << "" << false;
  QTest::newRow("several-close") << "<think>a</think>b</think>  c "
                                 << "a</think>b"
                                 << "c" << true;
  QTest::newRow("whitespace") << "  \n<think>  \n x \n </think> \n\n y\n"
                              << "x"
                              << "y" << true;
  QTest::newRow("empty-answer") << "<think>t</think>\n"
                                << "t"
                                << "" << true;
  QTest::newRow("empty") << ""
                         << ""
                         << "" << false;
}

void TestChatFormat::thinkSplit() {
  QFETCH(QString, response);
  QFETCH(QString, thinking);
  QFETCH(QString, answer);
  QFETCH(bool, closed);
  const auto s = ThinkSplit::split(response.toStdString());
  QCOMPARE(QString::fromStdString(s.thinking), thinking);
  QCOMPARE(QString::fromStdString(s.answer), answer);
  QCOMPARE(s.closed, closed);
}

QTEST_APPLESS_MAIN(TestChatFormat)
#include "TestChatFormat.moc"
