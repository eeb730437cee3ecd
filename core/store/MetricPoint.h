#pragma once
#include <cstdint>
#include <string>

namespace longrl::store {

// One scalar of one training step, named as verl names it (e.g. "critic/score/mean").
// (step, name) is unique in a run: a resumed trainer re-sending a point updates it in place.
struct MetricPoint {
  std::int64_t rowid = 0;  // filled by the reader; ignored when writing
  std::int64_t step = 0;
  int phase = 0;
  std::string name;
  double value = 0.0;
  double wall_time = 0.0;  // seconds since the Unix epoch
};

}  // namespace longrl::store
