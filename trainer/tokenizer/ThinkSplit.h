#pragma once
#include <string>
#include <string_view>

namespace longrl::tokenizer {

// A reasoning model's response cut into its thinking and its answer, as the QwenLong-L1 reward
// reads it: the answer is the text after the LAST </think>.
struct ThinkSplit {
  std::string thinking;  // between an optional leading <think> and the last </think>, trimmed
  std::string answer;    // after the last </think>, trimmed; empty when there is no </think>
  bool closed = false;   // a </think> was present (without one the reward is 0)

  // Without </think>, everything (minus a leading <think>) counts as unfinished thinking.
  static ThinkSplit split(std::string_view response);
};

}  // namespace longrl::tokenizer
