// ChatServer over a tiny random model, through real HTTP: the OpenAI response schema (plain and
// streamed), agreement with the engine, the error answers (401, 400 naming the field, 404, 413,
// 503 from a full queue), and core's JudgeClient against it.
#include <QtTest/QtTest>

#include <atomic>
#include <fstream>
#include <future>
#include <sstream>
#include <thread>

#include <nlohmann/json.hpp>

#include "core/reward/JudgeClient.h"
#include "support/TestPaths.h"
#include "trainer/cli/InitModelCommand.h"
#include "trainer/engine/GenerationEngine.h"
#include "trainer/engine/LenientDecoder.h"
#include "trainer/engine/LoadedModel.h"
#include "trainer/model/TorchThreads.h"
#include "trainer/serve/ChatServer.h"
#include "trainer/serve/GenerationWorker.h"
#include "trainer/serve/Httplib.h"

using namespace longrl;
using nlohmann::json;

namespace {

const char* kKey = "test-key-123";

// A tiny model whose tokenizer covers its whole vocabulary (trained on a made-up corpus), so
// that every sampled id decodes to text.
std::string makeModelDir() {
  const std::string dir = test::freshTempDir("serve-model");
  const std::string corpus = dir + "/corpus.txt";
  {
    std::ofstream out(corpus);
    uint32_t x = 12345;
    for (int line = 0; line < 400; ++line) {
      for (int w = 0; w < 12; ++w) {
        x = x * 1103515245u + 12345u;
        const int len = 2 + static_cast<int>((x >> 16) % 6);
        for (int c = 0; c < len; ++c) {
          x = x * 1103515245u + 12345u;
          out << static_cast<char>('a' + (x >> 16) % 26);
        }
        out << ' ';
      }
      out << "\n";
    }
  }
  cli::ArgList args({"--preset", "tiny", dir + "/model", "--seed", "5", "--tokenizer-corpus", corpus});
  std::ostringstream o, e;
  if (cli::initModelCommand().run(args, o, e) != 0) throw std::runtime_error("init-model failed: " + e.str());
  return dir + "/model";
}

json chatBody(const std::string& user, int maxTokens, bool stream = false) {
  return {{"model", "tiny"},
          {"messages", {{{"role", "user"}, {"content", user}}}},
          {"max_tokens", maxTokens},
          {"temperature", 0},
          {"stream", stream}};
}

httplib::Headers auth() { return {{"Authorization", std::string("Bearer ") + kKey}}; }

// The completion the engine gives for the same prompt, decoded as the server decodes it.
std::string engineText(engine::LoadedModel& m, const std::string& user, int maxTokens) {
  const auto ids = m.tokenizer.encode(m.tokenizer.applyChatTemplate({{"user", user, std::nullopt}}));
  engine::GenerationEngine eng(m.model, m.engineOptions());
  engine::SamplingParams p;
  p.temperature = 0;
  p.maxNewTokens = maxTokens;
  auto s = eng.generate({ids}, p)[0];
  if (s.stopTokenId >= 0) s.tokenIds.pop_back();
  return engine::LenientDecoder(m.tokenizer).decode(s.tokenIds);
}

json errorOf(const httplib::Result& r) {
  auto j = json::parse(r->body);
  if (!j.contains("error") || !j["error"].contains("message")) throw std::runtime_error("no error object: " + r->body);
  return j["error"];
}

}  // namespace

class TestServeChat : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void initTestCase();
  void cleanupTestCase();
  void completionSchemaAndContent();
  void severalChoices();
  void streamingMatchesPlain();
  void listsModels();
  void rejectsWithoutKey();
  void badRequestsName400Field();
  void oversizedBody413();
  void unknownPath404();
  void judgeClientRecordsErrorVerdict();
  void workerQueueIsBounded();

 private:
  std::string dir_;
  std::unique_ptr<serve::ChatServer> server_;
  std::unique_ptr<httplib::Client> client_;
  std::unique_ptr<engine::LoadedModel> reference_;
};

