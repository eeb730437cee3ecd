#pragma once
#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

namespace longrl::plan {

// How the generation engine groups prompts into batches that decode together. A batch holds n rows
// per prompt, each with KV-cache room for the batch's longest prompt plus max_new_tokens; it takes
// the next prompt while it has fewer than maxPrompts and its rows x that room stay within
// maxKvTokens. A prompt always goes, alone if it must: long documents decode one prompt at a time
// and short ones share a batch. Here, in core, because the memory plan counts the same cache.
class GenerationBatches {
 public:
  static constexpr int64_t kMaxPrompts = 8;
  static constexpr int64_t kMaxKvTokens = int64_t(1) << 18;  // row-positions of cache in a batch

  // Consecutive [begin, end) ranges over prompts of these token lengths, in order.
  static std::vector<std::pair<std::size_t, std::size_t>> split(const std::vector<int64_t>& lengths, int64_t n,
                                                                int64_t maxNew, int64_t maxPrompts = kMaxPrompts,
                                                                int64_t maxKvTokens = kMaxKvTokens);
  // Prompts of `length` tokens that share a batch when `available` of them are generated together.
  static int64_t promptsTogether(int64_t length, int64_t n, int64_t maxNew, int64_t available);
};

}  // namespace longrl::plan
