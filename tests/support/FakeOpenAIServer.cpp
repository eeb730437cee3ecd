#include "support/FakeOpenAIServer.h"

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <deque>
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
    switch (b.kind) {
      case Behaviour::Kind::Reply: {
        const nlohmann::json body = {
            {"id", "chatcmpl-fake"},
            {"object", "chat.completion"},
            {"model", rec.json.is_object() ? rec.json.value("model", "") : ""},
            {"choices", {{{"index", 0}, {"message", {{"role", "assistant"}, {"content", b.content}}},
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
