#pragma once
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "trainer/engine/LoadedModel.h"

namespace longrl::serve {

struct ChatServerOptions {
  std::string host = "127.0.0.1";  // loopback unless asked otherwise
  int port = 0;                    // 0: any free port (ChatServer::port() tells which)
  std::string apiKey;              // when set, requests need "Authorization: Bearer <apiKey>" (scheme in any case)
  std::string modelName = "longrl";
  size_t maxRequestBytes = 8u << 20;  // larger bodies get 413
  size_t maxQueued = 16;              // waiting generations; more get 503
  int maxN = 16;                      // largest n per request
  int64_t defaultMaxTokens = 1024;    // when the request names no max_tokens (bounded by the context)
  int threads = 0;                    // torch intra-op threads of the generation worker (0: applyTorchThreads default)
  size_t maxConnections = 64;         // connections served at once; more get 503 at once
  int64_t requestTimeoutMs = 30000;   // a request (headers and body) must arrive within this; else 408
};

// An OpenAI-compatible HTTP server over one model: POST /v1/chat/completions (messages rendered
// with the model's chat template, chat_template_kwargs passed to it; temperature, top_p, top_k,
// max_tokens / max_completion_tokens, n, stop, stream, seed, chat_template_kwargs.enable_thinking)
// and GET /v1/models. Errors use OpenAI's {"error": {...}} body: 400 names the bad field (or says
// the JSON is malformed or nested deeper than 64 levels), 401 without the key (checked before
// anything else, in constant time), 404 unknown path, 408 a request not in full within
// requestTimeoutMs of its connection opening (or of the previous reply), 411 a body without
// Content-Length on any route but the chat one, 413 a body over maxRequestBytes (declared, chunked
// or running to the end of the connection), 415 a compressed or multipart body, 503 queue full,
// maxConnections connections open, or stopping. Generation is serialised on one worker thread. The
// response schema (and where the thinking goes) is described in ChatResponseBuilder.h.
class ChatServer {
 public:
  ChatServer(engine::LoadedModel model, ChatServerOptions options);
  ~ChatServer();
  ChatServer(const ChatServer&) = delete;
  ChatServer& operator=(const ChatServer&) = delete;

  // Binds and serves on a background thread; returns the port. Throws std::runtime_error when
  // the address cannot be bound.
  int start();
  // Stops accepting, aborts streams, lets the running generation finish, joins. Idempotent.
  void stop();
  int port() const;
  std::string url() const;  // "http://HOST:PORT/v1"

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace longrl::serve
