#include "core/template/Tests.h"

#include <map>

#include "core/template/Operators.h"
#include "core/template/PyText.h"
#include "core/template/TemplateError.h"

namespace longrl::jinja {
namespace {

using Test = bool (*)(const Value&, const CallArgs&);

const Value& firstArg(const CallArgs& args) {
  if (args.positional.empty()) throw EvalError("the test needs an argument");
  return args.positional[0];
}

bool isInteger(const Value& v) { return v.kind() == Value::Kind::Int; }

const std::map<std::string, Test>& table() {
  static const std::map<std::string, Test> tests = {
      {"defined", [](const Value& v, const CallArgs&) { return !v.isUndefined(); }},
      {"undefined", [](const Value& v, const CallArgs&) { return v.isUndefined(); }},
      {"none", [](const Value& v, const CallArgs&) { return v.isNone(); }},
      {"string", [](const Value& v, const CallArgs&) { return v.isString(); }},
      {"number", [](const Value& v, const CallArgs&) { return v.isNumber(); }},
      {"integer", [](const Value& v, const CallArgs&) { return isInteger(v); }},
      {"float", [](const Value& v, const CallArgs&) { return v.kind() == Value::Kind::Float; }},
      {"boolean", [](const Value& v, const CallArgs&) { return v.kind() == Value::Kind::Bool; }},
      {"true", [](const Value& v, const CallArgs&) { return v.kind() == Value::Kind::Bool && v.asBool(); }},
      {"false", [](const Value& v, const CallArgs&) { return v.kind() == Value::Kind::Bool && !v.asBool(); }},
      {"mapping", [](const Value& v, const CallArgs&) { return v.isDict(); }},
      {"sequence", [](const Value& v, const CallArgs&) { return v.isString() || v.isList() || v.isDict(); }},
      {"iterable",
       [](const Value& v, const CallArgs&) { return v.isString() || v.isList() || v.isDict() || v.isUndefined(); }},
      {"callable", [](const Value& v, const CallArgs&) { return v.kind() == Value::Kind::Function; }},
      {"odd", [](const Value& v, const CallArgs&) { return isInteger(v) && v.asInt() % 2 != 0; }},
      {"even", [](const Value& v, const CallArgs&) { return isInteger(v) && v.asInt() % 2 == 0; }},
      {"divisibleby",
       [](const Value& v, const CallArgs& a) { return Operators::binary("%", v, firstArg(a)).asFloat() == 0; }},
      {"lower",
       [](const Value& v, const CallArgs&) { return v.isString() && PyText::lower(v.asString()) == v.asString(); }},
      {"upper",
       [](const Value& v, const CallArgs&) { return v.isString() && PyText::upper(v.asString()) == v.asString(); }},
      {"in", [](const Value& v, const CallArgs& a) { return Operators::contains(firstArg(a), v); }},
      {"sameas",
       [](const Value& v, const CallArgs& a) {
         const Value& o = firstArg(a);
         return v.kind() == o.kind() && (v.isNone() || v.isUndefined() || v == o);
       }},
  };
  return tests;
}

const char* comparison(const std::string& name) {
  static const std::map<std::string, const char*> ops = {{"==", "=="},         {"eq", "=="},      {"equalto", "=="},
                                                         {"!=", "!="},         {"ne", "!="},      {"<", "<"},
                                                         {"lt", "<"},          {"lessthan", "<"}, {"<=", "<="},
                                                         {"le", "<="},         {">", ">"},        {"gt", ">"},
                                                         {"greaterthan", ">"}, {">=", ">="},      {"ge", ">="}};
  const auto it = ops.find(name);
  return it == ops.end() ? nullptr : it->second;
}

}  // namespace

bool Tests::has(const std::string& name) { return table().count(name) || comparison(name); }

bool Tests::apply(const std::string& name, const Value& value, const CallArgs& args) {
  if (const char* op = comparison(name)) return Operators::compare(op, value, firstArg(args));
  const auto it = table().find(name);
  if (it == table().end()) throw EvalError("no test named '" + name + "'");
  return it->second(value, args);
}

}  // namespace longrl::jinja
