#pragma once
#include <cstddef>
#include <cstdint>
#include <string>

namespace longrl::memory {

// One section call of a memory-agent trajectory, as stored with its rollout.
struct MemoryStep {
  int section = 0;                 // 0-based
  std::size_t begin = 0, end = 0;  // the section's bytes in the document
  std::int64_t promptTokens = 0;
  std::int64_t responseTokens = 0;
  bool truncated = false;  // the reply hit the memory token budget
  std::string reply;       // raw, as generated
  std::string memory;      // after this step (what the next call saw)
  std::string plan;
  std::string problem;  // from MemoryReplyParser ("" = well formed)
};

}  // namespace longrl::memory
