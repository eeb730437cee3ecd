#include "core/store/RecordJson.h"

#include <cmath>
#include <limits>

#include "core/store/StoreError.h"

namespace longrl::store {
using nlohmann::json;

namespace {

// Strict typed access to one record's fields; errors name the record type and the field.
class Fields {
 public:
  Fields(const json& j, const char* type) : j_(j), type_(type) {
    if (!j.is_object()) throw StoreError(std::string(type) + ": not a JSON object");
  }
  const json* find(const char* key, bool required) const {
    auto it = j_.find(key);
    if (it == j_.end()) {
      if (required) throw StoreError(type_ + ": missing field '" + key + "'");
      return nullptr;
    }
    return &*it;
  }
  [[noreturn]] void wrong(const char* key, const char* expected) const {
    throw StoreError(type_ + ": field '" + key + "' must be " + expected);
  }
  std::int64_t integer(const char* key, std::int64_t fallback, bool required = false) const {
    const json* v = find(key, required);
    if (!v) return fallback;
    if (v->is_number_integer()) return v->get<std::int64_t>();
    if (v->is_number_float()) {  // 3.0 from a Python writer is fine; 3.5 is not
      const double d = v->get<double>();
      if (std::isfinite(d) && d == std::floor(d) && std::fabs(d) < 9.0e15) return std::int64_t(d);
    }
    wrong(key, "an integer");
  }
  // Numbers; null stands for NaN (JSON has no NaN, and nlohmann writes NaN as null).
  double number(const char* key, double fallback, bool required = false) const {
    const json* v = find(key, required);
    if (!v) return fallback;
    if (v->is_null()) return std::numeric_limits<double>::quiet_NaN();
    if (!v->is_number()) wrong(key, "a number");
    return v->get<double>();
  }
  std::string text(const char* key, bool required = false) const {
    const json* v = find(key, required);
    if (!v) return {};
    if (!v->is_string()) wrong(key, "a string");
    return v->get<std::string>();
  }
  bool boolean(const char* key) const {
    const json* v = find(key, false);
    if (!v) return false;
    if (!v->is_boolean()) wrong(key, "true or false");
    return v->get<bool>();
  }

