#pragma once
#include <cstddef>
#include <string_view>

namespace longrl::viewers {

// Byte ranges of a response's thinking and answer, as the reward reads them: the answer follows
// the LAST </think>; a leading <think> is not part of the thinking; surrounding whitespace is
// left out. Ranges (not copies) so that grounding offsets into the response can be mapped onto
// each part. (trainer/tokenizer's ThinkSplit does the same split but returns trimmed copies.)
struct ResponseParts {
  std::size_t thinkBegin = 0, thinkEnd = 0;
  std::size_t answerBegin = 0, answerEnd = 0;
  bool closed = false;  // a </think> was present

  static ResponseParts split(std::string_view response);
};

}  // namespace longrl::viewers
