#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "trainer/tokenizer/ChatFormat.h"

namespace longrl::serve {

// The fields of POST /v1/chat/completions that longrl serve honours. Others (logprobs, tools,
// presence_penalty, ...) are accepted and ignored, as vLLM ignores what it does not support.
struct ChatRequest {
  std::vector<tokenizer::ChatMessage> messages;
  std::optional<double> temperature;  // absent: the model's generation_config.json
  std::optional<double> topP;
  std::optional<int64_t> topK;                // vLLM extension; -1 or 0 = off
  std::optional<int64_t> maxTokens;           // max_completion_tokens, else max_tokens
  std::string maxTokensField = "max_tokens";  // which of the two the request used (errors name it)
  int n = 1;
  std::vector<std::string> stop;
  bool stream = false;
  bool includeUsage = false;  // stream_options.include_usage
  std::optional<uint64_t> seed;
  // chat_template_kwargs.enable_thinking (vLLM's switch); unset: the template's default.
  std::optional<bool> enableThinking;
  // chat_template_kwargs as sent: every key becomes a variable of the model's chat template.
  nlohmann::json templateKwargs = nlohmann::json::object();

  // Parses a request body; throws ApiError(400) when it is not JSON or nests deeper than
  // `maxDepth` arrays/objects (deep values would overflow the stack when copied).
  static nlohmann::json parseBody(const std::string& text, int maxDepth = 64);
  // Throws ApiError(400) naming the field ("messages[1].content", "temperature", ...).
  // `maxN` bounds n (each sample is a row of the decode batch).
  static ChatRequest fromJson(const nlohmann::json& body, int maxN = 16);
};

}  // namespace longrl::serve
