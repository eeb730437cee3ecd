#pragma once
#include <string>
#include <vector>

#include "trainer/train/RolloutGroup.h"

namespace longrl::train {

// RolloutGroups as bytes (MessagePack), to gather every rank's groups onto every rank: dynamic
// sampling, advantages and metrics then see the whole global batch. Lossless: doubles travel as
// float64 and texts as raw bytes (a sampled response need not be valid UTF-8).
class RolloutGroupCodec {
 public:
  static std::string encode(const std::vector<RolloutGroup>& groups);
  // Throws std::runtime_error on bytes that encode() did not produce.
  static std::vector<RolloutGroup> decode(const std::string& bytes);
};

}  // namespace longrl::train
