#pragma once
#include <optional>
#include <string>
#include <vector>

namespace longrl::reward {

// Text-level extraction shared by all scorers (QwenLong-L1's reward): the answer is the text
// after the last `</think>`; a response without `</think>` has no answer (reward 0).
class AnswerExtractor {
 public:
  static constexpr const char* kThinkEnd = "</think>";

  // Text after the last `</think>`, cleaned and trimmed; nullopt when the tag is missing.
  static std::optional<std::string> afterThink(const std::string& response);
  // Drops markdown emphasis (`*`, as the reference does) and chat end-of-turn tokens that a
  // decoder may leave in the text (`<|im_end|>`, `<|endoftext|>`, `<｜end▁of▁sentence｜>`, ...).
  static std::string clean(const std::string& text);
  // Offsets just past every ASCII-case-insensitive occurrence of `phrase`, in order.
  static std::vector<size_t> phraseEnds(const std::string& text, const std::string& phrase);
  // Text after the last case-insensitive `phrase`; nullopt when absent.
  static std::optional<std::string> afterLastPhrase(const std::string& text, const std::string& phrase);
  static std::string trim(const std::string& s);
  static std::string toLowerAscii(std::string s);
};

}  // namespace longrl::reward
