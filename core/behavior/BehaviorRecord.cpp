#include "core/behavior/BehaviorRecord.h"

#include <stdexcept>

#include <nlohmann/json.hpp>

namespace longrl::behavior {

using nlohmann::json;

namespace {

[[noreturn]] void fail(const std::string& where, const std::string& what) {
  throw std::runtime_error("behavior record: " + where + what);
}

template <class T> T field(const json& j, const char* key, const std::string& where) {
  const auto it = j.find(key);
  if (it == j.end()) fail(where, std::string("'") + key + "' is missing");
  try {
    return it->get<T>();
  } catch (const json::exception&) {
    fail(where, std::string("'") + key + "' has the wrong type");
  }
}

// `key` when present, else `fallback`.
template <class T> T optionalField(const json& j, const char* key, T fallback, const std::string& where) {
  return j.contains(key) ? field<T>(j, key, where) : fallback;
}

int nonNegative(const json& j, const char* key, const std::string& where) {
  const int v = field<int>(j, key, where);
  if (v < 0) fail(where, std::string("'") + key + "' is negative");
  return v;
}

BehaviorSpan spanFromJson(const json& s, const std::string& where) {
  if (!s.is_object()) fail(where, "not an object");
  BehaviorSpan span;
  span.begin = field<size_t>(s, "begin", where);
  span.end = field<size_t>(s, "end", where);
  const auto kind = parseBehaviorKind(field<std::string>(s, "kind", where));
  if (!kind) fail(where, "'kind' is not subgoal, backtracking or verification");
  span.kind = *kind;
  span.cueBegin = optionalField<size_t>(s, "cue_begin", span.begin, where);
  span.cueEnd = optionalField<size_t>(s, "cue_end", span.end, where);
  if (span.end < span.begin || span.cueEnd < span.cueBegin) fail(where, "'end' is before 'begin'");
  return span;
}

}  // namespace

int BehaviorRecord::count(BehaviorKind kind) const { return const_cast<BehaviorRecord*>(this)->count(kind); }

int& BehaviorRecord::count(BehaviorKind kind) {
  switch (kind) {
    case BehaviorKind::Backtracking:
      return backtracking;
    case BehaviorKind::Verification:
      return verification;
    case BehaviorKind::Subgoal:
      break;
  }
  return subgoal;
}

bool BehaviorRecord::operator==(const BehaviorRecord& o) const {
  return classifier == o.classifier && version == o.version && steps == o.steps && subgoal == o.subgoal &&
         backtracking == o.backtracking && verification == o.verification && groundingShare == o.groundingShare &&
         passages == o.passages && spans == o.spans && rawReply == o.rawReply && error == o.error;
}

std::string BehaviorRecord::toJson() const {
  json spans_ = json::array();
  for (const auto& s : spans)
    spans_.push_back({{"begin", s.begin},
                      {"end", s.end},
                      {"kind", behaviorName(s.kind)},
                      {"cue_begin", s.cueBegin},
                      {"cue_end", s.cueEnd}});
  json j = {{"classifier", classifier}, {"version", version},           {"steps", steps},
            {"subgoal", subgoal},       {"backtracking", backtracking}, {"verification", verification},
            {"passages", passages},     {"spans", std::move(spans_)}};
  j["grounding_share"] = groundingShare ? json(*groundingShare) : json(nullptr);
  if (!rawReply.empty()) j["raw_reply"] = rawReply;
  if (!error.empty()) j["error"] = error;
  return j.dump();
}

BehaviorRecord BehaviorRecord::fromJson(const std::string& text) {
  json j;
  try {
    j = json::parse(text);
  } catch (const json::parse_error& e) {
    fail("", std::string("not JSON: ") + e.what());
  }
  if (!j.is_object()) fail("", "not a JSON object");
  BehaviorRecord r;
  r.classifier = field<std::string>(j, "classifier", "");
  r.version = optionalField<int>(j, "version", 1, "");
  r.steps = j.contains("steps") ? nonNegative(j, "steps", "") : 0;
  for (BehaviorKind k : kBehaviorKinds) r.count(k) = nonNegative(j, std::string(behaviorName(k)).c_str(), "");
  if (const auto it = j.find("grounding_share"); it != j.end() && !it->is_null()) {
    r.groundingShare = field<double>(j, "grounding_share", "");
    if (*r.groundingShare < 0 || *r.groundingShare > 1) fail("", "'grounding_share' is outside [0, 1]");
  }
  r.passages = j.contains("passages") ? nonNegative(j, "passages", "") : 0;
  const json spans = j.value("spans", json::array());
  if (!spans.is_array()) fail("", "'spans' is not an array");
  for (size_t i = 0; i < spans.size(); ++i)
    r.spans.push_back(spanFromJson(spans[i], "span " + std::to_string(i) + ": "));
  r.rawReply = optionalField<std::string>(j, "raw_reply", "", "");
  r.error = optionalField<std::string>(j, "error", "", "");
  return r;
}

}  // namespace longrl::behavior
