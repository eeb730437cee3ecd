#pragma once
#include <string_view>
#include <vector>

#include "core/grounding/GroundingIndex.h"
#include "core/grounding/GroundingOptions.h"
#include "core/grounding/GroundingSpan.h"

namespace longrl::grounding {

// Finds the passages of a reasoning trace that quote or closely paraphrase its document
// (for the document + trace viewer). Word-level: case- and punctuation-insensitive, CJK characters
// count as words (see tokenizeForGrounding).
//
// Method: every trace n-gram found in the document's index (and not boilerplate) is a seed; a seed
// is extended word by word in both directions, stepping over up to maxGap differing words when
// resyncWords words match again after them (a changed, inserted or dropped word); of a seed's
// document occurrences the longest extension wins. Neighbouring spans that continue each other in
// both texts are merged; spans with too few matched words, too few informative (not common in the
// document) matched words, or a low score are dropped.
// align() is const and GroundingIndex immutable: one index may serve several threads.
class GroundingAligner {
 public:
  explicit GroundingAligner(GroundingOptions options = {}) : options_(options) {}

  // Spans ordered by trace position, non-overlapping in the trace. `index` must have been built
  // with options().ngram.
  std::vector<GroundingSpan> align(const GroundingIndex& index, std::string_view trace) const;
  // One-off convenience: builds the index, then aligns.
  std::vector<GroundingSpan> align(std::string_view document, std::string_view trace) const;

  const GroundingOptions& options() const { return options_; }

 private:
  GroundingOptions options_;
};

}  // namespace longrl::grounding