void TestServeChat::initTestCase() {
  model::applyTorchThreads(1);
  dir_ = makeModelDir();
  serve::ChatServerOptions o;
  o.apiKey = kKey;
  o.modelName = "tiny";
  o.maxRequestBytes = 64 * 1024;
  server_ = std::make_unique<serve::ChatServer>(engine::LoadedModel::load(dir_), o);
  const int port = server_->start();
  QVERIFY(port > 0);
  QCOMPARE(server_->url(), "http://127.0.0.1:" + std::to_string(port) + "/v1");
  client_ = std::make_unique<httplib::Client>("127.0.0.1", port);
  client_->set_read_timeout(60, 0);
  reference_ = std::make_unique<engine::LoadedModel>(engine::LoadedModel::load(dir_));
}

void TestServeChat::cleanupTestCase() {
  server_->stop();
  server_->stop();  // idempotent
}

void TestServeChat::completionSchemaAndContent() {
  auto r = client_->Post("/v1/chat/completions", auth(), chatBody("hello there", 12).dump(), "application/json");
  QVERIFY(r);
  QCOMPARE(r->status, 200);
  QVERIFY(r->get_header_value("Content-Type").find("application/json") != std::string::npos);
  const auto j = json::parse(r->body);
  QVERIFY(j["id"].get<std::string>().rfind("chatcmpl-", 0) == 0);
  QCOMPARE(j["object"].get<std::string>(), std::string("chat.completion"));
  QVERIFY(j["created"].is_number_integer());
  QCOMPARE(j["model"].get<std::string>(), std::string("tiny"));
  QCOMPARE(j["choices"].size(), size_t(1));
  const auto& c = j["choices"][0];
  QCOMPARE(c["index"].get<int>(), 0);
  QCOMPARE(c["message"]["role"].get<std::string>(), std::string("assistant"));
  const std::string content = c["message"]["content"].get<std::string>();
  QCOMPARE(content, engineText(*reference_, "hello there", 12));
  QVERIFY(!content.empty());
  const std::string finish = c["finish_reason"].get<std::string>();
  QVERIFY(finish == "stop" || finish == "length");
  const auto ids =
      reference_->tokenizer.encode(reference_->tokenizer.applyChatTemplate({{"user", "hello there", std::nullopt}}));
  QCOMPARE(j["usage"]["prompt_tokens"].get<size_t>(), ids.size());
  const auto completion = j["usage"]["completion_tokens"].get<int>();
  QVERIFY(completion >= 1 && completion <= 12);
  if (finish == "length") QCOMPARE(completion, 12);
  QCOMPARE(j["usage"]["total_tokens"].get<size_t>(), ids.size() + static_cast<size_t>(completion));
}

void TestServeChat::severalChoices() {
  auto body = chatBody("sample me", 6);
  body["n"] = 3;
  body["temperature"] = 1.0;
  body["seed"] = 9;
  auto r = client_->Post("/v1/chat/completions", auth(), body.dump(), "application/json");
  QVERIFY(r);
  QCOMPARE(r->status, 200);
  const auto j = json::parse(r->body);
  QCOMPARE(j["choices"].size(), size_t(3));
  for (int i = 0; i < 3; ++i) QCOMPARE(j["choices"][i]["index"].get<int>(), i);
  // Same seed, same answer.
  auto again = client_->Post("/v1/chat/completions", auth(), body.dump(), "application/json");
  QCOMPARE(json::parse(again->body)["choices"], j["choices"]);
}

