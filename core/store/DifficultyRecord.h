#pragma once
#include <cstdint>
#include <string>

namespace longrl::store {

// Mean group reward of an example within a phase; (example_id, phase) is unique.
struct DifficultyRecord {
  std::string example_id;
  int phase = 0;
  double mean_reward = 0.0;
  std::int64_t attempts = 0;
};

}  // namespace longrl::store
