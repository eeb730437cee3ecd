#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace longrl::serve {

// One finished choice of a chat completion.
struct ChatChoice {
  std::string text;          // the whole completion (thinking included)
  std::string finishReason;  // "stop" | "length"
  int64_t completionTokens = 0;
};

// The JSON bodies of one chat completion in OpenAI's schema. Reasoning: `message.content` is the
// full completion text, <think>...</think> included, because the recipe's reward and a judge
// read the answer after the last </think> from exactly that text. When a </think> is present the
// thinking is also given apart in `message.reasoning_content` (DeepSeek's and vLLM's field), for
// clients that show it separately; it duplicates part of content rather than removing it. A model
// whose generation prompt opens the block (DeepSeek-R1-Distill: "...<think>\n") writes no opening
// tag: its content starts inside the thinking, and the text before </think> is the reasoning all
// the same. Streamed, every chunk carries its piece of the content, and the chunk whose content
// completes a piece of thinking also carries that piece as `delta.reasoning_content` (ThinkStream:
// the block ends at the first </think>; a response that neither starts with <think> nor follows an
// opened one has none); when the response closes its thinking, the pieces concatenated equal the
// reasoning_content of the same completion unstreamed.
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
