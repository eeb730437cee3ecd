#include "core/behavior/RuleBehaviorClassifier.h"

#include <algorithm>

#include "core/behavior/GroundingShare.h"
#include "core/behavior/Recomputation.h"
#include "core/behavior/TraceSteps.h"

namespace longrl::behavior {

std::pair<size_t, size_t> RuleBehaviorClassifier::reasoningRange(std::string_view response) {
  constexpr std::string_view kOpen = "<think>", kClose = "</think>";
  size_t end = response.rfind(kClose);
  if (end == std::string_view::npos) end = response.size();
  size_t begin = response.find_first_not_of(" \t\r\n");
  begin = begin != std::string_view::npos && response.substr(begin, kOpen.size()) == kOpen ? begin + kOpen.size() : 0;
  return {std::min(begin, end), end};
}

BehaviorRecord RuleBehaviorClassifier::classify(std::string_view response) const {
  const auto [from, to] = reasoningRange(response);
  BehaviorRecord r;
  r.classifier = kName;
  const auto steps = splitTraceSteps(response, from, to);
  r.steps = static_cast<int>(steps.size());
  const auto arithmetic = findArithmetic(response, from, to);
  size_t a = 0;  // next expression, in step order
  std::vector<CueToken> tokens;
  for (const TraceStep& step : steps) {
    tokenizeCues(response, step.begin, step.end, tokens);
    auto matches = cues_.match(response, step, tokens);
    auto& verify = matches[static_cast<size_t>(BehaviorKind::Verification)];
    for (; a < arithmetic.size() && arithmetic[a].begin < step.end; ++a)
      if (!verify && arithmetic[a].repeats && arithmetic[a].begin >= step.begin)
        verify = BehaviorCues::Match{arithmetic[a].begin, std::min(arithmetic[a].end, step.end)};
    for (BehaviorKind kind : kBehaviorKinds)
      if (const auto& m = matches[static_cast<size_t>(kind)]) {
        r.spans.push_back({step.begin, step.end, kind, m->begin, m->end});
        ++r.count(kind);
      }
  }
  return r;
}

BehaviorRecord RuleBehaviorClassifier::classify(std::string_view response, const grounding::GroundingIndex& index,
                                                const grounding::GroundingAligner& aligner) const {
  BehaviorRecord r = classify(response);
  measureGrounding(r, response, index, aligner);
  return r;
}

void RuleBehaviorClassifier::measureGrounding(BehaviorRecord& r, std::string_view response,
                                              const grounding::GroundingIndex& index,
                                              const grounding::GroundingAligner& aligner) {
  const auto [from, to] = reasoningRange(response);
  // The reasoning alone: the answer quotes the document by design.
  const std::string_view reasoning = response.substr(from, to - from);
  const auto g = GroundingShare::measure(reasoning, aligner.align(index, reasoning));
  r.groundingShare = g.share();
  r.passages = static_cast<int>(g.passages);
}

}  // namespace longrl::behavior
