#include "trainer/tokenizer/ChatTemplate.h"

#include <mutex>
#include <set>

#include <spdlog/spdlog.h>

#include "core/template/JsonValue.h"
#include "core/template/Template.h"

namespace longrl::tokenizer {
namespace {

// One warning per template source, however often the tokenizer is loaded.
void warnChatMlFallback(const std::string& source) {
  static std::mutex mutex;
  static std::set<std::string> warned;
  std::lock_guard<std::mutex> lock(mutex);
  if (warned.insert(source).second)
    spdlog::warn("{}: the model has no chat template; prompts use ChatML (Qwen3's format)", source);
}

jinja::Value messageValue(const ChatMessage& m) {
  jinja::ValueDict d;
  d.items = {{"role", jinja::Value(m.role)}, {"content", jinja::Value(m.content)}};
  if (m.reasoning) d.items.emplace_back("reasoning_content", jinja::Value(*m.reasoning));
  return jinja::Value::dict(std::move(d));
}

}  // namespace

ChatTemplate::ChatTemplate(std::string templateText, std::string bosToken, std::string eosToken, std::string source)
    : text_(std::move(templateText)), bos_(std::move(bosToken)), eos_(std::move(eosToken)), source_(std::move(source)) {
  if (text_.empty()) warnChatMlFallback(source_);
  else compiled_ = std::make_shared<const jinja::Template>(text_, source_);
}

std::string ChatTemplate::render(const std::vector<ChatMessage>& messages, const ChatTemplateOptions& options) const {
  if (!compiled_) {
    ChatFormat::Options o;
    o.addGenerationPrompt = options.addGenerationPrompt;
    o.enableThinking = options.enableThinking.value_or(true);
    return ChatFormat::render(messages, o);
  }
  jinja::ValueList list;
  for (const auto& m : messages) list.push_back(messageValue(m));
  jinja::ValueDict context;
  context.set("messages", jinja::Value::list(std::move(list)));
  context.set("tools", jinja::Value::none());
  context.set("documents", jinja::Value::none());
  context.set("add_generation_prompt", jinja::Value(options.addGenerationPrompt));
  // transformers passes the special tokens the tokenizer has; an absent one stays undefined.
  if (!bos_.empty()) context.set("bos_token", jinja::Value(bos_));
  if (!eos_.empty()) context.set("eos_token", jinja::Value(eos_));
  if (options.enableThinking) context.set("enable_thinking", jinja::Value(*options.enableThinking));
  if (options.extraContext.is_object())
    for (auto it = options.extraContext.begin(); it != options.extraContext.end(); ++it)
      context.set(it.key(), jinja::JsonValue::from(it.value()));
  return compiled_->render(context);
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
