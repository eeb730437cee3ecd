#pragma once
#include <string>

#include "core/store/MetricPoint.h"

namespace longrl::exports {

// Metric points as CSV: step,phase,name,value,wall_time (RFC 4180 quoting; NaN is an empty field).
class MetricsCsv {
 public:
  static std::string header() { return "step,phase,name,value,wall_time\n"; }
  static std::string row(const store::MetricPoint& m);  // ends in '\n'
};

}  // namespace longrl::exports
