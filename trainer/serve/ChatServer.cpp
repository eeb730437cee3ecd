#include "trainer/serve/ChatServer.h"

#include <atomic>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <future>
#include <random>
#include <thread>

#include "trainer/engine/GenerationEngine.h"
#include "trainer/engine/LenientDecoder.h"
#include "trainer/model/TorchThreads.h"
#include "trainer/serve/ApiError.h"
#include "trainer/serve/BoundedHttpServer.h"
#include "trainer/serve/ChatRequest.h"
#include "trainer/serve/ChatResponseBuilder.h"
#include "trainer/serve/DeltaDecoder.h"
#include "trainer/serve/GenerationWorker.h"
#include "trainer/serve/Httplib.h"
#include "trainer/serve/StreamChannel.h"
#include "trainer/tokenizer/ThinkStream.h"

namespace longrl::serve {
namespace {

std::string dumpJson(const nlohmann::json& j) {
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

void sendJson(httplib::Response& res, int status, const nlohmann::json& body) {
  res.status = status;
  res.set_content(dumpJson(body), "application/json");
}

// Compares without an early exit, so the time taken does not reveal how much of a key matched.
bool sameSecret(const std::string& a, const std::string& b) {
  unsigned char diff = a.size() == b.size() ? 0 : 1;
  for (size_t i = 0; i < a.size(); ++i) diff |= static_cast<unsigned char>(a[i] ^ (i < b.size() ? b[i] : 0));
  return diff == 0;
}

std::string errorTypeFor(int status) {
  switch (status) {
    case 401:
      return "authentication_error";
    case 404:
      return "not_found_error";
    case 408:
      return "request_timeout";
    case 411:
      return "invalid_request_error";
    case 413:
      return "request_too_large";
    case 503:
      return "server_busy";
    default:
      return status >= 500 ? "server_error" : "invalid_request_error";
  }
}

// Whether an Authorization header carries `key` as a bearer token. The scheme is matched in any
// case (RFC 7235); the token in constant time.
bool bearerMatches(const std::string& header, const std::string& key) {
  const size_t space = header.find(' ');
  if (space == std::string::npos) return false;
  std::string scheme = header.substr(0, space);
  for (char& c : scheme) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return scheme == "bearer" && sameSecret(header.substr(space + 1), key);
}

std::string durationText(int64_t ms) {
  return ms % 1000 == 0 ? std::to_string(ms / 1000) + " s" : std::to_string(ms) + " ms";
}

ConnectionLimits limitsOf(const ChatServerOptions& o) {
  ConnectionLimits l;
  l.maxConnections = o.maxConnections;
  l.requestTimeout = std::chrono::milliseconds(o.requestTimeoutMs);
  // Headers and the transfer framing of a chunked body come on top of the body's own limit.
  l.maxRequestReadBytes = 2 * o.maxRequestBytes + (64u << 10);
  l.busyBody = dumpJson(ApiError::body("the server is serving its limit of " + std::to_string(o.maxConnections) +
                                           " connections; retry later",
                                       "server_busy"));
  return l;
}

// A prepared request: the prompt ids and engine parameters.
struct Job {
  ChatRequest request;
  std::vector<int> promptIds;
  engine::SamplingParams params;
  std::string openedThinking;  // "<think>\n" when the generation prompt opened the thinking block
};

}  // namespace

struct ChatServer::Impl {
  Impl(engine::LoadedModel m, ChatServerOptions o)
      : loaded(std::move(m)), options(std::move(o)), engineOptions(loaded.engineOptions()),
        eng(loaded.model, engineOptions), decoder(loaded.tokenizer), server(limitsOf(options)) {}

  engine::LoadedModel loaded;
  ChatServerOptions options;
  engine::EngineOptions engineOptions;
  engine::GenerationEngine eng;
  engine::LenientDecoder decoder;
  BoundedHttpServer server;
  std::unique_ptr<GenerationWorker> worker;
  std::thread listener;
  std::atomic<bool> stopping{false};
  std::atomic<uint64_t> counter{0};
  int port = -1;
  int64_t startedAt = static_cast<int64_t>(std::time(nullptr));

