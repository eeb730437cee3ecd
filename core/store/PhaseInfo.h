#pragma once
#include <cstdint>
#include <string>
#include <tuple>

#include "core/store/RecordField.h"

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

  static constexpr const char* kTable = "phases";
  static constexpr const char* kType = "phase";
  static constexpr auto fields() {
    using R = PhaseInfo;
    return std::make_tuple(field("index", &R::index).key().required().storedAs("idx"), field("name", &R::name),
                           field("min_input_tokens", &R::min_input_tokens),
                           field("max_input_tokens", &R::max_input_tokens),
                           field("max_output_tokens", &R::max_output_tokens), field("start_step", &R::start_step),
                           field("end_step", &R::end_step), field("status", &R::status),
                           field("start_time", &R::start_time), field("end_time", &R::end_time));
  }
};

}  // namespace longrl::store
