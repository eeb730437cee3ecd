#pragma once
#include <string_view>
#include <vector>

#include "core/grounding/GroundingSpan.h"

namespace longrl::behavior {

// How much of a reasoning trace is tied to its document, from the aligner's spans.
struct GroundingShare {
  size_t traceWords = 0;     // words of the trace (grounding::tokenizeForGrounding)
  size_t groundedWords = 0;  // of them, inside an aligned span
  size_t passages = 0;       // distinct document passages cited: spans whose document ranges overlap count once
  double share() const { return traceWords ? double(groundedWords) / double(traceWords) : 0.0; }

  // The words of `trace` inside `spans`, which align() returned for that same text. Words rather
  // than model tokens: the store keeps rollouts as text, and words are what the aligner matched.
  static GroundingShare measure(std::string_view trace, const std::vector<grounding::GroundingSpan>& spans);
};

}  // namespace longrl::behavior
