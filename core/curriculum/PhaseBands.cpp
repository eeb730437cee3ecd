#include "core/curriculum/PhaseBands.h"

#include <algorithm>
#include <stdexcept>

namespace longrl::curriculum {

PhaseBands::PhaseBands(std::vector<std::int64_t> maxInputTokens, bool openLast)
    : upper_(std::move(maxInputTokens)), openLast_(openLast) {
  for (std::size_t i = 0; i < upper_.size(); ++i) {
    if (upper_[i] <= 0 || (i > 0 && upper_[i] <= upper_[i - 1]))
      throw std::invalid_argument("phases[" + std::to_string(i) +
                                  "].max_input_tokens must be positive and larger than the previous phase's");
  }
}

int PhaseBands::bandOf(std::int64_t inputTokens) const {
  if (inputTokens <= 0) return -1;
  // First upper bound >= inputTokens.
  const auto it = std::lower_bound(upper_.begin(), upper_.end(), inputTokens);
  if (it != upper_.end()) return static_cast<int>(it - upper_.begin());
  return openLast_ && !upper_.empty() ? static_cast<int>(upper_.size()) - 1 : -1;
}

std::vector<std::size_t> PhaseBands::select(std::size_t phase, const std::vector<std::int64_t>& inputTokens) const {
  std::vector<std::size_t> out;
  for (std::size_t i = 0; i < inputTokens.size(); ++i)
    if (bandOf(inputTokens[i]) == static_cast<int>(phase)) out.push_back(i);
  return out;
}

}  // namespace longrl::curriculum
