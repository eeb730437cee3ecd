#pragma once
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace longrl::test {

// An in-process OpenAI-compatible server for tests: POST /v1/chat/completions answers with
// scripted behaviours (queued ones first, in order, then the default or a responder function).
// Bound to 127.0.0.1 on a free port; records every request it got.
// A request with "stream": true gets a Reply as server-sent events, as OpenAI and `longrl serve` send
// them: a role chunk, the content in pieces of chunk_bytes (never splitting a UTF-8 sequence), a
// finish_reason chunk, then `data: [DONE]`; chunk_delay_ms apart. RawStream sends its body as
// text/event-stream verbatim, cut every chunk_bytes bytes (to test parsers at arbitrary boundaries).
class FakeOpenAIServer {
 public:
  struct Behaviour {
    enum class Kind { Reply, HttpStatus, MalformedJson, RawBody, RawStream };
    Kind kind = Kind::Reply;
    std::string content;  // Reply: message content; HttpStatus / RawBody: the body
    int status = 200;
    int delay_ms = 0;        // sleep before answering (interrupted when the server stops)
    int chunk_bytes = 0;     // streamed replies: content bytes per event (RawStream: bytes per write); 0: 8
    int chunk_delay_ms = 0;  // streamed replies: pause between writes (interrupted when the server stops)

    static Behaviour reply(std::string content, int delayMs = 0);
    static Behaviour httpStatus(int status, std::string body = "{\"error\":{\"message\":\"fake failure\"}}");
    static Behaviour malformedJson();
    static Behaviour rawBody(std::string body);  // 200 with this exact body
    static Behaviour delayed(int delayMs, std::string content) { return reply(std::move(content), delayMs); }
    // A Reply whose stream (for stream=true requests) comes in pieces of chunkBytes, chunkDelayMs apart.
    static Behaviour streamed(std::string content, int chunkBytes = 8, int chunkDelayMs = 0);
    // 200 text/event-stream with this exact body, written chunkBytes at a time.
    static Behaviour rawStream(std::string body, int chunkBytes = 7, int chunkDelayMs = 0);
  };

  struct Request {
    std::string path;
    std::string authorization;  // the Authorization header, "" when absent
    std::string body;
    nlohmann::json json;  // body parsed (null when not JSON)
  };

  // Starts listening; throws std::runtime_error when it cannot bind.
  FakeOpenAIServer();
  ~FakeOpenAIServer();
  FakeOpenAIServer(const FakeOpenAIServer&) = delete;
  FakeOpenAIServer& operator=(const FakeOpenAIServer&) = delete;

  int port() const;
  std::string baseUrl() const;  // "http://127.0.0.1:PORT/v1"

  void enqueue(Behaviour b);
  void setDefault(Behaviour b);
  // Decides per request when the queue is empty (e.g. from the user message); wins over the default.
  void setResponder(std::function<Behaviour(const Request&)> responder);

  std::vector<Request> requests() const;
  size_t requestCount() const;
  // The most requests that were being handled at the same time.
  int maxConcurrent() const;

  void stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace longrl::test
