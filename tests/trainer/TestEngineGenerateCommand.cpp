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

#include "support/LoopbackPort.h"
#include "core/cli/UsageError.h"
#include "trainer/serve/Httplib.h"
#include "support/TestPaths.h"
#include "trainer/cli/GenerateCommand.h"
#include "trainer/cli/InitModelCommand.h"
#include "trainer/cli/ServeCommand.h"
#include "trainer/engine/GenerationEngine.h"
#include "trainer/engine/LoadedModel.h"
#include "trainer/model/TorchThreads.h"

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
  void usageErrors();
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
  QCOMPARE(run(cli::generateCommand(), {"--model", dir_, "--prompt", "Hi there", "--chat", "--temperature", "0",
                                        "--max-new-tokens", "9", "--json"},
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
  const std::vector<std::string> base = {"--model", dir_, "--prompt", "abc", "--n", "3", "--seed", "4",
                                         "--max-new-tokens", "5", "--temperature", "1"};
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

void TestEngineGenerateCommand::usageErrors() {
  auto gen = [&](std::vector<std::string> extra) {
    std::vector<std::string> args = {"--model", dir_};
    args.insert(args.end(), extra.begin(), extra.end());
    return args;
  };
  QVERIFY_EXCEPTION_THROWN(run(cli::generateCommand(), gen({})), cli::UsageError);  // no prompt
  QVERIFY_EXCEPTION_THROWN(run(cli::generateCommand(), gen({"--prompt", "a", "--prompt-file", "b"})), cli::UsageError);
  QVERIFY_EXCEPTION_THROWN(run(cli::generateCommand(), gen({"--prompt", "a", "--top-p", "0"})), cli::UsageError);
  QVERIFY_EXCEPTION_THROWN(run(cli::generateCommand(), gen({"--prompt", "a", "--temperature", "warm"})), cli::UsageError);
  QVERIFY_EXCEPTION_THROWN(run(cli::generateCommand(), gen({"--prompt", "a", "--n", "0"})), cli::UsageError);
  QVERIFY_EXCEPTION_THROWN(run(cli::generateCommand(), gen({"--prompt", "a", "--bogus", "1"})), cli::UsageError);
  QVERIFY_EXCEPTION_THROWN(run(cli::generateCommand(), {"--model", dir_ + "-missing", "--prompt", "a"}), std::exception);
  QVERIFY_EXCEPTION_THROWN(run(cli::serveCommand(), {"--model", dir_, "--port", "70000"}), cli::UsageError);
  QVERIFY_EXCEPTION_THROWN(run(cli::serveCommand(), {"--model", dir_, "--max-request-bytes", "10"}), cli::UsageError);
  QVERIFY_EXCEPTION_THROWN(run(cli::serveCommand(), {"--model", dir_, "--nope"}), cli::UsageError);
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
                       R"({"messages":[{"role":"user","content":"hi"}],"max_tokens":3,"temperature":0})", "application/json");
  QVERIFY(r);
  QCOMPARE(r->status, 200);
  QCOMPARE(nlohmann::json::parse(r->body)["model"].get<std::string>(), std::string("m1"));
  std::raise(SIGTERM);  // the command's handler turns it into a clean stop
  serving.join();
  QCOMPARE(rc, 0);
  QVERIFY2(out.find("serving m1 at http://127.0.0.1:" + std::to_string(port) + "/v1") != std::string::npos, out.c_str());
  QVERIFY(!client.Get("/v1/models"));  // no longer listening
}

QTEST_APPLESS_MAIN(TestEngineGenerateCommand)
#include "TestEngineGenerateCommand.moc"
