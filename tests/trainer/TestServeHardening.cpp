// `longrl serve` against hostile or careless clients, over real HTTP on a loopback port: the API
// key (what counts as a match; the scheme in any case), bodies whose size httplib does not bound
// by itself (chunked, without a length, compressed), JSON nested deep enough to overflow a stack,
// wrong types in every field (400 naming it, the server still serving afterwards), and the CLI: it
// binds 127.0.0.1 unless told otherwise and takes its key from LONGRL_API_KEY. Slow clients:
// TestServeSlowClients.
#include <QtTest/QtTest>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "support/LoopbackPort.h"
#include "support/TestPaths.h"
#include "trainer/cli/InitModelCommand.h"
#include "trainer/engine/LoadedModel.h"
#include "trainer/model/TorchThreads.h"
#include "trainer/serve/ChatServer.h"
#include "trainer/serve/Httplib.h"

using namespace longrl;
using nlohmann::json;

namespace {

const char* kKey = "s3cret-key";
constexpr size_t kLimit = 256 * 1024;  // the test server's --max-request-bytes

std::string makeModelDir() {
  const std::string dir = test::freshTempDir("serve-hardening");
  cli::ArgList args({"--preset", "tiny", dir + "/model", "--seed", "3"});
  std::ostringstream o, e;
  if (cli::initModelCommand().run(args, o, e) != 0) throw std::runtime_error("init-model failed: " + e.str());
  return dir + "/model";
}

json chatBody(const std::string& user = "hi") {
  return {{"messages", {{{"role", "user"}, {"content", user}}}}, {"max_tokens", 2}, {"temperature", 0}};
}

struct RawReply {
  int status = 0;
  std::string head;  // status line and headers
  std::string body;
};

// Sends `request` byte for byte on a fresh connection and reads one reply: up to its
// Content-Length, or until the server closes. The connection is not half-closed: httplib's server
// (0.11) drops its reply when the client shuts down its writing side first (a half-closed chunked
// POST got no bytes back; the same request left open got its 200).
RawReply rawExchange(int port, const std::string& request) {
  RawReply reply;
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return reply;
  timeval tv{30, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<uint16_t>(port));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
    ::close(fd);
    return reply;
  }
  for (size_t sent = 0; sent < request.size();) {
    const ssize_t n = ::send(fd, request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) break;  // the server may close early; its answer is still readable
    sent += static_cast<size_t>(n);
  }
  std::string all;
  char buf[8192];
  for (;;) {
    const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) break;
    all.append(buf, static_cast<size_t>(n));
    // The server may keep the connection open (keep-alive): stop after a whole reply.
    const size_t headEnd = all.find("\r\n\r\n");
    if (headEnd != std::string::npos) {
      const auto cl = all.find("Content-Length: ");
      if (cl != std::string::npos && cl < headEnd && all.size() >= headEnd + 4 + std::stoul(all.substr(cl + 16))) break;
    }
  }
  ::close(fd);
  const size_t headEnd = all.find("\r\n\r\n");
  if (all.rfind("HTTP/1.1 ", 0) != 0 || headEnd == std::string::npos) return reply;
  reply.status = std::stoi(all.substr(9, 3));
  reply.head = all.substr(0, headEnd);
  reply.body = all.substr(headEnd + 4);
  return reply;
}

std::string chunked(const std::string& body, size_t chunk) {
  std::string out;
  char size[32];
  for (size_t i = 0; i < body.size(); i += chunk) {
    const std::string part = body.substr(i, chunk);
    std::snprintf(size, sizeof size, "%zx\r\n", part.size());
    out += size + part + "\r\n";
  }
  return out + "0\r\n\r\n";
}

std::string requestHead(const std::string& method, const std::string& path, const std::string& extraHeaders) {
  return method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + kKey +
         "\r\nContent-Type: application/json\r\n" + extraHeaders + "\r\n";
}

// The OpenAI error object of a reply; fails the test (by throwing) when there is none.
json errorOf(const std::string& body) {
  const auto j = json::parse(body);
  if (!j.contains("error") || !j["error"].is_object() || !j["error"]["message"].is_string() ||
      !j["error"]["type"].is_string() || !j["error"].contains("param") || !j["error"].contains("code"))
    throw std::runtime_error("no OpenAI error object: " + body);
  return j["error"];
}

