#include "core/plan/GenerationBatches.h"

#include <algorithm>

namespace longrl::plan {

std::vector<std::pair<size_t, size_t>> GenerationBatches::split(const std::vector<int64_t>& lengths, int64_t n,
                                                                int64_t maxNew, int64_t maxPrompts,
                                                                int64_t maxKvTokens) {
  const int64_t rowsEach = std::max<int64_t>(1, n), cap = std::max<int64_t>(1, maxPrompts);
  std::vector<std::pair<size_t, size_t>> out;
  for (size_t begin = 0; begin < lengths.size();) {
    size_t end = begin + 1;
    int64_t longest = lengths[begin];
    while (end < lengths.size() && static_cast<int64_t>(end - begin) < cap) {
      const int64_t room = std::max(longest, lengths[end]) + maxNew;
      if (static_cast<int64_t>(end - begin + 1) * rowsEach * room > maxKvTokens) break;
      longest = std::max(longest, lengths[end++]);
    }
    out.emplace_back(begin, end);
    begin = end;
  }
  return out;
}

int64_t GenerationBatches::promptsTogether(int64_t length, int64_t n, int64_t maxNew, int64_t available) {
  const int64_t perPrompt = std::max<int64_t>(1, n) * (length + maxNew);
  return std::clamp<int64_t>(kMaxKvTokens / perPrompt, 1, std::min(kMaxPrompts, std::max<int64_t>(1, available)));
}

}  // namespace longrl::plan
