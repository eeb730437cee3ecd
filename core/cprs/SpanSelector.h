#pragma once
#include <string>
#include <vector>

#include "core/cprs/Compression.h"
#include "core/cprs/Granularity.h"
#include "core/cprs/ScoredToken.h"

namespace longrl::cprs {

// Turns per-token keep scores into kept text: every token scoring at least `threshold` keeps the
// unit (word, sentence or paragraph) that holds it; the kept units come out in document order,
// each once, with the highest and the mean score of its tokens. Tokens may come in any order.
class SpanSelector {
 public:
  static Compression select(const std::string& document, const std::vector<ScoredToken>& tokens, double threshold,
                            Granularity granularity);
  // The units of `granularity` in `document`, in order.
  static std::vector<TextSpan> units(const std::string& document, Granularity granularity);
  // Kept spans joined: sentences and words by a space, paragraphs by a blank line.
  static std::string join(const std::string& document, const std::vector<KeptSpan>& spans, Granularity granularity);
};

}  // namespace longrl::cprs