// Whether something listens on `port` of 127.0.0.1 only, from the kernel's own table.
// Returns "" when it does, else what was found.
std::string listensOnLoopbackOnly(int port) {
  std::ifstream in("/proc/net/tcp");
  if (!in) return "no /proc/net/tcp";
  char want[8];
  std::snprintf(want, sizeof want, ":%04X", port);
  std::string line, found;
  std::getline(in, line);  // header
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    std::string slot, local, remote, state;
    fields >> slot >> local >> remote >> state;
    if (state != "0A" || local.size() < 5 || local.substr(local.size() - 5) != want) continue;
    found += local + " ";
    if (local != std::string("0100007F") + want) return "listening on " + local;
  }
  std::ifstream in6("/proc/net/tcp6");
  while (in6 && std::getline(in6, line)) {
    std::istringstream fields(line);
    std::string slot, local, remote, state;
    fields >> slot >> local >> remote >> state;
    if (state == "0A" && local.size() >= 5 && local.substr(local.size() - 5) == want)
      return "listening on IPv6 " + local;
  }
  return found.empty() ? "nothing listens on the port" : "";
}

}  // namespace

class TestServeHardening : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void initTestCase();
  void cleanupTestCase();
  void chunkedBodyIsBounded();
  void bodyWithoutLengthIsBounded();
  void compressedBodyRefused();
  void otherRoutesRefuseUnboundedBodies();
  void defaultOptionsBindLoopback();
  void apiKeyMustMatchExactly();
  void deeplyNestedJsonIs400();
  void malformedBodiesAre400();
  void wrongTypesName400Field();
  void cliBindsLoopbackAndReadsEnvKey();
  void cliRejectsBadLimits();

 private:
  httplib::Result post(const json& body) {
    return client_->Post("/v1/chat/completions", httplib::Headers{{"Authorization", std::string("Bearer ") + kKey}},
                         body.dump(), "application/json");
  }
  std::string dir_;
  int port_ = 0;
  std::unique_ptr<serve::ChatServer> server_;
  std::unique_ptr<httplib::Client> client_;
};

void TestServeHardening::initTestCase() {
  model::applyTorchThreads(1);
  dir_ = makeModelDir();
  serve::ChatServerOptions o;
  o.apiKey = kKey;
  o.maxRequestBytes = kLimit;
  o.port = test::unusedLoopbackPort();
  QVERIFY(o.port > 0);
  server_ = std::make_unique<serve::ChatServer>(engine::LoadedModel::load(dir_), o);
  port_ = server_->start();
  QCOMPARE(port_, o.port);
  client_ = std::make_unique<httplib::Client>("127.0.0.1", port_);
  client_->set_read_timeout(60, 0);
  auto r = post(chatBody());
  QVERIFY(r);
  QCOMPARE(r->status, 200);
}

void TestServeHardening::cleanupTestCase() {
  if (server_) server_->stop();
}

void TestServeHardening::defaultOptionsBindLoopback() {
  QCOMPARE(serve::ChatServerOptions{}.host, std::string("127.0.0.1"));
  const std::string where = listensOnLoopbackOnly(port_);
  if (where == "no /proc/net/tcp") QSKIP("no /proc/net/tcp here");
  QVERIFY2(where.empty(), where.c_str());
}

void TestServeHardening::apiKeyMustMatchExactly() {
  const std::vector<std::string> wrong = {
      "",                                                       // none
      std::string("Bearer ") + kKey + "x",                      // longer
      std::string("Bearer ") + std::string(kKey).substr(0, 9),  // a prefix
      std::string("Bearer  ") + kKey,                           // two spaces
      std::string("Basic ") + kKey,                             // another scheme
      kKey,                                                     // no scheme
      "Bearer ",
  };
  for (const auto& auth : wrong) {
    httplib::Headers h;
    if (!auth.empty()) h.emplace("Authorization", auth);
    for (int route = 0; route < 3; ++route) {
      auto r = route == 0   ? client_->Get("/v1/models", h)
               : route == 1 ? client_->Post("/v1/chat/completions", h, chatBody().dump(), "application/json")
                            : client_->Get("/v1/no-such-route", h);  // 401 first: no route is revealed
      QVERIFY(r);
      QVERIFY2(r->status == 401, (auth + " -> " + std::to_string(r->status)).c_str());
      const auto err = errorOf(r->body);
      QCOMPARE(err["type"].get<std::string>(), std::string("authentication_error"));
      QVERIFY(err["message"].get<std::string>().find("API key") != std::string::npos);
      QVERIFY(err["code"].is_null());
    }
  }
  QCOMPARE(client_->Get("/v1/models", httplib::Headers{{"Authorization", std::string("Bearer ") + kKey}})->status, 200);
  // The scheme is case-insensitive (RFC 7235): clients that send "bearer" are let in.
  for (const std::string scheme : {"bearer", "BEARER", "bEaReR"}) {
    const httplib::Headers h{{"Authorization", scheme + " " + kKey}};
    auto r = client_->Get("/v1/models", h);
    QVERIFY(r);
    QVERIFY2(r->status == 200, (scheme + " -> " + std::to_string(r->status)).c_str());
    r = client_->Post("/v1/chat/completions", h, chatBody().dump(), "application/json");
    QVERIFY(r);
    QVERIFY2(r->status == 200, (scheme + " -> " + std::to_string(r->status) + " " + r->body).c_str());
  }
  // The token is not: only the scheme.
  auto r = client_->Get("/v1/models",
                        httplib::Headers{{"Authorization", "bearer " + QByteArray(kKey).toUpper().toStdString()}});
  QVERIFY(r);
  QCOMPARE(r->status, 401);
}

