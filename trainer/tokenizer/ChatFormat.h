#pragma once
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace longrl::tokenizer {

struct ChatMessage {
  std::string role;  // system | user | assistant | tool
  std::string content;
  std::optional<std::string> reasoning;  // assistant thinking given apart ("reasoning_content")
};

// ChatML as Qwen3's chat template renders it (no Jinja: the template's logic, written out):
//   <|im_start|>role\ncontent<|im_end|>\n ... [<|im_start|>assistant\n[<think>\n\n</think>\n\n]]
// Assistant turns after the last user query keep their thinking as <think>\n...\n</think>\n\n;
// earlier ones are rendered without it, as the template does. Tool results are wrapped in
// <tool_response> inside a user turn. Tool definitions and tool calls are not rendered.
class ChatFormat {
 public:
  struct Options {
    bool addGenerationPrompt = true;
    // Qwen3's enable_thinking: false appends an empty think block to the generation prompt.
    bool enableThinking = true;
  };
  static std::string render(const std::vector<ChatMessage>& messages, const Options& options);
  static std::string render(const std::vector<ChatMessage>& messages) { return render(messages, Options{}); }
  // [{"role": ..., "content": ...}, ...] (a verl `prompt` field); errors name `where` and the index.
  static std::vector<ChatMessage> fromJson(const nlohmann::json& list, const std::string& where = "messages");
};

}  // namespace longrl::tokenizer
