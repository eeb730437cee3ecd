#include "core/export/MetricsJsonl.h"

#include <cmath>

#include <nlohmann/json.hpp>

namespace longrl::exports {

std::string MetricsJsonl::line(const store::MetricPoint& m) {
  nlohmann::ordered_json j{{"step", m.step}, {"phase", m.phase}, {"name", m.name}};
  if (std::isfinite(m.value)) {
    j["value"] = m.value;
  } else {
    j["value"] = nullptr;
    j["nonfinite"] = std::isnan(m.value) ? "nan" : (m.value > 0 ? "inf" : "-inf");
  }
  j["wall_time"] = m.wall_time;
  // A name with invalid UTF-8 (from a dataset's data_source) gets U+FFFD rather than failing.
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

}  // namespace longrl::exports
