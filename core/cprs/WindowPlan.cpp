#include "core/cprs/WindowPlan.h"

#include <algorithm>
#include <stdexcept>
#include <string>

namespace longrl::cprs {

std::vector<WindowPlan::Window> WindowPlan::cut(std::size_t tokens, std::size_t size, std::size_t overlap) {
  if (size == 0) throw std::invalid_argument("window size must be at least 1 token");
  if (overlap >= size)
    throw std::invalid_argument("window overlap (" + std::to_string(overlap) + ") must be below the window size (" +
                                std::to_string(size) + ")");
  std::vector<Window> out;
  for (std::size_t b = 0; b < tokens; b += size - overlap) {
    out.push_back({b, std::min(tokens, b + size)});
    if (out.back().end == tokens) break;
  }
  return out;
}

std::vector<double> WindowPlan::merge(const std::vector<Window>& windows,
                                      const std::vector<std::vector<double>>& scores, std::size_t tokens) {
  if (scores.size() != windows.size())
    throw std::invalid_argument("window scores: " + std::to_string(scores.size()) + " lists for " +
                                std::to_string(windows.size()) + " windows");
  std::vector<double> sum(tokens, 0.0);
  std::vector<int> count(tokens, 0);
  for (std::size_t w = 0; w < windows.size(); ++w) {
    const auto& win = windows[w];
    if (win.end > tokens || scores[w].size() != win.end - win.begin)
      throw std::invalid_argument("window " + std::to_string(w) + ": " + std::to_string(scores[w].size()) +
                                  " scores for tokens " + std::to_string(win.begin) + ".." + std::to_string(win.end));
    for (std::size_t i = win.begin; i < win.end; ++i) {
      sum[i] += scores[w][i - win.begin];
      ++count[i];
    }
  }
  for (std::size_t i = 0; i < tokens; ++i) sum[i] = count[i] ? sum[i] / count[i] : 0.0;
  return sum;
}

}  // namespace longrl::cprs