void TestServeChat::streamingMatchesPlain() {
  const auto plain = json::parse(
      client_->Post("/v1/chat/completions", auth(), chatBody("stream it", 10).dump(), "application/json")->body);
  auto body = chatBody("stream it", 10, true);
  body["stream_options"] = {{"include_usage", true}};
  auto r = client_->Post("/v1/chat/completions", auth(), body.dump(), "application/json");
  QVERIFY(r);
  QCOMPARE(r->status, 200);
  QVERIFY(r->get_header_value("Content-Type").find("text/event-stream") != std::string::npos);
  // Events are "data: ...\n\n"; the last is [DONE].
  std::vector<std::string> events;
  size_t pos = 0;
  while (pos < r->body.size()) {
    const size_t end = r->body.find("\n\n", pos);
    QVERIFY2(end != std::string::npos, r->body.c_str());
    const std::string ev = r->body.substr(pos, end - pos);
    QVERIFY2(ev.rfind("data: ", 0) == 0, ev.c_str());
    events.push_back(ev.substr(6));
    pos = end + 2;
  }
  QVERIFY(events.size() >= 4);
  QCOMPARE(events.back(), std::string("[DONE]"));
  std::string content, finish;
  bool sawRole = false;
  json usage;
  for (size_t i = 0; i + 1 < events.size(); ++i) {
    const auto j = json::parse(events[i]);
    QCOMPARE(j["object"].get<std::string>(), std::string("chat.completion.chunk"));
    QCOMPARE(j["id"], json::parse(events[0])["id"]);
    if (j.contains("usage")) {
      usage = j["usage"];
      QVERIFY(j["choices"].empty());
      continue;
    }
    const auto& c = j["choices"][0];
    if (c["delta"].contains("role")) sawRole = true;
    if (c["delta"].contains("content")) content += c["delta"]["content"].get<std::string>();
    if (!c["finish_reason"].is_null()) finish = c["finish_reason"].get<std::string>();
  }
  QVERIFY(sawRole);
  QCOMPARE(content, plain["choices"][0]["message"]["content"].get<std::string>());
  QCOMPARE(finish, plain["choices"][0]["finish_reason"].get<std::string>());
  QCOMPARE(usage, plain["usage"]);
}

void TestServeChat::listsModels() {
  auto r = client_->Get("/v1/models", auth());
  QVERIFY(r);
  QCOMPARE(r->status, 200);
  const auto j = json::parse(r->body);
  QCOMPARE(j["object"].get<std::string>(), std::string("list"));
  QCOMPARE(j["data"][0]["id"].get<std::string>(), std::string("tiny"));
  QCOMPARE(j["data"][0]["object"].get<std::string>(), std::string("model"));
}

void TestServeChat::rejectsWithoutKey() {
  auto r = client_->Post("/v1/chat/completions", chatBody("hi", 2).dump(), "application/json");
  QVERIFY(r);
  QCOMPARE(r->status, 401);
  QVERIFY(errorOf(r)["message"].get<std::string>().find("API key") != std::string::npos);
  auto wrong = client_->Get("/v1/models", httplib::Headers{{"Authorization", "Bearer test-key-12"}});
  QCOMPARE(wrong->status, 401);
  QCOMPARE(errorOf(wrong)["type"].get<std::string>(), std::string("authentication_error"));
}

