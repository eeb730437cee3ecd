#pragma once
#include <cstddef>
#include <vector>

namespace longrl::cprs {

// How a long document's tokens are cut into windows that the compressor scores independently (each
// behind the instruction and query), and how the windows' scores become one score per token.
class WindowPlan {
 public:
  struct Window {
    std::size_t begin = 0;  // token index in the document
    std::size_t end = 0;
  };

  // Windows of at most `size` tokens, each starting `size - overlap` after the previous one; the
  // last ends at `tokens`. Throws std::invalid_argument when size is 0 or overlap >= size.
  static std::vector<Window> cut(std::size_t tokens, std::size_t size, std::size_t overlap = 0);
  // One score per document token: the mean over the windows that hold it. scores[w] holds the
  // scores of windows[w]'s tokens in order; a size mismatch throws std::invalid_argument.
  static std::vector<double> merge(const std::vector<Window>& windows, const std::vector<std::vector<double>>& scores,
                                   std::size_t tokens);
};

}  // namespace longrl::cprs
