#pragma once
#include <cstddef>
#include <string>
#include <vector>

#include "core/config/RunConfig.h"
#include "core/curriculum/DifficultyTracker.h"
#include "core/store/AnnotationRecord.h"

namespace longrl::curriculum {

// Difficulty-aware retrospective sampling: which examples of a finished phase join the next one.
// - every example whose difficulty reaches the threshold, hardest first, at most max_count of them;
// - plus every example a person marked "hard" (when include_annotated_hard), whatever its score;
// - minus examples a person marked "not_hard" (a low score a person judged uninformative, e.g. a
//   wrong ground truth, should not be trained on again).
// A person's latest label (by time, across authors) is the one that counts.
class RetrospectiveSelector {
 public:
  struct Selection {
    std::vector<std::string> exampleIds;  // hardest first, then annotated ones by example id
    std::size_t byDifficulty = 0;
    std::size_t byAnnotation = 0;        // added only because a person marked them hard
    std::size_t vetoedByAnnotation = 0;  // hard enough, but marked not_hard
  };

  explicit RetrospectiveSelector(config::RetrospectiveConfig config) : config_(std::move(config)) {}

  Selection select(const std::vector<DifficultyTracker::Entry>& hardestFirst,
                   const std::vector<store::AnnotationRecord>& annotations) const;

 private:
  config::RetrospectiveConfig config_;
};

}  // namespace longrl::curriculum