void TestServeChat::badRequestsName400Field() {
  auto post = [&](const std::string& body) {
    return client_->Post("/v1/chat/completions", auth(), body, "application/json");
  };
  auto r = post("{\"messages\": [");
  QCOMPARE(r->status, 400);
  QVERIFY(errorOf(r)["message"].get<std::string>().find("not valid JSON") != std::string::npos);
  struct Case {
    json body;
    std::string param;
  };
  auto with = [](const char* key, json value) {
    auto b = chatBody("x", 2);
    b[key] = std::move(value);
    return b;
  };
  const std::vector<Case> cases = {
      {with("temperature", "hot"), "temperature"},
      {with("temperature", 5), "temperature"},
      {with("top_p", 0), "top_p"},
      {with("max_tokens", "many"), "max_tokens"},
      {with("max_tokens", 1000000), "max_tokens"},
      {with("n", 1000), "n"},
      {with("stop", json::array({"a", 3})), "stop[1]"},
      {with("stream", "yes"), "stream"},
      {with("messages", json::array()), "messages"},
      {with("messages", json::array({{{"role", "user"}, {"content", 42}}})), "messages[0].content"},
      {with("messages", json::array({{{"role", "wizard"}, {"content", "hi"}}})), "messages[0].role"},
      {json::array({1, 2}), ""},
  };
  for (const auto& c : cases) {
    auto res = post(c.body.dump());
    QVERIFY(res);
    QVERIFY2(res->status == 400, (c.body.dump() + " -> " + std::to_string(res->status)).c_str());
    const auto err = errorOf(res);
    if (!c.param.empty()) {
      QVERIFY2(err["param"] == c.param, err.dump().c_str());
      QVERIFY2(err["message"].get<std::string>().find(c.param) != std::string::npos, err.dump().c_str());
    }
    QCOMPARE(err["type"].get<std::string>(), std::string("invalid_request_error"));
  }
  // The server is still fine.
  QCOMPARE(post(chatBody("still there?", 2).dump())->status, 200);
}

void TestServeChat::oversizedBody413() {
  auto body = chatBody(std::string(100 * 1024, 'a'), 2);
  auto r = client_->Post("/v1/chat/completions", auth(), body.dump(), "application/json");
  QVERIFY(r);
  QCOMPARE(r->status, 413);
  QCOMPARE(errorOf(r)["type"].get<std::string>(), std::string("request_too_large"));
}

void TestServeChat::unknownPath404() {
  auto r = client_->Get("/v1/nothing", auth());
  QVERIFY(r);
  QCOMPARE(r->status, 404);
  QVERIFY(errorOf(r)["message"].get<std::string>().find("/v1/nothing") != std::string::npos);
}

void TestServeChat::judgeClientRecordsErrorVerdict() {
  reward::JudgeOptions o;
  o.base_url = server_->url();
  o.model = "tiny";
  o.api_key = kKey;
  o.max_tokens = 8;
  o.max_retries = 0;
  o.timeout_ms = 60000;
  reward::JudgeClient judge(o);
  const auto result = judge.judge("What is the capital?", "Paris", "paris");
  // A random model does not answer [[YES]] or [[NO]]: that is an error, with its reply kept.
  QVERIFY2(result.verdict == reward::JudgeVerdict::Error, result.toJson().dump().c_str());
  QCOMPARE(result.http_status, 200);
  QVERIFY2(!result.error.empty(), result.toJson().dump().c_str());
  // The reply is exactly what the server answers to the same request body.
  auto direct = client_->Post("/v1/chat/completions", auth(),
                              judge.requestBody(reward::JudgePrompt("What is the capital?", "Paris", "paris")).dump(),
                              "application/json");
  QCOMPARE(direct->status, 200);
  QCOMPARE(result.raw_reply, json::parse(direct->body)["choices"][0]["message"]["content"].get<std::string>());
  QVERIFY(!result.raw_reply.empty());
}

void TestServeChat::workerQueueIsBounded() {
  std::promise<void> release;
  auto gate = release.get_future().share();
  std::atomic<int> ran{0};
  {
    serve::GenerationWorker worker(1);
    QVERIFY(worker.trySubmit([gate, &ran] {
      gate.wait();
      ++ran;
    }));  // running
    // Wait until the worker took the first job, so the queue is empty again.
    for (int i = 0; i < 200 && worker.queued() > 0; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    QVERIFY(worker.trySubmit([&ran] { ++ran; }));   // queued
    QVERIFY(!worker.trySubmit([&ran] { ++ran; }));  // full
    release.set_value();
    for (int i = 0; i < 200 && ran < 2; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    QCOMPARE(ran.load(), 2);
    worker.stop();
    QVERIFY(!worker.trySubmit([] {}));
  }
}

QTEST_APPLESS_MAIN(TestServeChat)
#include "TestServeChat.moc"
