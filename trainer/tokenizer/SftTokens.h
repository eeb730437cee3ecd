#pragma once
#include <optional>
#include <string>
#include <vector>

#include "core/dataset/DatasetRecord.h"
#include "trainer/tokenizer/Tokenizer.h"

namespace longrl::tokenizer {

// The token sequences the warm-up SFT trains on for one record: the user prompt (the record's prompt
// text, or the document-QA template) rendered by the model's chat template with its generation
// prompt, and the response + the tokenizer's eos (the template's end of turn). Torch-free, so
// `longrl tokenize --sft` writes exactly what `longrl train` builds.
struct SftTokens {
  std::vector<int> promptIds;
  std::vector<int> targetIds;

  // nullopt when the record has no answer or prompt + target exceed maxLen tokens.
  static std::optional<SftTokens> of(const dataset::DatasetRecord& record, const Tokenizer& tokenizer,
                                     long long maxLen);
  // The target text: `response` + `endOfTurn`, without the leading <think> (and its newline) when the
  // generation prompt already opened the thinking block (`openedThinking`, e.g. "<think>\n").
  static std::string targetText(const std::string& response, const std::string& openedThinking,
                                const std::string& endOfTurn);
};

}  // namespace longrl::tokenizer
