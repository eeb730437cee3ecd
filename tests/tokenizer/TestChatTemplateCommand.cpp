// `longrl chat-template`, run as the built binary: it prints exactly the model's template
// rendering (nothing added), reads the template from tokenizer_config.json (a string or a named
// list) or chat_template.jinja, falls back to ChatML with a warning on stderr, and names the file
// and the message index in its errors.
#include <QtTest/QtTest>

#include <fstream>
#include <nlohmann/json.hpp>

#include "support/TestPaths.h"
#include "trainer/tokenizer/TokenizerBuilder.h"

using longrl::tokenizer::TokenizerBuilder;
using nlohmann::json;

namespace {

const char* const kR1 = "DeepSeek-R1-Distill-Qwen.jinja";

struct Result {
  int rc = -1;
  QByteArray out, err;
};

Result runCli(const QStringList& args) {
  QProcess p;
  p.start(QString::fromStdString(longrl::test::cliPath()), QStringList{"chat-template"} + args);
  Result r;
  if (!p.waitForFinished(60000)) return r;
  r.rc = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
  r.out = p.readAllStandardOutput();
  r.err = p.readAllStandardError();
  return r;
}

std::string templateText(const char* name) {
  return longrl::test::fileBytes(longrl::test::sourcePath(std::string("tests/data/chat-templates/") + name));
}

// A small tokenizer directory whose tokenizer_config.json gets `chatTemplate` (null removes it).
std::string tokenizerDir(const std::string& name, const json& chatTemplate) {
  TokenizerBuilder::Options o;
  o.vocabSize = 300;
  TokenizerBuilder b(o);
  for (int i = 0; i < 5; ++i) b.addText("The cat sat on the mat. 长文本 推理。\n");
  const std::string dir = longrl::test::freshTempDir(name);
  b.write(dir);
  std::ifstream in(dir + "/tokenizer_config.json");
  json config = json::parse(in);
  config["bos_token"] = "<｜begin▁of▁sentence｜>";
  config["eos_token"] = "<｜end▁of▁sentence｜>";
  if (chatTemplate.is_null()) config.erase("chat_template");
  else config["chat_template"] = chatTemplate;
  std::ofstream(dir + "/tokenizer_config.json") << config.dump(2);
  return dir;
}

QString writeMessages(const std::string& dir, const std::string& text) {
  const std::string path = dir + "/messages.json";
  std::ofstream(path) << text;
  return QString::fromStdString(path);
}

const char* const kConversation =
    R"([{"role": "system", "content": "Be brief."}, {"role": "user", "content": "2+2? 你好"},
        {"role": "assistant", "content": "<think>add</think>4"}, {"role": "user", "content": "and 3+3?"}])";

// What the R1-Distill template gives for kConversation, written out by hand from the template.
const char* const kR1Expected =
    "<｜begin▁of▁sentence｜>Be brief.<｜User｜>2+2? 你好<｜Assistant｜>4<｜end▁of▁sentence｜><｜User｜>and 3+3?";

}  // namespace

class TestChatTemplateCommand : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void printsExactlyTheRendering();
  void namedTemplateListUsesDefault();
  void chatTemplateJinjaFileWins();
  void enableThinkingReachesTheTemplate();
  void noTemplateFallsBackToChatMl();
  void badInputNamesFileAndField();
};

void TestChatTemplateCommand::printsExactlyTheRendering() {
  const std::string dir = tokenizerDir("chat-cli-string", templateText(kR1));
  const QString messages = writeMessages(dir, kConversation);
  const Result plain = runCli({"--tokenizer", QString::fromStdString(dir), "--messages", messages});
  QVERIFY2(plain.rc == 0, plain.err.constData());
  QCOMPARE(QString::fromUtf8(plain.out), QString::fromUtf8(kR1Expected));
  const Result prompt =
      runCli({"--tokenizer", QString::fromStdString(dir), "--messages", messages, "--add-generation-prompt"});
  QVERIFY2(prompt.rc == 0, prompt.err.constData());
  QCOMPARE(QString::fromUtf8(prompt.out),
           QString::fromUtf8(kR1Expected) + QString::fromUtf8("<｜Assistant｜><think>\n"));
}

