#include "core/behavior/GroupBehaviorClassifier.h"

#include <optional>

namespace longrl::behavior {

std::vector<BehaviorRecord> GroupBehaviorClassifier::classify(std::string_view document,
                                                              const std::vector<std::string_view>& responses) const {
  std::optional<grounding::GroundingIndex> index;
  if (grounding_ && !document.empty()) index.emplace(document, aligner_.options().ngram);
  std::vector<BehaviorRecord> out;
  out.reserve(responses.size());
  for (std::string_view r : responses) out.push_back(index ? rule_.classify(r, *index, aligner_) : rule_.classify(r));
  return out;
}

}  // namespace longrl::behavior
