#pragma once
#include <cstdint>
#include <string>
#include <tuple>

#include "core/store/RecordField.h"

namespace longrl::store {

// Mean group reward of an example within a phase; (example_id, phase) is unique.
struct DifficultyRecord {
  std::string example_id;
  int phase = 0;
  double mean_reward = 0.0;
  std::int64_t attempts = 0;

  static constexpr const char* kTable = "difficulty";
  static constexpr const char* kType = "difficulty";
  static constexpr auto fields() {
    using R = DifficultyRecord;
    return std::make_tuple(field("example_id", &R::example_id).key().required(),
                           field("phase", &R::phase).key().required(),
                           field("mean_reward", &R::mean_reward).required().nullable(),
                           field("attempts", &R::attempts));
  }
};

}  // namespace longrl::store
