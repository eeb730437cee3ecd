#include "trainer/tokenizer/SftTokens.h"

#include "core/dataset/PromptTemplate.h"
#include "trainer/tokenizer/ChatFormat.h"

namespace longrl::tokenizer {

std::optional<SftTokens> SftTokens::of(const dataset::DatasetRecord& r, const Tokenizer& tokenizer, long long maxLen) {
  if (r.groundTruth.empty()) return std::nullopt;
  const std::string user = r.promptText.empty() ? dataset::PromptTemplate::build(r.document, r.question) : r.promptText;
  SftTokens t;
  t.promptIds = tokenizer.encode(ChatFormat::render({{"user", user, std::nullopt}}));
  t.targetIds = tokenizer.encode(r.groundTruth.front() + "<|im_end|>");
  if (static_cast<long long>(t.promptIds.size() + t.targetIds.size()) > maxLen) return std::nullopt;
  return t;
}

}  // namespace longrl::tokenizer