  void routes();
  std::string readBody(const httplib::Request& req, httplib::Response& res, const httplib::ContentReader& reader) const;
  Job prepare(const std::string& body) const;
  void complete(Job job, httplib::Response& res);
  void streamCompletion(Job job, httplib::Response& res);
  ChatResponseBuilder builder() {
    char id[40];
    std::snprintf(id, sizeof id, "chatcmpl-%llx%06llx", static_cast<unsigned long long>(startedAt),
                  static_cast<unsigned long long>(++counter));
    return ChatResponseBuilder(id, static_cast<int64_t>(std::time(nullptr)), options.modelName);
  }
  std::vector<int> stopTokenIds() const { return loaded.eosTokenIds; }
  std::string timeoutMessage() const {
    return "the request (headers and body) did not arrive in full within " + durationText(options.requestTimeoutMs);
  }
};

// httplib (0.11) bounds only bodies that declare a Content-Length: chunked bodies, bodies without
// a length (read to the end of the connection) and the decompressed size are unbounded there. So
// the chat route reads its body through a ContentReader and counts every byte itself.
std::string ChatServer::Impl::readBody(const httplib::Request& req, httplib::Response& res,
                                       const httplib::ContentReader& reader) const {
  if (req.is_multipart_form_data())
    throw ApiError(415, "the request body must be JSON (Content-Type: application/json), not multipart/form-data");
  std::string body;
  bool tooLarge = false;
  const bool ok = reader([&](const char* data, size_t len) {
    if (len > options.maxRequestBytes - body.size()) {
      tooLarge = true;
      return false;
    }
    body.append(data, len);
    return true;
  });
  if (tooLarge || !ok) res.set_header("Connection", "close");  // the rest of the body is still unread
  if (!ok && BoundedHttpServer::requestTimedOut()) throw ApiError(408, timeoutMessage(), "request_timeout");
  tooLarge = tooLarge || (!ok && BoundedHttpServer::requestTooLarge());
  if (tooLarge || res.status == 413)  // httplib sets 413 itself for a declared Content-Length over the limit
    throw ApiError(413,
                   "the request body is larger than the server's limit of " + std::to_string(options.maxRequestBytes) +
                       " bytes (longrl serve --max-request-bytes)",
                   "request_too_large");
  if (!ok) throw ApiError(400, "the request body could not be read");
  return body;
}

Job ChatServer::Impl::prepare(const std::string& text) const {
  const nlohmann::json body = ChatRequest::parseBody(text);
  Job job{ChatRequest::fromJson(body, options.maxN), {}, {}};
  const auto& r = job.request;
  tokenizer::ChatTemplateOptions fmt;
  fmt.enableThinking = r.enableThinking;
  fmt.extraContext = r.templateKwargs;
  job.openedThinking = loaded.tokenizer.chatTemplate().openedThinking(r.messages, fmt);
  job.promptIds = loaded.tokenizer.encode(loaded.tokenizer.applyChatTemplate(r.messages, fmt));
  const int64_t context = loaded.contextLength();
  const auto promptLen = static_cast<int64_t>(job.promptIds.size());
  if (promptLen >= context)
    throw ApiError(400,
                   "the messages are " + std::to_string(promptLen) + " tokens; the model's context is " +
                       std::to_string(context),
                   "invalid_request_error", "messages");
  const int64_t room = context - promptLen;
  if (r.maxTokens && *r.maxTokens > room)
    throw ApiError(400,
                   r.maxTokensField + " " + std::to_string(*r.maxTokens) + " plus the " + std::to_string(promptLen) +
                       " prompt tokens exceed the model's context of " + std::to_string(context),
                   "invalid_request_error", r.maxTokensField);
  auto& p = job.params;
  p.maxNewTokens = r.maxTokens ? *r.maxTokens : std::min(options.defaultMaxTokens, room);
  p.temperature = r.temperature.value_or(loaded.defaultTemperature);
  p.topP = r.topP.value_or(loaded.defaultTopP);
  p.topK = r.topK.value_or(loaded.defaultTopK);
  p.n = r.n;
  p.stopStrings = r.stop;
  p.seed = r.seed ? *r.seed : std::random_device{}();
  return job;
}

void ChatServer::Impl::complete(Job job, httplib::Response& res) {
  auto promise = std::make_shared<std::promise<std::vector<engine::GeneratedSample>>>();
  auto future = promise->get_future();
  auto shared = std::make_shared<Job>(std::move(job));
  if (!worker->trySubmit([this, promise, shared] {
        try {
          // Stopping the server aborts the generation at its next token instead of waiting it out.
          promise->set_value(eng.generate({shared->promptIds}, shared->params,
                                          [this](size_t, int, float) { return !stopping.load(); }));
        } catch (...) {
          promise->set_exception(std::current_exception());
        }
      }))
    throw ApiError(503, stopping ? "the server is stopping" : "too many requests are waiting; retry later",
                   "server_busy");
  std::vector<engine::GeneratedSample> samples;
  try {
    samples = future.get();
  } catch (const std::future_error&) {  // dropped unrun: the server is stopping
    throw ApiError(503, "the server is stopping", "server_busy");
  } catch (const std::invalid_argument& e) {
    throw ApiError(400, e.what());
  }
  std::vector<ChatChoice> choices;
  for (const auto& s : samples) {
    if (s.finishReason == "abort") throw ApiError(503, "the server is stopping", "server_busy");
    DeltaDecoder d(decoder, {}, stopTokenIds());
    for (int id : s.tokenIds) d.push(id);
    d.finish(s.stopString);
    choices.push_back(
        {d.text(), s.finishReason == "length" ? "length" : "stop", static_cast<int64_t>(s.tokenIds.size())});
  }
  sendJson(res, 200, builder().completion(choices, static_cast<int64_t>(shared->promptIds.size())));
}

void ChatServer::Impl::streamCompletion(Job job, httplib::Response& res) {
  auto channel = std::make_shared<StreamChannel>();
  auto shared = std::make_shared<Job>(std::move(job));
  auto b = std::make_shared<ChatResponseBuilder>(builder());
  auto work = [this, channel, shared, b] {
    const int n = shared->params.n;
    std::vector<DeltaDecoder> deltas;
    for (int i = 0; i < n; ++i) deltas.emplace_back(decoder, shared->request.stop, stopTokenIds());
    // The thinking also goes apart, as reasoning_content, in the chunk whose content completes it.
    std::vector<tokenizer::ThinkStream> thinking(static_cast<size_t>(n),
                                                 tokenizer::ThinkStream(!shared->openedThinking.empty()));
    std::vector<std::string> sent(static_cast<size_t>(n));
    auto delta = [&](size_t i, const std::string& piece, bool final) {
      sent[i] += piece;
      nlohmann::json d = {{"content", piece}};
      if (const std::string r = thinking[i].push(sent[i], final); !r.empty()) d["reasoning_content"] = r;
      return d;
    };
    for (int i = 0; i < n; ++i)
      channel->push(ChatResponseBuilder::sse(b->chunk(i, {{"role", "assistant"}, {"content", ""}})));
    try {
      auto samples = eng.generate({shared->promptIds}, shared->params, [&](size_t sample, int token, float) {
        const std::string piece = deltas[sample].push(token);
        if (!piece.empty())
          channel->push(ChatResponseBuilder::sse(b->chunk(static_cast<int>(sample), delta(sample, piece, false))));
        return !channel->cancelled() && !stopping;
      });
      int64_t completion = 0;
      for (size_t i = 0; i < samples.size(); ++i) {
        const auto& s = samples[i];
        completion += static_cast<int64_t>(s.tokenIds.size());
        const auto rest = delta(i, deltas[i].finish(s.stopString), true);
        if (!rest["content"].get_ref<const std::string&>().empty() || rest.contains("reasoning_content"))
          channel->push(ChatResponseBuilder::sse(b->chunk(static_cast<int>(i), rest)));
        channel->push(ChatResponseBuilder::sse(
            b->chunk(static_cast<int>(i), nlohmann::json::object(), s.finishReason == "length" ? "length" : "stop")));
      }
      if (shared->request.includeUsage)
        channel->push(
            ChatResponseBuilder::sse(b->usageChunk(static_cast<int64_t>(shared->promptIds.size()), completion)));
    } catch (const std::exception& e) {
      channel->push(
          ChatResponseBuilder::sse(ApiError::body(std::string("generation failed: ") + e.what(), "server_error")));
    }
    channel->push("data: [DONE]\n\n");
    channel->close();
  };
  if (!worker->trySubmit(work))
    throw ApiError(503, stopping ? "the server is stopping" : "too many requests are waiting; retry later",
                   "server_busy");
  res.set_header("Cache-Control", "no-cache");
  res.set_chunked_content_provider(
      "text/event-stream",
      [this, channel](size_t, httplib::DataSink& sink) {
        bool closed = false;
        const std::string data = channel->take(std::chrono::milliseconds(100), closed);
        if (!data.empty() && !sink.write(data.data(), data.size())) {
          channel->cancel();
          return false;
        }
        if (closed) sink.done();
        else if (stopping) {
          channel->cancel();
          return false;
        }
        return true;
      },
      [channel](bool success) {
        if (!success) channel->cancel();
      });
}

void ChatServer::Impl::routes() {
  server.set_payload_max_length(options.maxRequestBytes);
  // Runs before httplib reads any body: refuses requests without the key, and bodies whose size
  // httplib would not bound (see readBody) on every route but the chat one, which bounds its own.
  server.set_pre_routing_handler([this](const httplib::Request& req, httplib::Response& res) {
    auto refuse = [&res](int status, const std::string& message, const std::string& type) {
      sendJson(res, status, ApiError::body(message, type));
      res.set_header("Connection", "close");  // an unread body must not be taken for the next request
      return httplib::Server::HandlerResponse::Handled;
    };
    if (!options.apiKey.empty()) {
      const std::string auth = req.get_header_value("Authorization");
      if (!bearerMatches(auth, options.apiKey))
        return refuse(401, auth.empty() ? "missing API key: send 'Authorization: Bearer <key>'" : "incorrect API key",
                      "authentication_error");
    }
    const std::string encoding = req.get_header_value("Content-Encoding");
    if (!encoding.empty() && encoding != "identity")  // a small gzip body can inflate without bound
      return refuse(415, "compressed request bodies (Content-Encoding: " + encoding + ") are not accepted",
                    "invalid_request_error");
    const bool chatRoute = req.method == "POST" && req.path == "/v1/chat/completions";
    // A declared length over the limit is refused before its body is read (httplib would read and
    // drop it first, keeping the connection until the client sent it all or the deadline came).
    if (req.has_header("Content-Length") &&
        req.get_header_value<uint64_t>("Content-Length") > static_cast<uint64_t>(options.maxRequestBytes))
      return refuse(413,
                    "the request body is larger than the server's limit of " + std::to_string(options.maxRequestBytes) +
                        " bytes (longrl serve --max-request-bytes)",
                    "request_too_large");
    const bool chunked = req.has_header("Transfer-Encoding");
    const bool noLength =
        !req.has_header("Content-Length") && req.method != "GET" && req.method != "HEAD" && req.method != "OPTIONS";
    // A body framed by neither (read to the end of the connection) is refused everywhere: its end
    // is known only when the client closes. The chat route reads chunked bodies, counting bytes.
    if (chatRoute ? (noLength && !chunked) : (chunked || noLength))
      return refuse(411,
                    chatRoute ? "a request body needs a Content-Length or chunked transfer encoding"
                              : "a request body needs a Content-Length here",
                    "invalid_request_error");
    return httplib::Server::HandlerResponse::Unhandled;
  });
  server.set_error_handler([this](const httplib::Request& req, httplib::Response& res) {
    if (!res.body.empty()) return;  // a handler already wrote its error
    // httplib answers 400 to headers it could not read; say why when the stream knows.
    if (BoundedHttpServer::requestTimedOut()) {
      res.status = 408;
      res.set_header("Connection", "close");
      sendJson(res, 408, ApiError::body(timeoutMessage(), errorTypeFor(408)));
      return;
    }
    if (BoundedHttpServer::requestTooLarge()) {
      res.status = 413;
      res.set_header("Connection", "close");
    }
    std::string message = res.status == 404   ? "no route " + req.method + " " + req.path
                          : res.status == 413 ? "the request body is too large"
                                              : "HTTP " + std::to_string(res.status);
    sendJson(res, res.status, ApiError::body(message, errorTypeFor(res.status)));
  });
  server.set_exception_handler([](const httplib::Request&, httplib::Response& res, std::exception_ptr ep) {
    std::string what = "internal error";
    try {
      if (ep) std::rethrow_exception(ep);
    } catch (const std::exception& e) {
      what = e.what();
    } catch (...) {
    }
    sendJson(res, 500, ApiError::body(what, "server_error"));
  });
  server.Get("/v1/models", [this](const httplib::Request&, httplib::Response& res) {
    const int64_t context = loaded.contextLength();
    nlohmann::json model = {{"id", options.modelName},
                            {"object", "model"},
                            {"created", startedAt},
                            {"owned_by", "longrl"},
                            {"max_model_len", context}};
    sendJson(res, 200, {{"object", "list"}, {"data", nlohmann::json::array({model})}});
  });
  server.Post("/v1/chat/completions",
              [this](const httplib::Request& req, httplib::Response& res, const httplib::ContentReader& reader) {
                try {
                  if (stopping) throw ApiError(503, "the server is stopping", "server_busy");
                  Job job = prepare(readBody(req, res, reader));
                  if (job.request.stream) streamCompletion(std::move(job), res);
                  else complete(std::move(job), res);
                } catch (const ApiError& e) {
                  sendJson(res, e.status(), e.toJson());
                } catch (const std::exception& e) {
                  sendJson(res, 500, ApiError::body(e.what(), "server_error"));
                }
              });
}

ChatServer::ChatServer(engine::LoadedModel model, ChatServerOptions options)
    : impl_(std::make_unique<Impl>(std::move(model), std::move(options))) {}

ChatServer::~ChatServer() { stop(); }

int ChatServer::start() {
  auto& d = *impl_;
  if (d.port > 0) return d.port;
  d.routes();
  const int threads = d.options.threads;
  d.worker = std::make_unique<GenerationWorker>(d.options.maxQueued, [threads] { model::applyTorchThreads(threads); });
  d.port = d.options.port == 0 ? d.server.bind_to_any_port(d.options.host)
                               : (d.server.bind_to_port(d.options.host, d.options.port) ? d.options.port : -1);
  if (d.port <= 0) {
    d.worker->stop();
    throw std::runtime_error("serve: cannot listen on " + d.options.host + ":" + std::to_string(d.options.port));
  }
  d.listener = std::thread([&d] { d.server.listen_after_bind(); });
  return d.port;
}

void ChatServer::stop() {
  auto& d = *impl_;
  if (d.stopping.exchange(true)) return;
  if (d.worker) d.worker->stop();  // the running generation ends (streams abort at their next token)
  d.server.stop();
  if (d.listener.joinable()) d.listener.join();
}

int ChatServer::port() const { return impl_->port; }

std::string ChatServer::url() const {
  return "http://" + impl_->options.host + ":" + std::to_string(impl_->port) + "/v1";
}

}  // namespace longrl::serve
