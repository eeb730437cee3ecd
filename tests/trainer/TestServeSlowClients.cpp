// `longrl serve` against clients that are slow on purpose, over raw sockets on 127.0.0.1: uploads
// that trickle in a byte at a time must not hold every worker (a normal request is answered at
// once beside them), a request that does not arrive in full within the server's time bound gets
// 408 (slow body, slow headers) or is closed, a server at its connection limit answers 503 at
// once, and stopping does not wait for slow clients.
#include <QtTest/QtTest>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <future>
#include <sstream>
#include <thread>

#include <nlohmann/json.hpp>

#include "support/TestPaths.h"
#include "trainer/cli/InitModelCommand.h"
#include "trainer/engine/LoadedModel.h"
#include "trainer/model/TorchThreads.h"
#include "trainer/serve/ChatServer.h"
#include "trainer/serve/Httplib.h"

using namespace longrl;
using nlohmann::json;
using Clock = std::chrono::steady_clock;

namespace {

double secondsSince(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

const std::string kChat = R"({"messages":[{"role":"user","content":"hi"}],"max_tokens":2,"temperature":0})";

// One raw connection that sends what it is told when it is told.
class RawClient {
 public:
  explicit RawClient(int port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(static_cast<uint16_t>(port));
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd_ >= 0 && ::connect(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
      ::close(fd_);
      fd_ = -1;
    }
  }
  ~RawClient() {
    if (fd_ >= 0) ::close(fd_);
  }
  RawClient(const RawClient&) = delete;
  RawClient& operator=(const RawClient&) = delete;

  bool ok() const { return fd_ >= 0; }
  // Whether the server has answered or closed (something to read, EOF included).
  bool answered() const {
    pollfd p{fd_, POLLIN, 0};
    return ::poll(&p, 1, 0) > 0;
  }
  bool send(const std::string& bytes) {
    return fd_ >= 0 && ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(bytes.size());
  }
  // Sends one more byte every `every` while waiting up to `limit` for the server to answer and
  // close; returns what it sent back ("" when it closed without a word or never answered).
  std::string awaitReply(std::chrono::milliseconds limit, std::chrono::milliseconds every, bool& closed) {
    std::string got;
    closed = false;
    const auto until = Clock::now() + limit;
    auto nextByte = Clock::now() + every;
    while (Clock::now() < until) {
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, 20) > 0) {
        char buf[4096];
        const ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
        if (n <= 0) {
          closed = true;
          break;
        }
        got.append(buf, static_cast<size_t>(n));
        continue;
      }
      if (Clock::now() >= nextByte) {
        ::send(fd_, "a", 1, MSG_NOSIGNAL);  // fails once the server has gone: the loop ends at EOF
        nextByte += every;
      }
    }
    return got;
  }

 private:
  int fd_ = -1;
};

int statusOf(const std::string& reply) {
  return reply.rfind("HTTP/1.1 ", 0) == 0 && reply.size() >= 12 ? std::stoi(reply.substr(9, 3)) : 0;
}

json bodyOf(const std::string& reply) {
  const size_t at = reply.find("\r\n\r\n");
  return at == std::string::npos ? json() : json::parse(reply.substr(at + 4), nullptr, false);
}

std::string slowUploadHead() {
  return "POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
         "Content-Length: 100000\r\n\r\n{";
}

}  // namespace

class TestServeSlowClients : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void initTestCase();
  void slowUploadsLeaveRoomForOthers();
  void slowBodyGets408();
  void slowHeadersGet408();
  void unfinishedRequestLineIsClosed();
  void fullServerAnswers503AtOnce();
  void stopDoesNotWaitForSlowClients();

 private:
  std::unique_ptr<serve::ChatServer> startServer(serve::ChatServerOptions o, int& port) {
    o.port = 0;
    auto s = std::make_unique<serve::ChatServer>(engine::LoadedModel::load(dir_), o);
    port = s->start();
    return s;
  }
  std::string dir_;
};