void TestServeHardening::chunkedBodyIsBounded() {
  // Within the limit, a chunked body is read and answered like any other.
  const std::string ok = chatBody().dump();
  auto r = rawExchange(port_,
                       requestHead("POST", "/v1/chat/completions", "Transfer-Encoding: chunked\r\n") + chunked(ok, 7));
  QVERIFY2(r.status == 200, (r.head + r.body).c_str());
  QCOMPARE(json::parse(r.body)["object"].get<std::string>(), std::string("chat.completion"));
  // Past it, 413: httplib would otherwise keep appending chunks without end.
  const std::string big = chatBody(std::string(kLimit + 1000, 'a')).dump();
  r = rawExchange(port_,
                  requestHead("POST", "/v1/chat/completions", "Transfer-Encoding: chunked\r\n") + chunked(big, 4096));
  QVERIFY2(r.status == 413, (r.head + r.body).c_str());
  QCOMPARE(errorOf(r.body)["type"].get<std::string>(), std::string("request_too_large"));
  QVERIFY(errorOf(r.body)["message"].get<std::string>().find(std::to_string(kLimit)) != std::string::npos);
  QVERIFY(r.head.find("Connection: close") != std::string::npos);
  QCOMPARE(post(chatBody())->status, 200);
}

void TestServeHardening::bodyWithoutLengthIsBounded() {
  // No Content-Length and not chunked: the body would run to the end of the connection; refused
  // before any of it is read.
  const std::string big = chatBody(std::string(kLimit + 1000, 'b')).dump();
  auto r = rawExchange(port_, requestHead("POST", "/v1/chat/completions", "") + big);
  QVERIFY2(r.status == 411, (r.head + r.body).c_str());
  QCOMPARE(errorOf(r.body)["type"].get<std::string>(), std::string("invalid_request_error"));
  // A declared length over the limit is refused before the body is read.
  r = rawExchange(port_, requestHead("POST", "/v1/chat/completions",
                                     "Content-Length: " + std::to_string(kLimit + 1) + "\r\n") +
                             "{");
  QVERIFY2(r.status == 413, (r.head + r.body).c_str());
  QCOMPARE(errorOf(r.body)["type"].get<std::string>(), std::string("request_too_large"));
}

void TestServeHardening::compressedBodyRefused() {
  // 1 KiB of gzip may inflate to megabytes; the limit counts bytes on the wire, so refuse it.
  const std::string body = "\x1f\x8b\x08\x00\x00\x00\x00\x00";
  auto r = rawExchange(port_, requestHead("POST", "/v1/chat/completions",
                                          "Content-Encoding: gzip\r\nContent-Length: " + std::to_string(body.size()) +
                                              "\r\n") +
                                  body);
  QVERIFY2(r.status == 415, (r.head + r.body).c_str());
  QVERIFY(errorOf(r.body)["message"].get<std::string>().find("gzip") != std::string::npos);
}

void TestServeHardening::otherRoutesRefuseUnboundedBodies() {
  for (const std::string& method : {std::string("GET"), std::string("POST")}) {
    for (const std::string& path : {std::string("/v1/models"), std::string("/v1/other")}) {
      auto r = rawExchange(port_, requestHead(method, path, "Transfer-Encoding: chunked\r\n") +
                                      chunked(std::string(1000, 'c'), 100));
      QVERIFY2(r.status == 411, (method + " " + path + " -> " + r.head + r.body).c_str());
      QCOMPARE(errorOf(r.body)["type"].get<std::string>(), std::string("invalid_request_error"));
    }
  }
  // A GET without a body is untouched.
  auto r = rawExchange(port_, requestHead("GET", "/v1/models", ""));
  QVERIFY2(r.status == 200, (r.head + r.body).c_str());
}

