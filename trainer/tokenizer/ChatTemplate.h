#pragma once
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "trainer/tokenizer/ChatFormat.h"

namespace longrl::tokenizer {

// What a caller asks of a chat template, as transformers' apply_chat_template takes it.
struct ChatTemplateOptions {
  bool addGenerationPrompt = true;
  // Passed to the template as `enable_thinking` when set (Qwen3); templates that do not read it ignore it.
  std::optional<bool> enableThinking;
  // Further template variables (kwargs of apply_chat_template), e.g. {"tools": [...]}.
  nlohmann::json extraContext = nlohmann::json::object();
};

// A model's own chat template (tokenizer_config.json's `chat_template`), rendered as Hugging Face
// renders it; a tokenizer without one gets ChatML (ChatFormat). Every prompt longrl builds for a
// model goes through this: SFT, rollouts, validation, eval, serve, Document QA.
class ChatTemplate {
 public:
  // `source` names the file in error messages (e.g. ".../tokenizer_config.json").
  ChatTemplate(std::string templateText, std::string bosToken, std::string eosToken, std::string source);

  // True when the tokenizer had no chat_template and ChatML is used instead.
  bool isChatMlFallback() const { return text_.empty(); }
  const std::string& text() const { return text_; }

  std::string render(const std::vector<ChatMessage>& messages, const ChatTemplateOptions& options) const;

  // The text the generation prompt leaves open for the model: "<think>\n" for a template that opens a
  // thinking block in its generation prompt (DeepSeek-R1-Distill), "" otherwise. A response generated
  // after such a prompt starts inside the block, so readers prepend this before splitting thinking
  // from answer (ThinkSplit), and SFT targets that start with it drop it.
  std::string openedThinking(const std::vector<ChatMessage>& messages, const ChatTemplateOptions& options) const;

 private:
  std::string text_, bos_, eos_, source_;
  std::shared_ptr<const void> compiled_;  // the parsed template (core/template), built once
};

}  // namespace longrl::tokenizer
