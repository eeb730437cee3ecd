#include "core/store/AnnotationOp.h"

#include "core/store/StoreError.h"

namespace longrl::store {
namespace {

template <class T> T member(const nlohmann::json& j, const char* name) {
  auto it = j.find(name);
  if (it == j.end()) throw StoreError(std::string("annotation op: missing field '") + name + "'");
  try {
    return it->get<T>();
  } catch (const nlohmann::json::exception&) {
    throw StoreError(std::string("annotation op: field '") + name + "' has the wrong type");
  }
}

template <class T> T memberOr(const nlohmann::json& j, const char* name, T fallback) {
  return j.contains(name) ? member<T>(j, name) : fallback;
}

bool knownLabel(const std::string& label) {
  for (const char* const* l = kAnnotationLabels; *l; ++l)
    if (label == *l) return true;
  return false;
}

}  // namespace

const char* AnnotationOp::kindName(Kind kind) {
  switch (kind) {
    case Kind::Set:
      return "set";
    case Kind::Remove:
      return "remove";
    case Kind::Continue:
      return "continue";
  }
  return "?";
}

AnnotationOp::Kind AnnotationOp::kindFromName(const std::string& name) {
  for (auto k : {Kind::Set, Kind::Remove, Kind::Continue})
    if (name == kindName(k)) return k;
  throw StoreError("annotation op: field 'op' must be set, remove or continue, got '" + name + "'");
}

nlohmann::json toJson(const AnnotationOp& op) {
  nlohmann::json j{{"seq", op.seq},
                   {"op", AnnotationOp::kindName(op.kind)},
                   {"author", op.annotation.author},
                   {"time", op.time}};
  if (op.kind == AnnotationOp::Kind::Continue) {
    j["phase"] = op.phase;
    return j;
  }
  j["example_id"] = op.annotation.example_id;
  if (op.kind == AnnotationOp::Kind::Set) {
    j["label"] = op.annotation.label;
    j["note"] = op.annotation.note;
  }
  return j;
}

AnnotationOp annotationOpFromJson(const nlohmann::json& j) {
  if (!j.is_object()) throw StoreError("annotation op: not a JSON object");
  AnnotationOp op;
  op.seq = member<std::int64_t>(j, "seq");
  if (op.seq <= 0) throw StoreError("annotation op: field 'seq' must be positive");
  op.kind = AnnotationOp::kindFromName(member<std::string>(j, "op"));
  op.annotation.author = member<std::string>(j, "author");
  op.time = memberOr<double>(j, "time", 0.0);
  op.annotation.time = op.time;
  if (op.kind == AnnotationOp::Kind::Continue) {
    op.phase = member<int>(j, "phase");
    if (op.phase < 0) throw StoreError("annotation op: field 'phase' must be >= 0");
    return op;
  }
  op.annotation.example_id = member<std::string>(j, "example_id");
  if (op.annotation.example_id.empty()) throw StoreError("annotation op: field 'example_id' is empty");
  if (op.kind == AnnotationOp::Kind::Set) {
    op.annotation.label = member<std::string>(j, "label");
    if (!knownLabel(op.annotation.label))
      throw StoreError("annotation op: field 'label' must be hard, not_hard or unsure, got '" + op.annotation.label +
                       "'");
    op.annotation.note = memberOr<std::string>(j, "note", "");
  }
  return op;
}

}  // namespace longrl::store
