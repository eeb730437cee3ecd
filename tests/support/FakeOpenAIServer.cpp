#include "support/FakeOpenAIServer.h"

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <thread>

#include <httplib.h>

namespace longrl::test {

using Behaviour = FakeOpenAIServer::Behaviour;

Behaviour Behaviour::reply(std::string content, int delayMs) {
  Behaviour b;
  b.kind = Kind::Reply;
  b.content = std::move(content);
  b.delay_ms = delayMs;
  return b;
}
Behaviour Behaviour::httpStatus(int status, std::string body) {
  Behaviour b;
  b.kind = Kind::HttpStatus;
  b.status = status;
  b.content = std::move(body);
  return b;
}
Behaviour Behaviour::malformedJson() { return rawBody("{\"choices\": [{\"message\": {\"content\": \"[[YES]]\""); }
Behaviour Behaviour::rawBody(std::string body) {
  Behaviour b;
  b.kind = Kind::RawBody;
  b.content = std::move(body);
  return b;
}
Behaviour Behaviour::streamed(std::string content, int chunkBytes, int chunkDelayMs) {
  Behaviour b = reply(std::move(content));
  b.chunk_bytes = chunkBytes;
  b.chunk_delay_ms = chunkDelayMs;
  return b;
}
Behaviour Behaviour::rawStream(std::string body, int chunkBytes, int chunkDelayMs) {
  Behaviour b;
  b.kind = Kind::RawStream;
  b.content = std::move(body);
  b.chunk_bytes = chunkBytes;
  b.chunk_delay_ms = chunkDelayMs;
  return b;
}

namespace {

// The SSE events of a streamed Reply, as OpenAI-compatible servers send them.
std::vector<std::string> replyEvents(const std::string& content, const std::string& model, size_t chunkBytes) {
  auto chunk = [&](const nlohmann::json& delta, const nlohmann::json& finish) {
    const nlohmann::json j = {{"id", "chatcmpl-fake"},
                              {"object", "chat.completion.chunk"},
                              {"model", model},
                              {"choices", {{{"index", 0}, {"delta", delta}, {"finish_reason", finish}}}}};
    return "data: " + j.dump() + "\n\n";
  };
  std::vector<std::string> events{chunk({{"role", "assistant"}, {"content", ""}}, nullptr)};
  for (size_t at = 0; at < content.size();) {
    size_t end = std::min(content.size(), at + chunkBytes);
    while (end < content.size() && (static_cast<unsigned char>(content[end]) & 0xC0) == 0x80)
      ++end;  // whole code points
    events.push_back(chunk({{"content", content.substr(at, end - at)}}, nullptr));
    at = end;
  }
  events.push_back(chunk(nlohmann::json::object(), "stop"));
  events.push_back("data: [DONE]\n\n");
  return events;
}

std::vector<std::string> rawPieces(const std::string& body, size_t chunkBytes) {
  std::vector<std::string> pieces;
  for (size_t at = 0; at < body.size(); at += chunkBytes) pieces.push_back(body.substr(at, chunkBytes));
  return pieces;
}

}  // namespace

struct FakeOpenAIServer::Impl {
  httplib::Server server;
  std::thread thread;
  int port = 0;
  mutable std::mutex mutex;
  std::condition_variable stopCv;
  bool stopping = false;
  std::deque<Behaviour> queue;
  Behaviour fallback = Behaviour::reply("Both answers name the same entity. [[YES]]");
  std::function<Behaviour(const Request&)> responder;
  std::vector<Request> requests;
  int active = 0, maxActive = 0;

  // Writes `pieces` one per provider call, `delayMs` apart; a stopping server ends the stream.
  void sendStream(httplib::Response& res, std::vector<std::string> pieces, int delayMs) {
    auto shared = std::make_shared<std::vector<std::string>>(std::move(pieces));
    auto next = std::make_shared<size_t>(0);
    res.set_header("Cache-Control", "no-cache");
    res.set_chunked_content_provider("text/event-stream", [this, shared, next, delayMs](size_t,
                                                                                        httplib::DataSink& sink) {
      if (*next > 0 && delayMs > 0) {
        std::unique_lock<std::mutex> lock(mutex);
        if (stopCv.wait_for(lock, std::chrono::milliseconds(delayMs), [this] { return stopping; })) return false;
      }
      if (*next >= shared->size()) {
        sink.done();
        return true;
      }
      const std::string& piece = (*shared)[(*next)++];
      return sink.write(piece.data(), piece.size());
    });
  }

