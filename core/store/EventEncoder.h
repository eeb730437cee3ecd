#pragma once
#include <string>

#include "core/store/AnnotationRecord.h"
#include "core/store/DifficultyRecord.h"
#include "core/store/DocumentRecord.h"
#include "core/store/EventRecord.h"
#include "core/store/ExampleRecord.h"
#include "core/store/MetricPoint.h"
#include "core/store/PhaseInfo.h"
#include "core/store/RolloutBehaviorRecord.h"
#include "core/store/RolloutRecord.h"
#include "core/store/RunInfo.h"

namespace longrl::store {

// The trainer's stdout event stream: each record becomes one JSON object on one line
// (ending in '\n'), {"type": "metric" | "rollout" | ..., fields}. Invalid UTF-8 in text
// (a model can emit a split multi-byte token) is replaced by U+FFFD rather than failing.
class EventEncoder {
 public:
  static std::string encode(const MetricPoint& r);
  static std::string encode(const RunInfo& r);
  static std::string encode(const PhaseInfo& r);
  static std::string encode(const DocumentRecord& r);  // carries the sender's id; the decoder remaps it
  static std::string encode(const ExampleRecord& r);
  static std::string encode(const RolloutRecord& r);
  static std::string encode(const AnnotationRecord& r);
  static std::string encode(const DifficultyRecord& r);
  static std::string encode(const EventRecord& r);
  static std::string encode(const RolloutBehaviorRecord& r);
};

}  // namespace longrl::store