void TestServeSlowClients::initTestCase() {
  model::applyTorchThreads(1);
  dir_ = test::freshTempDir("serve-slow") + "/model";
  cli::ArgList args({"--preset", "tiny", dir_, "--seed", "3"});
  std::ostringstream o, e;
  QCOMPARE(cli::initModelCommand().run(args, o, e), 0);
}

// More slow uploads than httplib's own pool has threads (max(8, cores - 1)), each trickling a
// byte every 250 ms so that no per-read timeout ends it: a normal request beside them is answered
// in well under 2 s, while they are all still open.
void TestServeSlowClients::slowUploadsLeaveRoomForOthers() {
  const size_t slowCount = std::max<size_t>(16, std::thread::hardware_concurrency() + 4);
  serve::ChatServerOptions o;
  o.maxConnections = slowCount + 8;
  int port = 0;
  auto server = startServer(o, port);
  std::vector<std::unique_ptr<RawClient>> slow;
  for (size_t i = 0; i < slowCount; ++i) {
    slow.push_back(std::make_unique<RawClient>(port));
    QVERIFY(slow.back()->ok());
    QVERIFY(slow.back()->send(slowUploadHead()));
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(300));  // every upload has a worker by now

  for (const bool chat : {false, true}) {
    auto answer = std::async(std::launch::async, [port, chat] {
      const auto t0 = Clock::now();
      httplib::Client c("127.0.0.1", port);
      c.set_read_timeout(30, 0);
      auto r = chat ? c.Post("/v1/chat/completions", kChat, "application/json") : c.Get("/v1/models");
      return std::make_pair(r ? r->status : -1, secondsSince(t0));
    });
    // Keep the uploads going meanwhile: without a bound on them, the answer waits for their end.
    const auto t0 = Clock::now();
    while (answer.wait_for(std::chrono::milliseconds(250)) != std::future_status::ready && secondsSince(t0) < 8)
      for (auto& s : slow) s->send("a");
    QVERIFY2(answer.wait_for(std::chrono::seconds(30)) == std::future_status::ready, "no answer");
    const auto [status, took] = answer.get();
    QCOMPARE(status, 200);
    QVERIFY2(took < 2.0, qPrintable(QString("%1 answered in %2 s beside %3 slow uploads")
                                        .arg(chat ? "chat" : "models")
                                        .arg(took)
                                        .arg(slowCount)));
  }
  // They were all still being read: the answer did not come from cutting them off.
  for (auto& s : slow) QVERIFY2(!s->answered(), "a slow upload was answered or closed early");
}

// A body trickling in a byte every 200 ms, under a 1 s bound: 408 after about 1 s, with an
// OpenAI error body; per-read timeouts alone would let it go on.
void TestServeSlowClients::slowBodyGets408() {
  serve::ChatServerOptions o;
  o.requestTimeoutMs = 1000;
  int port = 0;
  auto server = startServer(o, port);
  RawClient c(port);
  QVERIFY(c.send(slowUploadHead()));
  const auto t0 = Clock::now();
  bool closed = false;
  const std::string reply = c.awaitReply(std::chrono::seconds(4), std::chrono::milliseconds(200), closed);
  const double took = secondsSince(t0);
  QVERIFY2(statusOf(reply) == 408, reply.c_str());
  QVERIFY2(took > 0.7 && took < 3.0, qPrintable(QString("408 after %1 s").arg(took)));
  const json body = bodyOf(reply);
  QVERIFY2(body.contains("error"), reply.c_str());
  QCOMPARE(body["error"]["type"].get<std::string>(), std::string("request_timeout"));
  QVERIFY2(body["error"]["message"].get<std::string>().find("1 s") != std::string::npos, reply.c_str());
  QVERIFY(reply.find("Connection: close") != std::string::npos);
  QVERIFY2(closed, "the connection stays open after 408");
  // The server serves on.
  httplib::Client ok("127.0.0.1", port);
  auto r = ok.Post("/v1/chat/completions", kChat, "application/json");
  QVERIFY(r);
  QCOMPARE(r->status, 200);
}