void TestServeHardening::deeplyNestedJsonIs400() {
  // 100,000 levels: parsing is iterative, but copying such a value recursed once per level.
  const size_t depth = 100000;
  const std::string nested = std::string(depth, '[') + std::string(depth, ']');
  for (const std::string& body :
       {"{\"messages\": [{\"role\": \"user\", \"content\": " + nested + "}], \"max_tokens\": 2}",
        "{\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}], \"tools\": " + nested + "}", nested}) {
    auto r = client_->Post("/v1/chat/completions", httplib::Headers{{"Authorization", std::string("Bearer ") + kKey}},
                           body, "application/json");
    QVERIFY(r);
    QVERIFY2(r->status == 400, r->body.c_str());
    QVERIFY2(errorOf(r->body)["message"].get<std::string>().find("deeper than") != std::string::npos, r->body.c_str());
  }
  // Moderate nesting in a field the server ignores is fine.
  auto b = chatBody();
  b["tools"] = json::parse(std::string(20, '[') + std::string(20, ']'));
  QCOMPARE(post(b)->status, 200);
}

void TestServeHardening::malformedBodiesAre400() {
  const std::vector<std::string> bodies = {"",
                                           "null",
                                           "42",
                                           "\"text\"",
                                           "[]",
                                           "{",
                                           "{\"messages\": [}",
                                           std::string("{\"messages\": \"\xff\xfe\"}"),
                                           "{\"a\": 1e999}",
                                           std::string("{\"messages\"\0: 1}", 16)};
  for (const auto& body : bodies) {
    auto r = client_->Post("/v1/chat/completions", httplib::Headers{{"Authorization", std::string("Bearer ") + kKey}},
                           body, "application/json");
    QVERIFY(r);
    QVERIFY2(r->status == 400, (body + " -> " + std::to_string(r->status) + " " + r->body).c_str());
    QCOMPARE(errorOf(r->body)["type"].get<std::string>(), std::string("invalid_request_error"));
  }
  QCOMPARE(post(chatBody())->status, 200);
}

void TestServeHardening::wrongTypesName400Field() {
  struct Case {
    const char* key;
    json value;
    std::string param;
  };
  const json huge = json(std::numeric_limits<uint64_t>::max());
  const std::vector<Case> cases = {
      {"messages", json::object(), "messages"},
      {"messages", "hello", "messages"},
      {"messages", nullptr, "messages"},
      {"messages", json::array({"hello"}), "messages[0]"},
      {"messages", json::array({json::array()}), "messages[0]"},
      {"messages", json::array({{{"content", "x"}}}), "messages[0].role"},
      {"messages", json::array({{{"role", 7}, {"content", "x"}}}), "messages[0].role"},
      {"messages", json::array({{{"role", "user"}, {"content", {{"text", "x"}}}}}), "messages[0].content"},
      {"messages", json::array({{{"role", "user"}, {"content", json::array({"x"})}}}), "messages[0].content[0]"},
      {"messages", json::array({{{"role", "user"}, {"content", json::array({{{"type", "image_url"}}})}}}),
       "messages[0].content[0].type"},
      {"messages", json::array({{{"role", "user"}, {"content", json::array({{{"type", "text"}, {"text", 5}}})}}}),
       "messages[0].content[0].text"},
      {"messages", json::array({{{"role", "user"}, {"content", "x"}, {"reasoning_content", 1}}}),
       "messages[0].reasoning_content"},
      {"temperature", json::array({1}), "temperature"},
      {"temperature", -0.5, "temperature"},
      {"top_p", "all", "top_p"},
      {"top_p", 1.5, "top_p"},
      {"top_k", 2.5, "top_k"},
      {"top_k", -2, "top_k"},
      {"max_tokens", 0, "max_tokens"},
      {"max_tokens", -3, "max_tokens"},
      {"max_tokens", 2.5, "max_tokens"},
      {"max_tokens", huge, "max_tokens"},
      {"max_tokens", 1e30, "max_tokens"},
      {"max_completion_tokens", "8", "max_completion_tokens"},
      {"max_completion_tokens", int64_t{1} << 40, "max_completion_tokens"},
      {"n", 0, "n"},
      {"n", "2", "n"},
      {"n", huge, "n"},
      {"n", 17, "n"},
      {"stop", 3, "stop"},
      {"stop", json::object(), "stop"},
      {"stop", json::array({"a", nullptr}), "stop[1]"},
      {"stream", 1, "stream"},
      {"stream_options", "usage", "stream_options"},
      {"stream_options", {{"include_usage", "yes"}}, "stream_options.include_usage"},
      {"seed", 1.5, "seed"},
      {"seed", "42", "seed"},
      {"chat_template_kwargs", json::array(), "chat_template_kwargs"},
      {"chat_template_kwargs", {{"enable_thinking", "no"}}, "chat_template_kwargs.enable_thinking"},
  };
  for (const auto& c : cases) {
    auto body = chatBody();
    body[c.key] = c.value;
    auto r = post(body);
    QVERIFY(r);
    QVERIFY2(r->status == 400, (body.dump() + " -> " + std::to_string(r->status) + " " + r->body).c_str());
    const auto err = errorOf(r->body);
    QVERIFY2(err["param"] == c.param, (body.dump() + " -> " + err.dump()).c_str());
    QVERIFY2(err["message"].get<std::string>().find(c.param) != std::string::npos, err.dump().c_str());
    QCOMPARE(err["type"].get<std::string>(), std::string("invalid_request_error"));
  }
  // null means "absent" (the OpenAI SDKs send it), and unknown fields are ignored.
  auto body = chatBody();
  body["temperature"] = nullptr;
  body["n"] = nullptr;
  body["logprobs"] = true;
  QCOMPARE(post(body)->status, 200);
}

