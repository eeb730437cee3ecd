#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "core/dataset/DatasetRecord.h"

namespace longrl::train {

// A dataset example ready for training: its chat-formatted prompt, tokenised once.
struct TrainExample {
  dataset::DatasetRecord record;
  std::string id;              // extra_info.index as text (the store's example id)
  std::string userPrompt;      // the user turn (PromptTemplate)
  std::vector<int> promptIds;  // ChatML with the generation prompt
  std::int64_t inputTokens() const { return static_cast<std::int64_t>(promptIds.size()); }
};

}  // namespace longrl::train