// Headers trickling in (one endless header line) get 408 too: httplib would read them for ever.
void TestServeSlowClients::slowHeadersGet408() {
  serve::ChatServerOptions o;
  o.requestTimeoutMs = 1000;
  int port = 0;
  auto server = startServer(o, port);
  RawClient c(port);
  QVERIFY(c.send("GET /v1/models HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: "));
  const auto t0 = Clock::now();
  bool closed = false;
  const std::string reply = c.awaitReply(std::chrono::seconds(4), std::chrono::milliseconds(200), closed);
  const double took = secondsSince(t0);
  QVERIFY2(statusOf(reply) == 408, reply.c_str());
  QVERIFY2(took < 3.0, qPrintable(QString("408 after %1 s").arg(took)));
  QCOMPARE(bodyOf(reply)["error"]["type"].get<std::string>(), std::string("request_timeout"));
  QVERIFY(closed);
}

// A request line that never ends cannot be answered: the connection is closed at the bound.
void TestServeSlowClients::unfinishedRequestLineIsClosed() {
  serve::ChatServerOptions o;
  o.requestTimeoutMs = 1000;
  int port = 0;
  auto server = startServer(o, port);
  RawClient c(port);
  QVERIFY(c.send("GET /v1/mod"));
  const auto t0 = Clock::now();
  bool closed = false;
  c.awaitReply(std::chrono::seconds(4), std::chrono::milliseconds(200), closed);
  QVERIFY2(closed, "still open after 4 s");
  QVERIFY2(secondsSince(t0) < 3.0, qPrintable(QString("closed after %1 s").arg(secondsSince(t0))));
}

// With its two connections taken (idle: they hold them until the keep-alive wait ends), the
// server answers a third at once with 503 rather than queueing it; once they go, it serves again.
void TestServeSlowClients::fullServerAnswers503AtOnce() {
  serve::ChatServerOptions o;
  o.maxConnections = 2;
  int port = 0;
  auto server = startServer(o, port);
  auto a = std::make_unique<RawClient>(port);
  auto b = std::make_unique<RawClient>(port);
  QVERIFY(a->ok() && b->ok());
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  const auto t0 = Clock::now();
  httplib::Client c("127.0.0.1", port);
  c.set_read_timeout(10, 0);
  auto r = c.Get("/v1/models");
  QVERIFY(r);
  QCOMPARE(r->status, 503);
  QVERIFY2(secondsSince(t0) < 1.5, qPrintable(QString("503 after %1 s").arg(secondsSince(t0))));
  const json err = json::parse(r->body)["error"];
  QCOMPARE(err["type"].get<std::string>(), std::string("server_busy"));
  QVERIFY2(err["message"].get<std::string>().find("2 connections") != std::string::npos, r->body.c_str());
  a.reset();
  b.reset();
  int status = 0;
  for (int i = 0; i < 60 && status != 200; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    if (auto again = c.Get("/v1/models")) status = again->status;
  }
  QCOMPARE(status, 200);
}

void TestServeSlowClients::stopDoesNotWaitForSlowClients() {
  serve::ChatServerOptions o;  // the default 30 s bound
  int port = 0;
  auto server = startServer(o, port);
  RawClient slowBody(port), idle(port);
  QVERIFY(slowBody.send(slowUploadHead()));
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  const auto t0 = Clock::now();
  server->stop();
  QVERIFY2(secondsSince(t0) < 2.0, qPrintable(QString("stop took %1 s").arg(secondsSince(t0))));
}

QTEST_GUILESS_MAIN(TestServeSlowClients)
#include "TestServeSlowClients.moc"
