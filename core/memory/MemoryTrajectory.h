#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "core/memory/MemoryStep.h"

namespace longrl::memory {

// The section calls of one memory-agent rollout; the final answering call is the rollout's own
// response. Stored as JSON in the run store's rollouts.trajectory column (and in the event stream),
// so the GUI can step through memory and plan beside the section each step read.
struct MemoryTrajectory {
  std::int64_t chunkTokens = 0;  // the chunk size the run used
  std::int64_t finalPromptTokens = 0;
  std::vector<MemoryStep> steps;

  std::string toJson() const;
  // Throws std::runtime_error naming the field that is missing or of the wrong type.
  static MemoryTrajectory fromJson(const std::string& text);
};

}  // namespace longrl::memory
