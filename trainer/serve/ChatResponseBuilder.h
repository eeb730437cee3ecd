#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace longrl::serve {

// One finished choice of a chat completion.
struct ChatChoice {
  std::string text;           // the whole completion (thinking included)
  std::string finishReason;   // "stop" | "length"
  int64_t completionTokens = 0;
};

// The JSON bodies of one chat completion in OpenAI's schema. Reasoning: `message.content` is the
// full completion text, <think>...</think> included, because the recipe's reward and a judge
// read the answer after the last </think> from exactly that text. When a </think> is present the
// thinking is also given apart in `message.reasoning_content` (DeepSeek's and vLLM's field), for
// clients that show it separately; it duplicates part of content rather than removing it.
class ChatResponseBuilder {
 public:
  ChatResponseBuilder(std::string id, int64_t created, std::string model);

  nlohmann::json completion(const std::vector<ChatChoice>& choices, int64_t promptTokens) const;
  // A `chat.completion.chunk` for choice `index`: delta {role?, content?}, finish_reason or null.
  nlohmann::json chunk(int index, const nlohmann::json& delta, const std::string& finishReason = "") const;
  // The last chunk when stream_options.include_usage: no choices, usage filled.
  nlohmann::json usageChunk(int64_t promptTokens, int64_t completionTokens) const;
  static std::string sse(const nlohmann::json& event) { return "data: " + event.dump() + "\n\n"; }

  const std::string& id() const { return id_; }

 private:
  nlohmann::json base(const char* object) const;
  std::string id_;
  int64_t created_;
  std::string model_;
};

}  // namespace longrl::serve
