#pragma once
#include <cstddef>
#include <string>
#include <string_view>

namespace longrl::behavior {

// The LLM judge's prompt for a trace's behaviours, after Gandhi et al. 2025 ("Cognitive behaviors
// that enable self-improving reasoners"), whose counts QwenLong-L1 tracks: each behaviour defined
// with a short example, the judge asked to count distinct steps and answer with strict JSON
// {"subgoal": n, "backtracking": n, "verification": n}. Grounding is not asked: the aligner measures it.
class BehaviorJudgePrompt {
 public:
  static constexpr size_t kDefaultDocumentChars = 12000;

  static const std::string& systemMessage();
  // The question, the document (its first `maxDocumentChars` bytes, cut at a character boundary
  // and marked as cut, so that a 60K-token document does not blow the judge's window) and the reasoning.
  static std::string userMessage(std::string_view question, std::string_view document, std::string_view reasoning,
                                 size_t maxDocumentChars = kDefaultDocumentChars);
};

}  // namespace longrl::behavior
