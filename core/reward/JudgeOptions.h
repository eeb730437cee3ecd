#pragma once
#include <string>

namespace longrl::reward {

// How to reach an OpenAI-compatible judge (vLLM, SGLang, llama.cpp server, OpenAI itself).
struct JudgeOptions {
  // "http://host:8000/v1" (requests go to <base_url>/chat/completions); a URL without a path
  // gets "/v1"; a URL already ending in "/chat/completions" is used as is. https:// works too.
  std::string base_url;
  std::string model;
  std::string api_key;     // sent as "Authorization: Bearer <key>" when not empty
  int timeout_ms = 60000;  // connect, send and each read (a slow first token counts)
  int max_retries = 3;     // extra attempts after the first, on timeout / connection error / 5xx / 429
  int backoff_ms = 500;    // first back-off; doubles each retry
  int max_backoff_ms = 16000;
  int max_concurrent = 8;    // requests in flight across all threads using one client
  double temperature = 0.0;  // the reference judges greedily
  int max_tokens = 0;        // 0: not sent (server default)
};

}  // namespace longrl::reward
