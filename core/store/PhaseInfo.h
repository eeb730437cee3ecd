#pragma once
#include <cstdint>
#include <string>

namespace longrl::store {

// One curriculum phase: it trains examples with min_input_tokens < input length <= max_input_tokens.
struct PhaseInfo {
  int index = 0;  // key
  std::string name;
  std::int64_t min_input_tokens = 0;
  std::int64_t max_input_tokens = 0;
  std::int64_t max_output_tokens = 0;
  std::int64_t start_step = 0;
  std::int64_t end_step = -1;  // -1 while the phase runs
  std::string status;          // "pending", "running", "done"
  double start_time = 0.0;
  double end_time = 0.0;
};

}  // namespace longrl::store
