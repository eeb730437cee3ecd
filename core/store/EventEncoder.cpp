#include "core/store/EventEncoder.h"

#include "core/store/RecordJson.h"

namespace longrl::store {
namespace {
std::string line(const nlohmann::json& j) {
  // dump() escapes control characters, so a newline inside a text field never splits the line.
  std::string s = j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  s += '\n';
  return s;
}
}  // namespace

std::string EventEncoder::encode(const MetricPoint& r) { return line(toJson(r)); }
std::string EventEncoder::encode(const RunInfo& r) { return line(toJson(r)); }
std::string EventEncoder::encode(const PhaseInfo& r) { return line(toJson(r)); }
std::string EventEncoder::encode(const DocumentRecord& r) { return line(toJson(r)); }
std::string EventEncoder::encode(const ExampleRecord& r) { return line(toJson(r)); }
std::string EventEncoder::encode(const RolloutRecord& r) { return line(toJson(r)); }
std::string EventEncoder::encode(const AnnotationRecord& r) { return line(toJson(r)); }
std::string EventEncoder::encode(const DifficultyRecord& r) { return line(toJson(r)); }
std::string EventEncoder::encode(const EventRecord& r) { return line(toJson(r)); }
std::string EventEncoder::encode(const RolloutBehaviorRecord& r) { return line(toJson(r)); }

}  // namespace longrl::store
