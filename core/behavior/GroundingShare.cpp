#include "core/behavior/GroundingShare.h"

#include <algorithm>
#include <utility>

#include "core/grounding/GroundingWord.h"

namespace longrl::behavior {

GroundingShare GroundingShare::measure(std::string_view trace, const std::vector<grounding::GroundingSpan>& spans) {
  GroundingShare g;
  const auto words = grounding::tokenizeForGrounding(trace);
  g.traceWords = words.size();
  // Spans are ordered by trace position and do not overlap: one merge-like pass.
  size_t s = 0;
  for (const auto& w : words) {
    while (s < spans.size() && spans[s].traceEnd <= w.begin) ++s;
    if (s < spans.size() && spans[s].traceBegin <= w.begin) ++g.groundedWords;
  }
  std::vector<std::pair<size_t, size_t>> docRanges;
  for (const auto& sp : spans) docRanges.push_back({sp.docBegin, sp.docEnd});
  std::sort(docRanges.begin(), docRanges.end());
  size_t reach = 0;
  for (size_t i = 0; i < docRanges.size(); ++i) {
    if (i == 0 || docRanges[i].first >= reach) ++g.passages;
    reach = std::max(reach, docRanges[i].second);
  }
  return g;
}

}  // namespace longrl::behavior
