#include "trainer/tokenizer/ChatTemplate.h"

namespace longrl::tokenizer {

// Placeholder until the Jinja evaluator lands: every template renders as ChatML.
ChatTemplate::ChatTemplate(std::string templateText, std::string bosToken, std::string eosToken, std::string source)
    : text_(std::move(templateText)), bos_(std::move(bosToken)), eos_(std::move(eosToken)), source_(std::move(source)) {}

std::string ChatTemplate::render(const std::vector<ChatMessage>& messages, const ChatTemplateOptions& options) const {
  ChatFormat::Options o;
  o.addGenerationPrompt = options.addGenerationPrompt;
  o.enableThinking = options.enableThinking.value_or(true);
  return ChatFormat::render(messages, o);
}

std::string ChatTemplate::openedThinking(const std::vector<ChatMessage>& messages,
                                         const ChatTemplateOptions& options) const {
  if (!options.addGenerationPrompt) return "";
  ChatTemplateOptions without = options;
  without.addGenerationPrompt = false;
  const std::string full = render(messages, options), head = render(messages, without);
  if (full.compare(0, head.size(), head) != 0) return "";
  const std::string prompt = full.substr(head.size());
  const auto open = prompt.rfind("<think>");
  if (open == std::string::npos || prompt.find("</think>", open) != std::string::npos) return "";
  return prompt.substr(open);
}

}  // namespace longrl::tokenizer
