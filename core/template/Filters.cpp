#include "core/template/Filters.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "core/template/Access.h"
#include "core/template/JsonDump.h"
#include "core/template/Operators.h"
#include "core/template/PyText.h"
#include "core/template/SequenceFilters.h"
#include "core/template/TemplateError.h"
#include "core/template/Tests.h"

namespace longrl::jinja {
namespace {

using Filter = Value (*)(const Value&, const CallArgs&);
using namespace sequencefilters;

Value length(const Value& v, const CallArgs&) {
  const int64_t n = v.isMapping() ? static_cast<int64_t>(v.asDict().items.size()) : v.length();
  if (n < 0) throw EvalError("object of type '" + v.typeName() + "' has no len()");
  return Value(n);
}

Value tojson(const Value& v, const CallArgs& args) {
  JsonDump::Options o;
  if (const Value* indent = args.arg(1, "indent"); indent && !indent->isNone()) {
    o.indent = indent->isString() ? indent->asString() : std::string(std::max<int64_t>(0, indent->asInt()), ' ');
    o.itemSeparator = ",";
  }
  o.ensureAscii = boolArg(args, 0, "ensure_ascii", false);
  if (const Value* sep = args.arg(2, "separators"); sep && sep->isList() && sep->asList().size() == 2) {
    o.itemSeparator = sep->asList()[0].str();
    o.keySeparator = sep->asList()[1].str();
  }
  o.sortKeys = boolArg(args, 3, "sort_keys", false);
  return Value(JsonDump::dump(v, o));
}

Value toInt(const Value& v, const CallArgs& args) {
  const Value* dflt = args.arg(0, "default");
  const Value fallback = dflt ? *dflt : Value(0);
  if (v.isNumber()) return Value(v.asInt());
  if (!v.isString()) return fallback;
  const std::string s = PyText::strip(v.asString(), nullptr, true, true);
  char* end = nullptr;
  const long long i = std::strtoll(s.c_str(), &end, 10);
  if (!s.empty() && *end == 0) return Value(static_cast<int64_t>(i));
  const double d = std::strtod(s.c_str(), &end);
  if (!s.empty() && *end == 0) return Value(static_cast<int64_t>(d));
  return fallback;
}

Value toFloat(const Value& v, const CallArgs& args) {
  const Value* dflt = args.arg(0, "default");
  const Value fallback = dflt ? *dflt : Value(0.0);
  if (v.isNumber()) return Value(v.asFloat());
  if (!v.isString()) return fallback;
  const std::string s = PyText::strip(v.asString(), nullptr, true, true);
  char* end = nullptr;
  const double d = std::strtod(s.c_str(), &end);
  return !s.empty() && *end == 0 ? Value(d) : fallback;
}

Value replace(const Value& v, const CallArgs& args) {
  const Value* from = args.arg(0, "old");
  const Value* to = args.arg(1, "new");
  if (!from || !to) throw EvalError("replace needs the old and the new text");
  const Value* count = args.arg(2, "count");
  return Value(PyText::replace(v.str(), from->str(), to->str(), count && !count->isNone() ? count->asInt() : -1));
}

Value join(const Value& v, const CallArgs& args) {
  const Value* sep = args.arg(0, "d");
  const Value* attribute = args.arg(1, "attribute");
  std::string out;
  bool first = true;
  for (const auto& item : v.iterate()) {
    out += (first ? "" : sep ? sep->str() : "") + (attribute ? Access::path(item, attribute->str()) : item).str();
    first = false;
  }
  return Value(out);
}

Value defaultFilter(const Value& v, const CallArgs& args) {
  const Value* dflt = args.arg(0, "default_value");
  const bool boolean = boolArg(args, 1, "boolean", false);
  if (v.isUndefined() || (boolean && !v.truthy())) return dflt ? *dflt : Value("");
  return v;
}

Value items(const Value& v, const CallArgs&) {
  if (v.isUndefined()) return Value::list({});
  if (!v.isMapping()) throw EvalError("can only get item pairs from a mapping");
  ValueList out;
  for (const auto& [k, x] : v.asDict().items) out.push_back(Value::list({Value(k), x}, true));
  return Value::list(std::move(out));
}

Value indent(const Value& v, const CallArgs& args) {
  const Value* width = args.arg(0, "width");
  const std::string pad = width && width->isString() ? width->asString() : std::string(width ? width->asInt() : 4, ' ');
  const bool first = boolArg(args, 1, "first", false), blank = boolArg(args, 2, "blank", false);
  const std::string nl = "\n";
  std::string text = v.str() + "\n";  // jinja2 adds a newline and drops it afterwards
  const auto lines = PyText::split(text, &nl, -1);
  std::string out;
  for (size_t i = 0; i + 1 < lines.size(); ++i) {
    if (i) out += "\n";
    const bool skip = (i == 0 && !first) || (!blank && PyText::strip(lines[i], nullptr, true, true).empty());
    out += (skip ? "" : pad) + lines[i];
  }
  return Value(out);
}

Value roundFilter(const Value& v, const CallArgs& args) {
  const int64_t precision = args.arg(0, "precision") ? args.arg(0, "precision")->asInt() : 0;
  const std::string method = args.arg(1, "method") ? args.arg(1, "method")->str() : "common";
  const double scale = std::pow(10.0, static_cast<double>(precision)), x = v.asFloat() * scale;
  double r = method == "ceil" ? std::ceil(x) : method == "floor" ? std::floor(x) : std::round(x);
  if (method == "common" && std::fabs(x - std::trunc(x)) == 0.5)
    r = 2 * std::round(x / 2);  // Python rounds half to even
  return Value(r / scale);
}

Value escape(const Value& v, const CallArgs&) {
  std::string out;
  for (char c : v.str()) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&#34;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return Value(out);
}

const std::map<std::string, Filter>& table() {
  static const std::map<std::string, Filter> filters = {
      {"length", length},
      {"count", length},
      {"tojson", tojson},
      {"int", toInt},
      {"float", toFloat},
      {"replace", replace},
      {"join", join},
      {"default", defaultFilter},
      {"d", defaultFilter},
      {"items", items},
      {"indent", indent},
      {"round", roundFilter},
      {"escape", escape},
      {"e", escape},
      {"trim",
       [](const Value& v, const CallArgs& a) {
         const Value* chars = a.arg(0, "chars");
         return Value(PyText::strip(v.str(), chars && chars->isString() ? &chars->asString() : nullptr, true, true));
       }},
      {"string", [](const Value& v, const CallArgs&) { return Value(v.str()); }},
      {"safe", [](const Value& v, const CallArgs&) { return v; }},
      {"lower", [](const Value& v, const CallArgs&) { return Value(PyText::lower(v.str())); }},
      {"upper", [](const Value& v, const CallArgs&) { return Value(PyText::upper(v.str())); }},
      {"title", [](const Value& v, const CallArgs&) { return Value(PyText::jinjaTitle(v.str())); }},
      {"capitalize", [](const Value& v, const CallArgs&) { return Value(PyText::capitalize(v.str())); }},
      {"abs",
       [](const Value& v, const CallArgs&) {
         if (!v.isNumber()) throw EvalError("bad operand type for abs(): '" + v.typeName() + "'");
         return v.kind() == Value::Kind::Float ? Value(std::fabs(v.asFloat()))
                                               : Value(static_cast<int64_t>(std::llabs(v.asInt())));
       }},
      {"first", first},
      {"last", last},
      {"list", toList},
      {"reverse", reverse},
      {"unique", unique},
      {"sort", sort},
      {"dictsort", dictsort},
      {"map", map},
      {"select", select},
      {"reject", reject},
      {"selectattr", selectattr},
      {"rejectattr", rejectattr},
      {"min", minFilter},
      {"max", maxFilter},
      {"sum", sum},
      {"attr", [](const Value& v,
                  const CallArgs& a) { return Access::getAttr(v, a.arg(0, "name") ? a.arg(0, "name")->str() : ""); }},
  };
  return filters;
}

}  // namespace

bool Filters::has(const std::string& name) { return table().count(name) > 0; }

Value Filters::apply(const std::string& name, const Value& value, const CallArgs& args) {
  const auto it = table().find(name);
  if (it == table().end()) throw EvalError("no filter named '" + name + "'");
  return it->second(value, args);
}

}  // namespace longrl::jinja
