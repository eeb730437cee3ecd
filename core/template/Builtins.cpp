#include "core/template/Builtins.h"

#include <ctime>

#include "core/template/TemplateError.h"

namespace longrl::jinja {
namespace {

Value range(const CallArgs& args) {
  const auto& p = args.positional;
  if (p.empty() || p.size() > 3) throw EvalError("range expected 1 to 3 arguments");
  for (const auto& v : p)
    if (v.kind() != Value::Kind::Int && v.kind() != Value::Kind::Bool)
      throw EvalError("'" + v.typeName() + "' object cannot be interpreted as an integer");
  const int64_t start = p.size() == 1 ? 0 : p[0].asInt(), stop = p.size() == 1 ? p[0].asInt() : p[1].asInt();
  const int64_t step = p.size() == 3 ? p[2].asInt() : 1;
  if (step == 0) throw EvalError("range() arg 3 must not be zero");
  ValueList out;
  for (int64_t i = start; step > 0 ? i < stop : i > stop; i += step) {
    if (out.size() >= 100000) throw EvalError("range too big, maximum size for range is 100000");
    out.emplace_back(i);
  }
  return Value::list(std::move(out));
}

ValueDict keywordDict(const CallArgs& args, const char* what) {
  ValueDict d;
  if (!args.positional.empty()) {
    if (args.positional.size() > 1 || !args.positional[0].isMapping())
      throw EvalError(std::string(what) + "() takes one mapping and keyword arguments");
    d = args.positional[0].asDict();
  }
  for (const auto& [k, v] : args.named) d.set(k, v);
  return d;
}

Value strftimeNow(const CallArgs& args) {
  if (args.positional.empty() || !args.positional[0].isString()) throw EvalError("strftime_now needs a format string");
  const std::time_t now = std::time(nullptr);
  std::tm local{};
  localtime_r(&now, &local);
  char buf[256];
  const size_t n = std::strftime(buf, sizeof buf, args.positional[0].asString().c_str(), &local);
  return Value(std::string(buf, n));
}

}  // namespace

Scope::Frame Builtins::globals() {
  Scope::Frame g;
  g["range"] = Value::function(range, "range");
  g["dict"] = Value::function([](const CallArgs& a) { return Value::dict(keywordDict(a, "dict")); }, "dict");
  g["namespace"] =
      Value::function([](const CallArgs& a) { return Value::namespaceObject(keywordDict(a, "namespace")); },
                      "namespace");
  g["raise_exception"] = Value::function(
      [](const CallArgs& a) -> Value {
        throw EvalError(a.positional.empty() ? "raise_exception" : a.positional[0].str());
      },
      "raise_exception");
  g["strftime_now"] = Value::function(strftimeNow, "strftime_now");
  return g;
}

}  // namespace longrl::jinja