void TestChatTemplateCommand::namedTemplateListUsesDefault() {
  const json list = json::array({{{"name", "tool_use"}, {"template", "TOOLS {{ messages|length }}"}},
                                 {{"name", "default"}, {"template", templateText(kR1)}}});
  const std::string dir = tokenizerDir("chat-cli-list", list);
  const Result r =
      runCli({"--tokenizer", QString::fromStdString(dir), "--messages", writeMessages(dir, kConversation)});
  QVERIFY2(r.rc == 0, r.err.constData());
  QCOMPARE(QString::fromUtf8(r.out), QString::fromUtf8(kR1Expected));
}

void TestChatTemplateCommand::chatTemplateJinjaFileWins() {
  const std::string dir = tokenizerDir("chat-cli-jinja", "CONFIG TEMPLATE");
  std::ofstream(dir + "/chat_template.jinja") << "{% for m in messages %}[{{ m.role }}:{{ m.content }}]{% endfor %}\n";
  const Result r = runCli({"--tokenizer", QString::fromStdString(dir), "--messages",
                           writeMessages(dir, R"([{"role": "user", "content": "hi"}])")});
  QVERIFY2(r.rc == 0, r.err.constData());
  QCOMPARE(QString::fromUtf8(r.out), QString("[user:hi]"));  // jinja2 drops one trailing newline
}

void TestChatTemplateCommand::enableThinkingReachesTheTemplate() {
  const std::string dir = tokenizerDir("chat-cli-think", "{{ enable_thinking is defined }}/{{ enable_thinking }}");
  const QString messages = writeMessages(dir, R"([{"role": "user", "content": "hi"}])");
  const QString tok = QString::fromStdString(dir);
  QCOMPARE(runCli({"--tokenizer", tok, "--messages", messages}).out, QByteArray("False/"));
  QCOMPARE(runCli({"--tokenizer", tok, "--messages", messages, "--enable-thinking", "false"}).out,
           QByteArray("True/False"));
  QCOMPARE(runCli({"--tokenizer", tok, "--messages", messages, "--enable-thinking", "true"}).out,
           QByteArray("True/True"));
  const Result bad = runCli({"--tokenizer", tok, "--messages", messages, "--enable-thinking", "yes"});
  QCOMPARE(bad.rc, 2);
  QVERIFY2(bad.err.contains("--enable-thinking takes true or false"), bad.err.constData());
}

void TestChatTemplateCommand::noTemplateFallsBackToChatMl() {
  const std::string dir = tokenizerDir("chat-cli-none", json());
  const Result r = runCli({"--tokenizer", QString::fromStdString(dir), "--messages",
                           writeMessages(dir, R"([{"role": "user", "content": "hi"}])"), "--add-generation-prompt"});
  QVERIFY2(r.rc == 0, r.err.constData());
  QCOMPARE(QString::fromUtf8(r.out), QString("<|im_start|>user\nhi<|im_end|>\n<|im_start|>assistant\n"));
  QVERIFY2(r.err.contains("no chat template") && r.err.contains("ChatML"), r.err.constData());
}

void TestChatTemplateCommand::badInputNamesFileAndField() {
  const std::string dir = tokenizerDir("chat-cli-bad", templateText(kR1));
  const QString tok = QString::fromStdString(dir);
  const QString badJson = writeMessages(dir, "[{\"role\": \"user\",");
  Result r = runCli({"--tokenizer", tok, "--messages", badJson});
  QCOMPARE(r.rc, 1);
  QVERIFY2(r.err.contains(badJson.toUtf8() + ": invalid JSON"), r.err.constData());
  const QString badField =
      writeMessages(dir, R"([{"role": "user", "content": "a"}, {"role": "assistant", "content": 5}])");
  r = runCli({"--tokenizer", tok, "--messages", badField});
  QCOMPARE(r.rc, 1);
  QVERIFY2(r.err.contains(badField.toUtf8() + "[1].content"), r.err.constData());
  const std::string broken = tokenizerDir("chat-cli-broken", "line one\n{% if x %}\n{{ 1 + }}");
  r = runCli({"--tokenizer", QString::fromStdString(broken), "--messages",
              writeMessages(broken, R"([{"role": "user", "content": "a"}])")});
  QCOMPARE(r.rc, 1);
  QVERIFY2(r.err.contains("tokenizer_config.json chat_template:3:"), r.err.constData());
  QVERIFY(r.out.isEmpty());
}

QTEST_APPLESS_MAIN(TestChatTemplateCommand)
#include "TestChatTemplateCommand.moc"
