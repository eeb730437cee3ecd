// `longrl generate` and `longrl serve` in-process: generate's JSON agrees with the engine and with
// its text output; usage errors of both commands.
#include <QtTest/QtTest>

#include <algorithm>
#include <sstream>

#include <nlohmann/json.hpp>

#include <csignal>
#include <thread>

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core/cli/UsageError.h"
#include "support/LoopbackPort.h"
#include "support/PythonScript.h"
#include "support/TestPaths.h"
#include "trainer/cli/GenerateCommand.h"
#include "trainer/cli/InitModelCommand.h"
#include "trainer/cli/ServeCommand.h"
#include "trainer/engine/GenerationEngine.h"
#include "trainer/engine/LoadedModel.h"
#include "trainer/model/TorchThreads.h"
#include "trainer/serve/Httplib.h"

using namespace longrl;

namespace {

int run(cli::Command c, const std::vector<std::string>& args, std::string* out = nullptr) {
  cli::ArgList list(args);
  std::ostringstream o, e;
  const int rc = c.run(list, o, e);
  if (out) *out = o.str();
  return rc;
}

}  // namespace

class TestEngineGenerateCommand : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void initTestCase();
  void jsonMatchesEngine();
  void textOutputAndGroups();
  void yarnModelGeneratesPastItsWindow();
  void usageErrors();
  void refusesPromptsPastTheContext();
  void serveAnswersAndStopsOnSigterm();

 private:
  std::string dir_;
};

void TestEngineGenerateCommand::initTestCase() {
  model::applyTorchThreads(1);
  dir_ = test::freshTempDir("generate-cmd") + "/model";
  QCOMPARE(run(cli::initModelCommand(), {"--preset", "tiny", dir_, "--seed", "2"}), 0);
}

void TestEngineGenerateCommand::jsonMatchesEngine() {
  std::string out;
  QCOMPARE(run(cli::generateCommand(),
               {"--model", dir_, "--prompt", "Hi there", "--chat", "--temperature", "0", "--max-new-tokens", "9",
                "--json"},
               &out),
           0);
  const auto j = nlohmann::json::parse(out);
  auto m = engine::LoadedModel::load(dir_);
  const auto ids = m.tokenizer.encode(m.tokenizer.applyChatTemplate({{"user", "Hi there", std::nullopt}}));
  QCOMPARE(j["prompt_tokens"].get<size_t>(), ids.size());
  engine::GenerationEngine eng(m.model, m.engineOptions());
  engine::SamplingParams p;
  p.temperature = 0;
  p.maxNewTokens = 9;
  const auto s = eng.generate({ids}, p)[0];
  QCOMPARE(j["samples"].size(), size_t(1));
  QCOMPARE(j["samples"][0]["token_ids"].get<std::vector<int>>(), s.tokenIds);
  QCOMPARE(j["samples"][0]["logprobs"].size(), s.tokenIds.size());
  QCOMPARE(j["samples"][0]["finish_reason"].get<std::string>(), s.finishReason);
}

void TestEngineGenerateCommand::textOutputAndGroups() {
  std::string a, b, json;
  const std::vector<std::string> base = {"--model", dir_, "--prompt",         "abc", "--n",           "3",
                                         "--seed",  "4",  "--max-new-tokens", "5",   "--temperature", "1"};
  QCOMPARE(run(cli::generateCommand(), base, &a), 0);
  QCOMPARE(run(cli::generateCommand(), base, &b), 0);
  QCOMPARE(a, b);  // seeded
  QVERIFY(a.find("--- sample 2 (") != std::string::npos);
  auto withJson = base;
  withJson.push_back("--json");
  QCOMPARE(run(cli::generateCommand(), withJson, &json), 0);
  const auto j = nlohmann::json::parse(json);
  QCOMPARE(j["samples"].size(), size_t(3));
  for (const auto& s : j["samples"]) QVERIFY(a.find(s["text"].get<std::string>()) != std::string::npos);
}