  void handle(const httplib::Request& req, httplib::Response& res) {
    Request rec{req.path, req.get_header_value("Authorization"), req.body,
                nlohmann::json::parse(req.body, nullptr, false)};
    if (rec.json.is_discarded()) rec.json = nullptr;
    Behaviour b;
    std::function<Behaviour(const Request&)> fn;
    {
      std::lock_guard<std::mutex> lock(mutex);
      requests.push_back(rec);
      maxActive = std::max(maxActive, ++active);
      if (!queue.empty()) {
        b = queue.front();
        queue.pop_front();
      } else if (responder) {
        fn = responder;
      } else {
        b = fallback;
      }
    }
    if (fn) b = fn(rec);
    if (b.delay_ms > 0) {
      std::unique_lock<std::mutex> lock(mutex);
      stopCv.wait_for(lock, std::chrono::milliseconds(b.delay_ms), [this] { return stopping; });
    }
    const bool stream = rec.json.is_object() && rec.json.value("stream", false);
    const size_t chunkBytes = b.chunk_bytes > 0 ? static_cast<size_t>(b.chunk_bytes) : 8;
    switch (b.kind) {
      case Behaviour::Kind::Reply: {
        if (stream) {
          sendStream(res, replyEvents(b.content, rec.json.value("model", ""), chunkBytes), b.chunk_delay_ms);
          break;
        }
        const nlohmann::json body = {{"id", "chatcmpl-fake"},
                                     {"object", "chat.completion"},
                                     {"model", rec.json.is_object() ? rec.json.value("model", "") : ""},
                                     {"choices",
                                      {{{"index", 0},
                                        {"message", {{"role", "assistant"}, {"content", b.content}}},
                                        {"finish_reason", "stop"}}}}};
        res.set_content(body.dump(), "application/json");
        break;
      }
      case Behaviour::Kind::HttpStatus:
        res.status = b.status;
        res.set_content(b.content, "application/json");
        break;
      case Behaviour::Kind::MalformedJson:
      case Behaviour::Kind::RawBody:
        res.set_content(b.content, "application/json");
        break;
      case Behaviour::Kind::RawStream:
        sendStream(res, rawPieces(b.content, chunkBytes), b.chunk_delay_ms);
        break;
    }
    std::lock_guard<std::mutex> lock(mutex);
    --active;
  }
};

FakeOpenAIServer::FakeOpenAIServer() : impl_(std::make_unique<Impl>()) {
  Impl* impl = impl_.get();
  // Enough workers for the concurrency tests (httplib's default pool may be smaller).
  impl->server.new_task_queue = [] { return new httplib::ThreadPool(32); };
  impl->server.Post(".*", [impl](const httplib::Request& req, httplib::Response& res) { impl->handle(req, res); });
  impl->port = impl->server.bind_to_any_port("127.0.0.1");
  if (impl->port <= 0) throw std::runtime_error("FakeOpenAIServer: cannot bind 127.0.0.1");
  impl->thread = std::thread([impl] { impl->server.listen_after_bind(); });
  for (int i = 0; i < 500 && !impl->server.is_running(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(2));
}

FakeOpenAIServer::~FakeOpenAIServer() { stop(); }

void FakeOpenAIServer::stop() {
  {
    std::lock_guard<std::mutex> lock(impl_->mutex);
    impl_->stopping = true;
  }
  impl_->stopCv.notify_all();
  impl_->server.stop();
  if (impl_->thread.joinable()) impl_->thread.join();
}

int FakeOpenAIServer::port() const { return impl_->port; }
std::string FakeOpenAIServer::baseUrl() const { return "http://127.0.0.1:" + std::to_string(impl_->port) + "/v1"; }

void FakeOpenAIServer::enqueue(Behaviour b) {
  std::lock_guard<std::mutex> lock(impl_->mutex);
  impl_->queue.push_back(std::move(b));
}
void FakeOpenAIServer::setDefault(Behaviour b) {
  std::lock_guard<std::mutex> lock(impl_->mutex);
  impl_->fallback = std::move(b);
}
void FakeOpenAIServer::setResponder(std::function<Behaviour(const Request&)> responder) {
  std::lock_guard<std::mutex> lock(impl_->mutex);
  impl_->responder = std::move(responder);
}
std::vector<FakeOpenAIServer::Request> FakeOpenAIServer::requests() const {
  std::lock_guard<std::mutex> lock(impl_->mutex);
  return impl_->requests;
}
size_t FakeOpenAIServer::requestCount() const {
  std::lock_guard<std::mutex> lock(impl_->mutex);
  return impl_->requests.size();
}
int FakeOpenAIServer::maxConcurrent() const {
  std::lock_guard<std::mutex> lock(impl_->mutex);
  return impl_->maxActive;
}

}  // namespace longrl::test
