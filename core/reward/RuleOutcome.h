#pragma once
#include <optional>
#include <string>

namespace longrl::reward {

// What a rule scorer found in one answer text: the score in [0, 1], the extracted prediction
// (nullopt when nothing could be extracted, in which case the judge is not asked either) and a
// short human-readable account of how it was decided (shown in the GUI and the CLI).
struct RuleOutcome {
  double score = 0.0;
  std::optional<std::string> pred;
  std::string method;
};

}  // namespace longrl::reward
