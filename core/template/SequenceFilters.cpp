#include "core/template/SequenceFilters.h"

#include <algorithm>

#include "core/template/Access.h"
#include "core/template/Filters.h"
#include "core/template/Operators.h"
#include "core/template/PyText.h"
#include "core/template/TemplateError.h"
#include "core/template/Tests.h"

namespace longrl::jinja::sequencefilters {
namespace {

// The sort key jinja2 uses: the attribute when given, lower-cased strings unless case_sensitive.
Value sortKey(const Value& item, const Value* attribute, bool caseSensitive) {
  Value v = attribute && !attribute->isNone() ? Access::path(item, attribute->str()) : item;
  return !caseSensitive && v.isString() ? Value(PyText::lower(v.asString())) : v;
}

bool less(const Value& a, const Value& b) { return Operators::compare("<", a, b); }

// Arguments after the first `skip` positional ones, for a test or filter named in the call.
CallArgs rest(const CallArgs& args, size_t skip) {
  CallArgs out;
  if (args.positional.size() > skip) out.positional.assign(args.positional.begin() + skip, args.positional.end());
  out.named = args.named;
  return out;
}

Value selectOrReject(const Value& v, const CallArgs& args, bool byAttribute, bool keep) {
  std::string attribute;
  size_t next = 0;
  if (byAttribute) {
    if (args.positional.empty()) throw EvalError("selectattr/rejectattr need an attribute");
    attribute = args.positional[next++].str();
  }
  const bool hasTest = args.positional.size() > next;
  const std::string test = hasTest ? args.positional[next].str() : "";
  const CallArgs testArgs = rest(args, next + 1);
  ValueList out;
  for (const auto& item : v.iterate()) {
    const Value subject = byAttribute ? Access::path(item, attribute) : item;
    const bool pass = hasTest ? Tests::apply(test, subject, testArgs) : subject.truthy();
    if (pass == keep) out.push_back(item);
  }
  return Value::list(std::move(out));
}

Value extreme(const Value& v, const CallArgs& args, bool wantMax) {
  const bool caseSensitive = boolArg(args, 0, "case_sensitive", false);
  const Value* attribute = args.arg(1, "attribute");
  const ValueList items = v.iterate();
  if (items.empty()) return Value::undefined("No aggregated item, sequence was empty.");
  size_t best = 0;
  for (size_t i = 1; i < items.size(); ++i) {
    const Value a = sortKey(items[i], attribute, caseSensitive), b = sortKey(items[best], attribute, caseSensitive);
    if (wantMax ? less(b, a) : less(a, b)) best = i;
  }
  return items[best];
}

}  // namespace

bool boolArg(const CallArgs& args, size_t index, const std::string& name, bool dflt) {
  const Value* v = args.arg(index, name);
  return v ? v->truthy() : dflt;
}

Value first(const Value& v, const CallArgs&) {
  const ValueList items = v.iterate();
  return items.empty() ? Value::undefined("No first item, sequence was empty.") : items.front();
}

Value last(const Value& v, const CallArgs&) {
  const ValueList items = v.iterate();
  return items.empty() ? Value::undefined("No last item, sequence was empty.") : items.back();
}

Value toList(const Value& v, const CallArgs&) {
  if (!v.isString() && !v.isList() && !v.isMapping() && !v.isUndefined())
    throw EvalError("'" + v.typeName() + "' object is not iterable");
  return Value::list(v.iterate());
}

Value reverse(const Value& v, const CallArgs&) {
  if (v.isString()) {
    const std::u32string t = PyText::decode(v.asString());
    return Value(PyText::encode(std::u32string(t.rbegin(), t.rend())));
  }
  ValueList items = v.iterate();
  std::reverse(items.begin(), items.end());
  return Value::list(std::move(items));
}

Value unique(const Value& v, const CallArgs& args) {
  const bool caseSensitive = boolArg(args, 0, "case_sensitive", false);
  const Value* attribute = args.arg(1, "attribute");
  ValueList out, seen;
  for (const auto& item : v.iterate()) {
    const Value key = sortKey(item, attribute, caseSensitive);
    if (std::find(seen.begin(), seen.end(), key) != seen.end()) continue;
    seen.push_back(key);
    out.push_back(item);
  }
  return Value::list(std::move(out));
}

Value sort(const Value& v, const CallArgs& args) {
  const bool reversed = boolArg(args, 0, "reverse", false), caseSensitive = boolArg(args, 1, "case_sensitive", false);
  const Value* attribute = args.arg(2, "attribute");
  ValueList items = v.iterate();
  std::stable_sort(items.begin(), items.end(), [&](const Value& a, const Value& b) {
    const Value ka = sortKey(a, attribute, caseSensitive), kb = sortKey(b, attribute, caseSensitive);
    return reversed ? less(kb, ka) : less(ka, kb);
  });
  return Value::list(std::move(items));
}

Value dictsort(const Value& v, const CallArgs& args) {
  if (!v.isMapping()) throw EvalError("dictsort needs a mapping");
  const bool caseSensitive = boolArg(args, 0, "case_sensitive", false), reversed = boolArg(args, 2, "reverse", false);
  const bool byValue = args.arg(1, "by") && args.arg(1, "by")->str() == "value";
  ValueList items;
  for (const auto& [k, x] : v.asDict().items) items.push_back(Value::list({Value(k), x}, true));
  std::stable_sort(items.begin(), items.end(), [&](const Value& a, const Value& b) {
    const Value ka = sortKey(a.asList()[byValue], nullptr, caseSensitive);
    const Value kb = sortKey(b.asList()[byValue], nullptr, caseSensitive);
    return reversed ? less(kb, ka) : less(ka, kb);
  });
  return Value::list(std::move(items));
}

Value map(const Value& v, const CallArgs& args) {
  ValueList out;
  if (const Value* attribute = args.namedArg("attribute")) {
    const Value* dflt = args.namedArg("default");
    for (const auto& item : v.iterate()) {
      Value x = Access::path(item, attribute->str());
      out.push_back(x.isUndefined() && dflt ? *dflt : x);
    }
    return Value::list(std::move(out));
  }
  if (args.positional.empty()) throw EvalError("map needs a filter name or attribute=");
  const std::string filter = args.positional[0].str();
  const CallArgs filterArgs = rest(args, 1);
  for (const auto& item : v.iterate()) out.push_back(Filters::apply(filter, item, filterArgs));
  return Value::list(std::move(out));
}

Value select(const Value& v, const CallArgs& args) { return selectOrReject(v, args, false, true); }
Value reject(const Value& v, const CallArgs& args) { return selectOrReject(v, args, false, false); }
Value selectattr(const Value& v, const CallArgs& args) { return selectOrReject(v, args, true, true); }
Value rejectattr(const Value& v, const CallArgs& args) { return selectOrReject(v, args, true, false); }
Value minFilter(const Value& v, const CallArgs& args) { return extreme(v, args, false); }
Value maxFilter(const Value& v, const CallArgs& args) { return extreme(v, args, true); }

Value sum(const Value& v, const CallArgs& args) {
  const Value* attribute = args.arg(0, "attribute");
  Value total = args.arg(1, "start") ? *args.arg(1, "start") : Value(0);
  for (const auto& item : v.iterate())
    total =
        Operators::binary("+", total, attribute && !attribute->isNone() ? Access::path(item, attribute->str()) : item);
  return total;
}

}  // namespace longrl::jinja::sequencefilters
