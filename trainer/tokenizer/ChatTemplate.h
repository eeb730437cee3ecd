#pragma once
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "trainer/tokenizer/ChatFormat.h"

namespace longrl::jinja {
class Template;
}

namespace longrl::tokenizer {

// What a caller asks of a chat template, as transformers' apply_chat_template takes it.
struct ChatTemplateOptions {
  bool addGenerationPrompt = true;
  // Passed to the template as `enable_thinking` when set (Qwen3); templates that do not read it ignore it.
  std::optional<bool> enableThinking;
  // Further template variables (kwargs of apply_chat_template), e.g. {"tools": [...]}. Objects reach
  // the template with their keys sorted (nlohmann::json's order), which `tojson` then prints.
  nlohmann::json extraContext = nlohmann::json::object();
};

// A model's own chat template (tokenizer_config.json's `chat_template`), rendered as Hugging Face
// renders it; a tokenizer without one gets ChatML (ChatFormat). Every prompt longrl builds for a
// model goes through this: SFT, rollouts, validation, eval, serve, Document QA.
class ChatTemplate {
 public:
  // `source` names the template in error messages (e.g. ".../tokenizer_config.json chat_template").
  // An empty text means ChatML (logged once per source); a template that does not parse throws
  // longrl::jinja::TemplateError naming the source, line and column.
  ChatTemplate(std::string templateText, std::string bosToken, std::string eosToken, std::string source);

  // True when the tokenizer had no chat_template and ChatML is used instead.
  bool isChatMlFallback() const { return text_.empty(); }
  const std::string& text() const { return text_; }

  // Renders as transformers' apply_chat_template(messages, tools=None, documents=None,
  // add_generation_prompt, bos_token, eos_token, enable_thinking, **extraContext): messages are
  // {"role", "content"} plus "reasoning_content" when given. Throws jinja::TemplateError.
  std::string render(const std::vector<ChatMessage>& messages, const ChatTemplateOptions& options) const;

  // The text the generation prompt leaves open for the model: "<think>\n" for a template that opens a
  // thinking block in its generation prompt (DeepSeek-R1-Distill), "" otherwise. A response generated
  // after such a prompt starts inside the block, so readers prepend this before splitting thinking
  // from answer (ThinkSplit), and SFT targets that start with it drop it.
  std::string openedThinking(const std::vector<ChatMessage>& messages, const ChatTemplateOptions& options) const;

 private:
  std::string text_, bos_, eos_, source_;
  std::shared_ptr<const jinja::Template> compiled_;  // the parsed template, built once; null for ChatML
};

}  // namespace longrl::tokenizer
