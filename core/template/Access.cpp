#include "core/template/Access.h"

#include <cctype>

#include "core/template/Methods.h"
#include "core/template/Operators.h"
#include "core/template/PyText.h"
#include "core/template/TemplateError.h"

namespace longrl::jinja {
namespace {

Value noAttribute(const Value& object, const std::string& name) {
  const std::string what = object.isNone() ? "None" : "'" + object.typeName() + " object'";
  return Value::undefined(what + " has no attribute '" + name + "'");
}

std::vector<int64_t> sliceIndices(int64_t n, std::optional<int64_t> start, std::optional<int64_t> stop, int64_t step) {
  auto clamp = [n, step](std::optional<int64_t> v, int64_t dflt) {
    if (!v) return dflt;
    int64_t i = *v < 0 ? *v + n : *v;
    if (step > 0) return i < 0 ? 0 : i > n ? n : i;
    return i < 0 ? -1 : i >= n ? n - 1 : i;
  };
  const int64_t b = clamp(start, step > 0 ? 0 : n - 1), e = clamp(stop, step > 0 ? n : -1);
  std::vector<int64_t> out;
  for (int64_t i = b; step > 0 ? i < e : i > e; i += step) out.push_back(i);
  return out;
}

}  // namespace

Value Access::getAttr(const Value& object, const std::string& name) {
  if (object.isUndefined()) Operators::undefinedError(object);
  if (Methods::has(object, name)) return Methods::bind(object, name);
  if (object.isMapping()) {
    const Value* v = object.asDict().find(name);
    return v ? *v : noAttribute(object, name);
  }
  return noAttribute(object, name);
}

Value Access::getItem(const Value& object, const Value& key) {
  if (object.isUndefined()) Operators::undefinedError(object);
  if (object.isMapping() && key.isString()) {
    const Value* v = object.asDict().find(key.asString());
    if (v) return *v;
  } else if ((object.isList() || object.isString()) && key.isNumber() && key.kind() != Value::Kind::Float) {
    const int64_t n = object.length();
    const int64_t i = key.asInt() < 0 ? key.asInt() + n : key.asInt();
    if (i >= 0 && i < n) {
      if (object.isList()) return object.asList()[i];
      return Value(PyText::encode(std::u32string(1, PyText::decode(object.asString())[i])));
    }
    return Value::undefined("'" + object.typeName() + " object' has no element " + std::to_string(key.asInt()));
  }
  if (key.isString()) return getAttr(object, key.asString());
  return Value::undefined("'" + object.typeName() + " object' has no element " + key.repr());
}

Value Access::slice(const Value& object, std::optional<int64_t> start, std::optional<int64_t> stop,
                    std::optional<int64_t> step) {
  if (object.isUndefined()) Operators::undefinedError(object);
  const int64_t s = step.value_or(1);
  if (s == 0) throw EvalError("slice step cannot be zero");
  if (object.isString()) {
    const std::u32string text = PyText::decode(object.asString());
    std::u32string out;
    for (int64_t i : sliceIndices(static_cast<int64_t>(text.size()), start, stop, s)) out += text[i];
    return Value(PyText::encode(out));
  }
  if (!object.isList()) throw EvalError("'" + object.typeName() + "' object is not subscriptable");
  ValueList out;
  const auto& items = object.asList();
  for (int64_t i : sliceIndices(static_cast<int64_t>(items.size()), start, stop, s)) out.push_back(items[i]);
  return Value::list(std::move(out), object.isTuple());
}

Value Access::path(const Value& object, const std::string& dotted) {
  Value v = object;
  size_t start = 0;
  while (true) {
    const size_t dot = dotted.find('.', start);
    const std::string part = dotted.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
    const bool numeric = !part.empty() && std::isdigit(static_cast<unsigned char>(part[0]));
    v = getItem(v, numeric ? Value(static_cast<int64_t>(std::stoll(part))) : Value(part));
    if (dot == std::string::npos) return v;
    start = dot + 1;
  }
}

}  // namespace longrl::jinja
