#pragma once
#include <cstdint>
#include <string>
#include <tuple>

#include "core/store/RecordField.h"

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

  static constexpr const char* kTable = "metrics";
  static constexpr const char* kType = "metric";
  static constexpr auto fields() {
    using R = MetricPoint;
    return std::make_tuple(field("rowid", &R::rowid).rowid().storedAs("id"), field("step", &R::step).key().required(),
                           field("phase", &R::phase), field("name", &R::name).key().required().nonEmpty(),
                           field("value", &R::value).required().nullable(),  // NaN is stored as NULL
                           field("wall_time", &R::wall_time));
  }
};

}  // namespace longrl::store
