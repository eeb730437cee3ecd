#pragma once
#include <cstdint>
#include <vector>

namespace longrl::curriculum {

// The curriculum's length bands: phase k trains examples with L(k-1) < input tokens <= L(k)
// (L(-1) = 0). QwenLong-L1: 20K then 60K input tokens.
class PhaseBands {
 public:
  // Upper bounds L(k), strictly increasing (the config validation guarantees it). openLast: the
  // last phase also takes every longer input (a memory-agent phase reads any length in sections,
  // its max input tokens bound one call, not the document).
  explicit PhaseBands(std::vector<std::int64_t> maxInputTokens, bool openLast = false);

  std::size_t phaseCount() const { return upper_.size(); }
  std::int64_t lower(std::size_t phase) const { return phase == 0 ? 0 : upper_[phase - 1]; }
  std::int64_t upper(std::size_t phase) const { return upper_[phase]; }
  // The phase whose band holds `inputTokens`; -1 when it is longer than every phase allows
  // (and the last band is not open) or not positive.
  int bandOf(std::int64_t inputTokens) const;
  // Indices i with inputTokens[i] in phase `phase`'s band, in order.
  std::vector<std::size_t> select(std::size_t phase, const std::vector<std::int64_t>& inputTokens) const;

 private:
  std::vector<std::int64_t> upper_;
  bool openLast_ = false;
};

}  // namespace longrl::curriculum
