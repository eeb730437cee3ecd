#include "core/template/Methods.h"

#include <algorithm>
#include <set>

#include "core/template/PyText.h"
#include "core/template/TemplateError.h"

namespace longrl::jinja {
namespace {

const std::set<std::string> kStringMethods = {"strip",      "lstrip",     "rstrip",  "split",   "rsplit",
                                              "startswith", "endswith",   "replace", "lower",   "upper",
                                              "title",      "capitalize", "find",    "rfind",   "count",
                                              "join",       "splitlines", "isdigit", "isalpha", "isspace",
                                              "isupper",    "islower",    "isalnum", "index",   "rindex"};
const std::set<std::string> kDictMethods = {"get", "items",  "keys",       "values", "copy",
                                            "pop", "update", "setdefault", "clear",  "popitem"};
const std::set<std::string> kListMethods = {"index", "count",  "copy", "append",  "extend", "insert",
                                            "pop",   "remove", "sort", "reverse", "clear"};
const std::set<std::string> kMutating = {"pop",    "update", "setdefault", "clear", "popitem", "append",
                                         "extend", "insert", "remove",     "sort",  "reverse"};

const std::string& stringArg(const CallArgs& args, size_t i, const std::string& name, const std::string& method) {
  const Value* v = args.arg(i, name);
  if (!v || !v->isString()) throw EvalError(method + "() argument " + std::to_string(i + 1) + " must be str");
  return v->asString();
}

const std::string* optionalString(const CallArgs& args, size_t i, const std::string& name) {
  const Value* v = args.arg(i, name);
  return v && v->isString() ? &v->asString() : nullptr;
}

int64_t optionalInt(const CallArgs& args, size_t i, const std::string& name, int64_t dflt) {
  const Value* v = args.arg(i, name);
  return v && v->isNumber() ? v->asInt() : dflt;
}

Value strings(const std::vector<std::string>& parts) {
  ValueList out(parts.begin(), parts.end());
  return Value::list(std::move(out));
}

// startswith/endswith take a str or a tuple of them.
bool affix(const std::string& s, const Value& arg, bool prefix) {
  if (arg.isList())
    return std::any_of(arg.asList().begin(), arg.asList().end(), [&](const Value& v) { return affix(s, v, prefix); });
  if (!arg.isString())
    throw EvalError(std::string(prefix ? "startswith" : "endswith") + " first arg must be str or a tuple of str");
  const std::string& a = arg.asString();
  if (a.size() > s.size()) return false;
  return prefix ? s.compare(0, a.size(), a) == 0 : s.compare(s.size() - a.size(), a.size(), a) == 0;
}

bool allChars(const std::string& s, bool (*pred)(char32_t)) {
  const std::u32string t = PyText::decode(s);
  return !t.empty() && std::all_of(t.begin(), t.end(), pred);
}

Value stringPredicate(const std::string& s, const std::string& name) {
  if (name == "isdigit") return Value(allChars(s, [](char32_t c) { return c >= '0' && c <= '9'; }));
  if (name == "isspace") return Value(allChars(s, PyText::isSpace));
  if (name == "isalpha") return Value(allChars(s, [](char32_t c) { return (c | 0x20) >= 'a' && (c | 0x20) <= 'z'; }));
  if (name == "isalnum")
    return Value(
        allChars(s, [](char32_t c) { return ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') || (c >= '0' && c <= '9'); }));
  if (name == "isupper") return Value(PyText::upper(s) == s && PyText::lower(s) != s);
  return Value(PyText::lower(s) == s && PyText::upper(s) != s);
}

Value stringMethod(const std::string& s, const std::string& name, const CallArgs& args) {
  if (name == "strip" || name == "lstrip" || name == "rstrip")
    return Value(PyText::strip(s, optionalString(args, 0, "chars"), name != "rstrip", name != "lstrip"));
  if (name == "split" || name == "rsplit") {
    const std::string* sep = optionalString(args, 0, "sep");
    if (sep && sep->empty()) throw EvalError("empty separator");
    const int64_t maxsplit = optionalInt(args, 1, "maxsplit", -1);
    return strings(name == "split" ? PyText::split(s, sep, maxsplit) : PyText::rsplit(s, sep, maxsplit));
  }
  if (name == "startswith" || name == "endswith") {
    if (args.positional.empty()) throw EvalError(name + "() takes at least 1 argument");
    return Value(affix(s, args.positional[0], name == "startswith"));
  }
  if (name == "replace")
    return Value(PyText::replace(s, stringArg(args, 0, "old", name), stringArg(args, 1, "new", name),
                                 optionalInt(args, 2, "count", -1)));
  if (name == "lower") return Value(PyText::lower(s));
  if (name == "upper") return Value(PyText::upper(s));
  if (name == "title") return Value(PyText::title(s));
  if (name == "capitalize") return Value(PyText::capitalize(s));
  if (name == "count") return Value(PyText::count(s, stringArg(args, 0, "sub", name)));
  if (name == "find" || name == "rfind" || name == "index" || name == "rindex") {
    const int64_t at = PyText::find(s, stringArg(args, 0, "sub", name), name[0] == 'r');
    if (at < 0 && name.find("index") != std::string::npos) throw EvalError("substring not found");
    return Value(at);
  }
  if (name == "join") {
    if (args.positional.empty()) throw EvalError("join() takes exactly one argument");
    std::string out;
    bool first = true;
    for (const auto& v : args.positional[0].iterate()) {
      if (!v.isString()) throw EvalError("sequence item: expected str instance, " + v.typeName() + " found");
      out += (first ? "" : s) + v.asString();
      first = false;
    }
    return Value(out);
  }
  if (name == "splitlines") {
    const std::string newline = "\n";
    std::vector<std::string> lines = PyText::split(s, &newline, -1);
    if (!lines.empty() && lines.back().empty()) lines.pop_back();
    return strings(lines);
  }
  return stringPredicate(s, name);
}

Value dictMethod(const Value& d, const std::string& name, const CallArgs& args) {
  if (name == "get") {
    if (args.positional.empty()) throw EvalError("get expected at least 1 argument, got 0");
    const Value* v = args.positional[0].isString() ? d.asDict().find(args.positional[0].asString()) : nullptr;
    return v ? *v : args.positional.size() > 1 ? args.positional[1] : Value::none();
  }
  if (name == "copy") return Value::dict(d.asDict());
  ValueList out;
  for (const auto& [k, v] : d.asDict().items) {
    if (name == "items") out.push_back(Value::list({Value(k), v}, true));
    else out.push_back(name == "keys" ? Value(k) : v);
  }
  return Value::list(std::move(out));
}

Value listMethod(const Value& l, const std::string& name, const CallArgs& args) {
  if (name == "copy") return Value::list(l.asList());
  if (args.positional.empty()) throw EvalError(name + "() takes exactly one argument");
  const auto& items = l.asList();
  const auto it = std::find(items.begin(), items.end(), args.positional[0]);
  if (name == "count") return Value(static_cast<int64_t>(std::count(items.begin(), items.end(), args.positional[0])));
  if (it == items.end()) throw EvalError(args.positional[0].repr() + " is not in list");
  return Value(static_cast<int64_t>(it - items.begin()));
}

}  // namespace

bool Methods::has(const Value& object, const std::string& name) {
  if (object.isString()) return kStringMethods.count(name) > 0;
  if (object.isDict()) return kDictMethods.count(name) > 0;
  if (object.isList()) return kListMethods.count(name) > 0;
  return false;
}

Value Methods::bind(const Value& object, const std::string& name) {
  return Value::function([object, name](const CallArgs& args) { return call(object, name, args); }, name);
}

Value Methods::call(const Value& object, const std::string& name, const CallArgs& args) {
  if (kMutating.count(name))
    throw EvalError("access to attribute '" + name + "' of '" + object.typeName() + "' object is unsafe");
  if (object.isString()) return stringMethod(object.asString(), name, args);
  if (object.isDict()) return dictMethod(object, name, args);
  return listMethod(object, name, args);
}

}  // namespace longrl::jinja
