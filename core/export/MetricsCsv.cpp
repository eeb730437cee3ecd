#include "core/export/MetricsCsv.h"

#include <cmath>

#include <spdlog/fmt/fmt.h>

namespace longrl::exports {
namespace {

// RFC 4180: quote a field holding a comma, quote or line break; double inner quotes.
std::string csvField(const std::string& s) {
  if (s.find_first_of(",\"\r\n") == std::string::npos) return s;
  std::string q = "\"";
  for (char c : s) {
    if (c == '"') q += '"';
    q += c;
  }
  return q + "\"";
}

}  // namespace

std::string MetricsCsv::row(const store::MetricPoint& m) {
  // Shortest text that reads back to the same double; NaN is an empty field (pandas reads NaN).
  return fmt::format("{},{},{},{},{:.6f}\n", m.step, m.phase, csvField(m.name),
                     std::isnan(m.value) ? std::string() : fmt::format("{}", m.value), m.wall_time);
}

}  // namespace longrl::exports
