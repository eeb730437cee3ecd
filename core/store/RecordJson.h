#pragma once
#include <nlohmann/json.hpp>

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

// JSON form of the run-store records, as the event stream carries them: one object with a
// "type" member ("metric", "rollout", ...) and the record's fields under their struct names.
// The *FromJson functions are strict: a missing key field or a field of the wrong type throws
// StoreError naming the field; fields a newer trainer adds are ignored.
namespace longrl::store {

nlohmann::json toJson(const MetricPoint& r);
nlohmann::json toJson(const RunInfo& r);
nlohmann::json toJson(const PhaseInfo& r);
nlohmann::json toJson(const DocumentRecord& r);
nlohmann::json toJson(const ExampleRecord& r);
nlohmann::json toJson(const RolloutRecord& r);
nlohmann::json toJson(const AnnotationRecord& r);
nlohmann::json toJson(const DifficultyRecord& r);
nlohmann::json toJson(const EventRecord& r);
nlohmann::json toJson(const RolloutBehaviorRecord& r);

MetricPoint metricFromJson(const nlohmann::json& j);
RunInfo runFromJson(const nlohmann::json& j);
PhaseInfo phaseFromJson(const nlohmann::json& j);
DocumentRecord documentFromJson(const nlohmann::json& j);
ExampleRecord exampleFromJson(const nlohmann::json& j);
RolloutRecord rolloutFromJson(const nlohmann::json& j);
AnnotationRecord annotationFromJson(const nlohmann::json& j);
DifficultyRecord difficultyFromJson(const nlohmann::json& j);
EventRecord eventFromJson(const nlohmann::json& j);
RolloutBehaviorRecord rolloutBehaviorFromJson(const nlohmann::json& j);

}  // namespace longrl::store