 private:
  const json& j_;
  std::string type_;
};

json number(double v) { return std::isfinite(v) ? json(v) : json(nullptr); }

}  // namespace

json toJson(const MetricPoint& r) {
  return {{"type", "metric"}, {"step", r.step}, {"phase", r.phase}, {"name", r.name},
          {"value", number(r.value)}, {"wall_time", r.wall_time}};
}
MetricPoint metricFromJson(const json& j) {
  Fields f(j, "metric");
  MetricPoint r;
  r.step = f.integer("step", 0, true);
  r.phase = int(f.integer("phase", 0));
  r.name = f.text("name", true);
  if (r.name.empty()) throw StoreError("metric: field 'name' is empty");
  r.value = f.number("value", 0, true);
  r.wall_time = f.number("wall_time", 0);
  return r;
}

json toJson(const RunInfo& r) {
  return {{"type", "run"}, {"name", r.name}, {"status", r.status}, {"config_json", r.config_json},
          {"host", r.host}, {"created_time", r.created_time}, {"updated_time", r.updated_time}};
}
RunInfo runFromJson(const json& j) {
  Fields f(j, "run");
  return {f.text("name", true), f.text("status"), f.text("config_json"), f.text("host"),
          f.number("created_time", 0), f.number("updated_time", 0)};
}

json toJson(const PhaseInfo& r) {
  return {{"type", "phase"}, {"index", r.index}, {"name", r.name}, {"min_input_tokens", r.min_input_tokens},
          {"max_input_tokens", r.max_input_tokens}, {"max_output_tokens", r.max_output_tokens},
          {"start_step", r.start_step}, {"end_step", r.end_step}, {"status", r.status},
          {"start_time", r.start_time}, {"end_time", r.end_time}};
}
PhaseInfo phaseFromJson(const json& j) {
  Fields f(j, "phase");
  return {int(f.integer("index", 0, true)), f.text("name"), f.integer("min_input_tokens", 0),
          f.integer("max_input_tokens", 0), f.integer("max_output_tokens", 0), f.integer("start_step", 0),
          f.integer("end_step", -1), f.text("status"), f.number("start_time", 0), f.number("end_time", 0)};
}

json toJson(const DocumentRecord& r) {
  return {{"type", "document"}, {"id", r.id}, {"sha256", r.sha256}, {"title", r.title}, {"text", r.text}};
}
DocumentRecord documentFromJson(const json& j) {
  Fields f(j, "document");
  return {f.integer("id", 0), f.text("sha256"), f.text("title"), f.text("text", true)};
}

json toJson(const ExampleRecord& r) {
  return {{"type", "example"}, {"id", r.id}, {"data_source", r.data_source}, {"question", r.question},
          {"ground_truth", r.ground_truth}, {"doc_id", r.doc_id}, {"input_tokens", r.input_tokens}};
}
ExampleRecord exampleFromJson(const json& j) {
  Fields f(j, "example");
  return {f.text("id", true), f.text("data_source"), f.text("question"), f.text("ground_truth"),
          f.integer("doc_id", 0), f.integer("input_tokens", 0)};
}

json toJson(const RolloutRecord& r) {
  json j = {{"type", "rollout"}, {"step", r.step}, {"phase", r.phase}, {"example_id", r.example_id},
            {"group_idx", r.group_idx}, {"sample_idx", r.sample_idx}, {"prompt_tokens", r.prompt_tokens},
            {"response", r.response}, {"think_len", r.think_len}, {"answer", r.answer},
            {"rule_score", number(r.rule_score)}, {"judge_verdict", r.judge_verdict},
            {"judge_raw", r.judge_raw}, {"judge_prompt", r.judge_prompt}, {"judge_error", r.judge_error},
            {"reward", number(r.reward)}, {"advantage", number(r.advantage)}, {"length", r.length},
            {"truncated", r.truncated}, {"mean_entropy", number(r.mean_entropy)}, {"wall_time", r.wall_time}};
  if (r.trajectory) j["trajectory"] = *r.trajectory;
  return j;
}
RolloutRecord rolloutFromJson(const json& j) {
  Fields f(j, "rollout");
  RolloutRecord r;
  r.step = f.integer("step", 0, true);
  r.phase = int(f.integer("phase", 0));
  r.example_id = f.text("example_id", true);
  r.group_idx = int(f.integer("group_idx", 0, true));
  r.sample_idx = int(f.integer("sample_idx", 0, true));
  r.prompt_tokens = f.integer("prompt_tokens", 0);
  r.response = f.text("response");
  r.think_len = f.integer("think_len", 0);
  r.answer = f.text("answer");
  r.rule_score = f.number("rule_score", 0);
  r.judge_verdict = f.text("judge_verdict");
  if (!r.judge_verdict.empty() && r.judge_verdict != "yes" && r.judge_verdict != "no" && r.judge_verdict != "error")
    throw StoreError("rollout: field 'judge_verdict' must be \"yes\", \"no\", \"error\" or \"\"");
  r.judge_raw = f.text("judge_raw");
  r.judge_prompt = f.text("judge_prompt");
  r.judge_error = f.text("judge_error");
  r.reward = f.number("reward", 0);
  r.advantage = f.number("advantage", 0);
  r.length = f.integer("length", 0);
  r.truncated = f.boolean("truncated");
  r.mean_entropy = f.number("mean_entropy", 0);
  if (const json* t = f.find("trajectory", false); t && !t->is_null())
    r.trajectory = t->is_string() ? t->get<std::string>() : t->dump();
  r.wall_time = f.number("wall_time", 0);
  return r;
}

json toJson(const AnnotationRecord& r) {
  return {{"type", "annotation"}, {"example_id", r.example_id}, {"label", r.label},
          {"note", r.note}, {"author", r.author}, {"time", r.time}};
}
AnnotationRecord annotationFromJson(const json& j) {
  Fields f(j, "annotation");
  AnnotationRecord r{f.text("example_id", true), f.text("label", true), f.text("note"), f.text("author"),
                     f.number("time", 0)};
  if (r.label != "hard" && r.label != "not_hard" && r.label != "unsure")
    throw StoreError("annotation: field 'label' must be \"hard\", \"not_hard\" or \"unsure\"");
  return r;
}

json toJson(const DifficultyRecord& r) {
  return {{"type", "difficulty"}, {"example_id", r.example_id}, {"phase", r.phase},
          {"mean_reward", number(r.mean_reward)}, {"attempts", r.attempts}};
}
DifficultyRecord difficultyFromJson(const json& j) {
  Fields f(j, "difficulty");
  return {f.text("example_id", true), int(f.integer("phase", 0, true)), f.number("mean_reward", 0, true),
          f.integer("attempts", 0)};
}

json toJson(const EventRecord& r) {
  // The payload travels as JSON, not as a string holding JSON; text that is not JSON is sent as a string.
  json payload = json::parse(r.payload, nullptr, false);
  if (payload.is_discarded()) payload = r.payload;
  return {{"type", "event"}, {"kind", r.kind}, {"payload", payload}, {"time", r.time}};
}
EventRecord eventFromJson(const json& j) {
  Fields f(j, "event");
  EventRecord r;
  r.kind = f.text("kind", true);
  const json* p = f.find("payload", false);
  r.payload = p ? p->dump(-1, ' ', false, json::error_handler_t::replace) : "{}";
  r.time = f.number("time", 0);
  return r;
}

}  // namespace longrl::store
