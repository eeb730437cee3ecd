#include "core/store/RecordJson.h"

#include <cmath>
#include <limits>
#include <optional>
#include <type_traits>

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
  std::int64_t integer(const char* key, std::int64_t fallback, bool required) const {
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
  double number(const char* key, double fallback, bool required) const {
    const json* v = find(key, required);
    if (!v) return fallback;
    if (v->is_null()) return std::numeric_limits<double>::quiet_NaN();
    if (!v->is_number()) wrong(key, "a number");
    return v->get<double>();
  }
  std::string text(const char* key, const std::string& fallback, bool required) const {
    const json* v = find(key, required);
    if (!v) return fallback;
    if (!v->is_string()) wrong(key, "a string");
    return v->get<std::string>();
  }
  bool boolean(const char* key, bool fallback, bool required) const {
    const json* v = find(key, required);
    if (!v) return fallback;
    if (!v->is_boolean()) wrong(key, "true or false");
    return v->get<bool>();
  }

 private:
  const json& j_;
  std::string type_;
};

json number(double v) { return std::isfinite(v) ? json(v) : json(nullptr); }

// "must be \"yes\", \"no\" or \"\""
std::string oneOfText(const char* const* allowed) {
  std::string s = "must be ";
  for (std::size_t i = 0; allowed[i]; ++i)
    s += std::string(i == 0 ? "" : allowed[i + 1] ? ", " : " or ") + "\"" + allowed[i] + "\"";
  return s;
}

template <class F> void checkValue(const F& f, const std::string& v, const char* type) {
  if (f.is(f.kNonEmpty) && v.empty()) throw StoreError(std::string(type) + ": field '" + f.name + "' is empty");
  if (!f.allowed) return;
  for (std::size_t i = 0; f.allowed[i]; ++i)
    if (v == f.allowed[i]) return;
  throw StoreError(std::string(type) + ": field '" + f.name + "' " + oneOfText(f.allowed));
}

template <class R> json recordToJson(const R& r) {
  json j = {{"type", R::kType}};
  forEachField<R>([&](const auto& f) {
    using T = typename std::decay_t<decltype(f)>::Type;
    if (f.is(f.kLocal)) return;
    const T& v = r.*f.member;
    if constexpr (std::is_same_v<T, std::optional<std::string>>) {
      if (v) j[f.name] = *v;
    } else if constexpr (std::is_same_v<T, std::string>) {
      if (f.is(f.kJsonText)) {
        // The value travels as JSON, not as a string holding JSON; text that is not JSON is sent as a string.
        json value = json::parse(v, nullptr, false);
        j[f.name] = value.is_discarded() ? json(v) : std::move(value);
      } else {
        j[f.name] = v;
      }
    } else if constexpr (std::is_same_v<T, double>) {
      j[f.name] = number(v);
    } else {
      j[f.name] = v;  // integers, bool
    }
  });
  return j;
}

// Missing optional fields keep the record's defaults.
template <class R> R recordFromJson(const json& j) {
  Fields in(j, R::kType);
  R r;
  forEachField<R>([&](const auto& f) {
    using T = typename std::decay_t<decltype(f)>::Type;
    if (f.is(f.kLocal)) return;
    T& out = r.*f.member;
    const bool required = f.is(f.kRequired);
    if constexpr (std::is_same_v<T, std::optional<std::string>>) {
      // A value that is not a string (a trajectory sent as an array) is kept as its JSON text.
      if (const json* v = in.find(f.name, required); v && !v->is_null())
        out = v->is_string() ? v->template get<std::string>() : v->dump();
    } else if constexpr (std::is_same_v<T, std::string>) {
      if (f.is(f.kJsonText)) {
        const json* v = in.find(f.name, required);
        out = v ? v->dump(-1, ' ', false, json::error_handler_t::replace) : "{}";
      } else {
        out = in.text(f.name, out, required);
        checkValue(f, out, R::kType);
      }
    } else if constexpr (std::is_same_v<T, bool>) {
      out = in.boolean(f.name, out, required);
    } else if constexpr (std::is_integral_v<T>) {
      out = T(in.integer(f.name, out, required));
    } else {
      out = in.number(f.name, out, required);
    }
  });
  return r;
}

}  // namespace

json toJson(const MetricPoint& r) { return recordToJson(r); }
json toJson(const RunInfo& r) { return recordToJson(r); }
json toJson(const PhaseInfo& r) { return recordToJson(r); }
json toJson(const DocumentRecord& r) { return recordToJson(r); }
json toJson(const ExampleRecord& r) { return recordToJson(r); }
json toJson(const RolloutRecord& r) { return recordToJson(r); }
json toJson(const AnnotationRecord& r) { return recordToJson(r); }
json toJson(const DifficultyRecord& r) { return recordToJson(r); }
json toJson(const EventRecord& r) { return recordToJson(r); }
json toJson(const RolloutBehaviorRecord& r) { return recordToJson(r); }

MetricPoint metricFromJson(const json& j) { return recordFromJson<MetricPoint>(j); }
RunInfo runFromJson(const json& j) { return recordFromJson<RunInfo>(j); }
PhaseInfo phaseFromJson(const json& j) { return recordFromJson<PhaseInfo>(j); }
DocumentRecord documentFromJson(const json& j) { return recordFromJson<DocumentRecord>(j); }
ExampleRecord exampleFromJson(const json& j) { return recordFromJson<ExampleRecord>(j); }
RolloutRecord rolloutFromJson(const json& j) { return recordFromJson<RolloutRecord>(j); }
AnnotationRecord annotationFromJson(const json& j) { return recordFromJson<AnnotationRecord>(j); }
DifficultyRecord difficultyFromJson(const json& j) { return recordFromJson<DifficultyRecord>(j); }
EventRecord eventFromJson(const json& j) { return recordFromJson<EventRecord>(j); }
RolloutBehaviorRecord rolloutBehaviorFromJson(const json& j) { return recordFromJson<RolloutBehaviorRecord>(j); }

}  // namespace longrl::store
