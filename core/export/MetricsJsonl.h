#pragma once
#include <string>

#include "core/store/MetricPoint.h"

namespace longrl::exports {

// Metric points as JSON lines: {"step", "phase", "name", "value", "wall_time"}. JSON has no NaN or
// infinity: such a value is null, and "nonfinite" says which it was ("nan", "inf", "-inf").
class MetricsJsonl {
 public:
  static std::string line(const store::MetricPoint& m);  // one object, ending in '\n'
};

}  // namespace longrl::exports