void TestServeHardening::cliBindsLoopbackAndReadsEnvKey() {
  const int port = test::unusedLoopbackPort();
  QVERIFY(port > 0);
  QProcess p;
  auto env = QProcessEnvironment::systemEnvironment();
  env.insert("LONGRL_API_KEY", "env-key-9");
  p.setProcessEnvironment(env);
  p.start(QString::fromStdString(test::cliPath()),
          {"serve", "--model", QString::fromStdString(dir_), "--port", QString::number(port), "--threads", "1"});
  QVERIFY(p.waitForStarted());
  QByteArray out;
  while (!out.contains('\n') && p.state() == QProcess::Running) {
    p.waitForReadyRead(500);
    out += p.readAllStandardOutput();
  }
  QVERIFY2(out.startsWith("serving "), (out + p.readAllStandardError()).constData());
  QVERIFY2(out.contains(QByteArray("at http://127.0.0.1:") + QByteArray::number(port) + "/v1"), out.constData());
  const std::string where = listensOnLoopbackOnly(port);
  if (where != "no /proc/net/tcp") QVERIFY2(where.empty(), where.c_str());
  httplib::Client c("127.0.0.1", port);
  c.set_read_timeout(60, 0);
  auto r = c.Get("/v1/models");
  QVERIFY(r);
  QCOMPARE(r->status, 401);
  r = c.Get("/v1/models", httplib::Headers{{"Authorization", "Bearer env-key-9"}});
  QVERIFY(r);
  QCOMPARE(r->status, 200);
  QCOMPARE(json::parse(r->body)["data"][0]["id"].get<std::string>(), std::string("model"));  // the folder's name
  p.terminate();                                                                             // SIGTERM: a clean stop
  QVERIFY(p.waitForFinished(30000));
  QCOMPARE(p.exitStatus(), QProcess::NormalExit);
  QCOMPARE(p.exitCode(), 0);
  QVERIFY(p.readAllStandardError().contains("stopping"));
}

void TestServeHardening::cliRejectsBadLimits() {
  struct Case {
    QStringList args;
    const char* mentions;
  };
  const std::vector<Case> cases = {
      {{"--max-request-bytes", "10"}, "--max-request-bytes"},
      {{"--max-request-bytes", "many"}, "max-request-bytes"},
      {{"--port", "70000"}, "--port"},
      {{"--max-tokens", "0"}, "--max-tokens"},
      {{"--max-queue", "0"}, "--max-queue"},
  };
  for (const auto& c : cases) {
    QProcess p;
    p.start(QString::fromStdString(test::cliPath()),
            QStringList{"serve", "--model", QString::fromStdString(dir_)} + c.args);
    QVERIFY(p.waitForFinished(60000));
    const QByteArray err = p.readAllStandardError();
    QVERIFY2(p.exitCode() == 2,
             (c.args.join(' ').toUtf8() + " -> " + QByteArray::number(p.exitCode()) + " " + err).constData());
    QVERIFY2(err.contains(c.mentions), err.constData());
  }
}

QTEST_GUILESS_MAIN(TestServeHardening)
#include "TestServeHardening.moc"
