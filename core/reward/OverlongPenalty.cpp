#include "core/reward/OverlongPenalty.h"

#include <algorithm>
#include <string>

#include "core/reward/RewardError.h"

namespace longrl::reward {

OverlongPenalty::OverlongPenalty(long maxResponseTokens, long bufferTokens, double factor)
    : max_(maxResponseTokens), buffer_(bufferTokens), factor_(factor) {
  if (bufferTokens <= 0 || bufferTokens > maxResponseTokens)
    throw RewardError("overlong penalty: buffer (" + std::to_string(bufferTokens) +
                      ") must be > 0 and <= max response tokens (" + std::to_string(maxResponseTokens) + ")");
  if (factor < 0) throw RewardError("overlong penalty: factor must be >= 0, got " + std::to_string(factor));
}

double OverlongPenalty::penalty(long responseTokens) const {
  const double expected = static_cast<double>(max_ - buffer_);
  const double exceed = static_cast<double>(responseTokens) - expected;
  return std::min(-exceed / static_cast<double>(buffer_), 0.0) * factor_;
}

}  // namespace longrl::reward
