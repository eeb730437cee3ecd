#pragma once
#include <string>

namespace longrl::memory {

// What one section call left behind: the memory and plan the next call sees, and what was wrong
// with the reply, if anything (shown beside the step in the GUI, counted in the metrics).
struct MemoryUpdate {
  std::string memory;
  std::string plan;
  bool memoryFromReply = false;  // false: the reply had no <memory>, the previous one is kept
  bool planFromReply = false;
  std::string problem;  // "" when both tags were well formed
};

}  // namespace longrl::memory
