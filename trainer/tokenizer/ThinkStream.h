#pragma once
#include <cstddef>
#include <string>

namespace longrl::tokenizer {

// The thinking of a response that is still being generated, handed out piece by piece (a streamed
// reply's `reasoning_content`). Fed the whole text so far after every delta, it returns what became
// safe to send: text inside the thinking block, never a part of </think> or whitespace that may turn
// out to be trailing. The pieces concatenated equal ThinkSplit's `thinking` of the final text when it
// has one </think>. A response is a thinking one when the prompt opened the block (`opened`, R1's
// "<think>\n" generation prompt: the response has no opening tag) or when it starts with <think>;
// otherwise no piece is ever returned. The block ends at the first </think>.
class ThinkStream {
 public:
  explicit ThinkStream(bool openedByPrompt) : opened_(openedByPrompt) {}

  // `final`: no more text follows (the rest of an unclosed block is sent, trimmed).
  std::string push(const std::string& textSoFar, bool final = false);

 private:
  bool opened_;
  bool done_ = false;
  std::size_t sent_ = 0;  // end (in the text) of what was returned so far; 0 before the first piece
};

}  // namespace longrl::tokenizer
