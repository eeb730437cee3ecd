#include "trainer/tokenizer/SftTokens.h"

#include "core/dataset/PromptTemplate.h"

namespace longrl::tokenizer {

std::string SftTokens::targetText(const std::string& response, const std::string& openedThinking,
                                  const std::string& endOfTurn) {
  static const std::string kOpen = "<think>";
  std::string body = response;
  // The generation prompt already opened the block: the response continues inside it.
  if (!openedThinking.empty() && body.compare(0, kOpen.size(), kOpen) == 0) {
    body.erase(0, kOpen.size());
    if (openedThinking.back() == '\n' && !body.empty() && body.front() == '\n') body.erase(0, 1);
  }
  return body + endOfTurn;
}

std::optional<SftTokens> SftTokens::of(const dataset::DatasetRecord& r, const Tokenizer& tokenizer, long long maxLen) {
  if (r.groundTruth.empty()) return std::nullopt;
  const std::string user = r.promptText.empty() ? dataset::PromptTemplate::build(r.document, r.question) : r.promptText;
  const std::vector<ChatMessage> messages = {{"user", user, std::nullopt}};
  const ChatTemplateOptions options;
  SftTokens t;
  t.promptIds = tokenizer.encode(tokenizer.applyChatTemplate(messages, options));
  // The template's end of turn is the tokenizer's eos (ChatML's <|im_end|> when none is named).
  const std::string eos = tokenizer.eosToken().empty() ? std::string("<|im_end|>") : tokenizer.eosToken();
  t.targetIds = tokenizer.encode(
      targetText(r.groundTruth.front(), tokenizer.chatTemplate().openedThinking(messages, options), eos));
  if (static_cast<long long>(t.promptIds.size() + t.targetIds.size()) > maxLen) return std::nullopt;
  return t;
}

}  // namespace longrl::tokenizer
