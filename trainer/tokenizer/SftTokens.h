#pragma once
#include <optional>
#include <vector>

#include "core/dataset/DatasetRecord.h"
#include "trainer/tokenizer/Tokenizer.h"

namespace longrl::tokenizer {

// The token sequences the warm-up SFT trains on for one record: the chat-rendered user prompt (the
// record's prompt text, or the document-QA template) and the response + <|im_end|>. Torch-free, so
// `longrl tokenize --sft` writes exactly what `longrl train` builds.
struct SftTokens {
  std::vector<int> promptIds;
  std::vector<int> targetIds;

  // nullopt when the record has no answer or prompt + target exceed maxLen tokens.
  static std::optional<SftTokens> of(const dataset::DatasetRecord& record, const Tokenizer& tokenizer, long long maxLen);
};

}  // namespace longrl::tokenizer