// A YaRN model (preset qwen3-yarn-tiny, trained window 256 of 1024) loads and generates from a
// prompt past its window; the log-probs it reports agree with the Python reference's forward over
// prompt + output (YaRN's rotation does not depend on the length, so one forward scores the steps).
void TestEngineGenerateCommand::yarnModelGeneratesPastItsWindow() {
  const std::string root = test::freshTempDir("generate-yarn");
  const std::string dir = root + "/model";
  QCOMPARE(run(cli::initModelCommand(), {"--preset", "qwen3-yarn-tiny", dir, "--seed", "5"}), 0);
  std::string prompt;
  for (int i = 0; i < 16; ++i) prompt += "line " + std::to_string(i) + " of a long input. ";
  std::string out;
  QCOMPARE(run(cli::generateCommand(),
               {"--model", dir, "--prompt", prompt, "--temperature", "0", "--max-new-tokens", "16", "--json"}, &out),
           0);
  const auto j = nlohmann::json::parse(out);
  const auto promptTokens = j["prompt_tokens"].get<int64_t>();
  QVERIFY2(promptTokens > 256, qPrintable(QString("prompt of %1 tokens").arg(promptTokens)));
  const auto tokens = j["samples"][0]["token_ids"].get<std::vector<int64_t>>();
  const auto logprobs = j["samples"][0]["logprobs"].get<std::vector<double>>();
  QVERIFY(!tokens.empty() && tokens.size() == logprobs.size());

  auto ids = engine::LoadedModel::load(dir).tokenizer.encode(prompt);
  QCOMPARE(static_cast<int64_t>(ids.size()), promptTokens);
  std::string idsText;
  for (int id : ids) idsText += std::to_string(id) + ",";
  for (size_t t = 0; t + 1 < tokens.size(); ++t) idsText += std::to_string(tokens[t]) + ",";
  idsText.pop_back();
  const auto length = static_cast<int64_t>(ids.size() + tokens.size() - 1);
  const auto vocab = engine::LoadedModel::load(dir).model->config().vocabSize;
  const std::string refOut = root + "/reference.f32";
  const auto ref = test::runPythonScript("tests/trainer/qwen_reference.py", {dir, idsText, refOut});
  if (ref.skipped()) QSKIP(ref.output.c_str());
  QVERIFY2(ref.rc == 0, ref.output.c_str());
  const auto values = test::readFloat32(refOut, static_cast<size_t>(length * vocab));
  QVERIFY(!values.empty());
  const auto refLogprobs = torch::log_softmax(torch::tensor(values).view({length, vocab}), -1);
  double maxDiff = 0;
  for (size_t t = 0; t < tokens.size(); ++t) {
    const auto row = static_cast<int64_t>(ids.size() + t) - 1;  // the position that predicted token t
    maxDiff = std::max(maxDiff, std::abs(logprobs[t] - refLogprobs[row][tokens[t]].item<double>()));
  }
  qInfo("yarn tiny: %lld prompt tokens, %zu generated, max |logprob diff| vs reference %.3g",
        static_cast<long long>(promptTokens), tokens.size(), maxDiff);
  QVERIFY2(maxDiff < 1e-4, qPrintable(QString("logprob diff %1").arg(maxDiff)));
}

void TestEngineGenerateCommand::usageErrors() {
  auto gen = [&](std::vector<std::string> extra) {
    std::vector<std::string> args = {"--model", dir_};
    args.insert(args.end(), extra.begin(), extra.end());
    return args;
  };
  QVERIFY_EXCEPTION_THROWN(run(cli::generateCommand(), gen({})), cli::UsageError);  // no prompt
  QVERIFY_EXCEPTION_THROWN(run(cli::generateCommand(), gen({"--prompt", "a", "--prompt-file", "b"})), cli::UsageError);
  QVERIFY_EXCEPTION_THROWN(run(cli::generateCommand(), gen({"--prompt", "a", "--top-p", "0"})), cli::UsageError);
  QVERIFY_EXCEPTION_THROWN(run(cli::generateCommand(), gen({"--prompt", "a", "--temperature", "warm"})),
                           cli::UsageError);
  QVERIFY_EXCEPTION_THROWN(run(cli::generateCommand(), gen({"--prompt", "a", "--n", "0"})), cli::UsageError);
  QVERIFY_EXCEPTION_THROWN(run(cli::generateCommand(), gen({"--prompt", "a", "--bogus", "1"})), cli::UsageError);
  QVERIFY_EXCEPTION_THROWN(run(cli::generateCommand(), {"--model", dir_ + "-missing", "--prompt", "a"}),
                           std::exception);
  QVERIFY_EXCEPTION_THROWN(run(cli::serveCommand(), {"--model", dir_, "--port", "70000"}), cli::UsageError);
  QVERIFY_EXCEPTION_THROWN(run(cli::serveCommand(), {"--model", dir_, "--max-request-bytes", "10"}), cli::UsageError);
  QVERIFY_EXCEPTION_THROWN(run(cli::serveCommand(), {"--model", dir_, "--nope"}), cli::UsageError);
}

// The YaRN tiny model reads 1,024 tokens: a prompt of N tokens may ask for 1024 - N new ones, not
// one more (the model would otherwise run on past its context), and the refusal gives the lengths.
void TestEngineGenerateCommand::refusesPromptsPastTheContext() {
  const std::string dir = test::freshTempDir("generate-context") + "/model";
  QCOMPARE(run(cli::initModelCommand(), {"--preset", "qwen3-yarn-tiny", dir, "--seed", "5"}), 0);
  auto loaded = engine::LoadedModel::load(dir);
  QCOMPARE(loaded.contextLength(), int64_t(1024));
  std::string prompt;
  for (int i = 0; i < 110; ++i) prompt += "line " + std::to_string(i) + ". ";  // 990 bytes: byte tokens
  const auto promptTokens = static_cast<int64_t>(loaded.tokenizer.encode(prompt).size());
  QVERIFY2(promptTokens > 900 && promptTokens < 1024, qPrintable(QString("%1 prompt tokens").arg(promptTokens)));
  const std::string room = std::to_string(1024 - promptTokens);
  auto generate = [&](const std::string& text, const std::string& maxNew) {
    return run(cli::generateCommand(),
               {"--model", dir, "--prompt", text, "--temperature", "0", "--max-new-tokens", maxNew, "--json"});
  };
  QCOMPARE(generate(prompt, room), 0);  // exactly the context
  try {
    generate(prompt, std::to_string(1024 - promptTokens + 1));
    QFAIL("one token past the context was accepted");
  } catch (const cli::UsageError& e) {
    const std::string why = e.what();
    for (const std::string& part :
         std::vector<std::string>{"prompt is " + std::to_string(promptTokens) + " tokens", "context of 1024 tokens",
                                  "at most --max-new-tokens " + room})
      QVERIFY2(why.find(part) != std::string::npos, (part + " not in: " + why).c_str());
  }
  // A prompt longer than the context on its own.
  QVERIFY_THROWS_EXCEPTION(cli::UsageError, generate(prompt + prompt, "1"));
  QVERIFY_THROWS_EXCEPTION(cli::UsageError, generate("hi", "5000"));
}

void TestEngineGenerateCommand::serveAnswersAndStopsOnSigterm() {
  const int port = longrl::test::unusedLoopbackPort();
  QVERIFY(port > 0);

  int rc = -1;
  std::string out;
  std::thread serving([&] {
    rc = run(cli::serveCommand(), {"--model", dir_, "--port", std::to_string(port), "--model-name", "m1"}, &out);
  });
  httplib::Client client("127.0.0.1", port);
  int status = 0;
  for (int i = 0; i < 300 && status != 200; ++i) {
    if (auto r = client.Get("/v1/models")) status = r->status;
    else std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  QCOMPARE(status, 200);
  auto r = client.Post("/v1/chat/completions",
                       R"({"messages":[{"role":"user","content":"hi"}],"max_tokens":3,"temperature":0})",
                       "application/json");
  QVERIFY(r);
  QCOMPARE(r->status, 200);
  QCOMPARE(nlohmann::json::parse(r->body)["model"].get<std::string>(), std::string("m1"));
  std::raise(SIGTERM);  // the command's handler turns it into a clean stop
  serving.join();
  QCOMPARE(rc, 0);
  QVERIFY2(out.find("serving m1 at http://127.0.0.1:" + std::to_string(port) + "/v1") != std::string::npos,
           out.c_str());
  QVERIFY(!client.Get("/v1/models"));  // no longer listening
}

QTEST_APPLESS_MAIN(TestEngineGenerateCommand)
#include "TestEngineGenerateCommand.moc"
