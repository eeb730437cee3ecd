#include "core/template/JsonDump.h"

#include <algorithm>

#include "core/template/PyText.h"
#include "core/template/TemplateError.h"

namespace longrl::jinja {

std::string JsonDump::dump(const Value& value, const Options& options) {
  std::string out;
  write(value, options, 0, out);
  return out;
}

void JsonDump::write(const Value& value, const Options& options, int depth, std::string& out) {
  auto newline = [&](int level) {
    if (!options.indent) return;
    out += '\n';
    for (int i = 0; i < level; ++i) out += *options.indent;
  };
  switch (value.kind()) {
    case Value::Kind::None:
      out += "null";
      return;
    case Value::Kind::Bool:
      out += value.asBool() ? "true" : "false";
      return;
    case Value::Kind::Int:
      out += std::to_string(value.asInt());
      return;
    case Value::Kind::Float: {
      const double d = value.asFloat();
      out += d != d ? "NaN" : d == 1.0 / 0.0 ? "Infinity" : d == -1.0 / 0.0 ? "-Infinity" : PyText::reprFloat(d);
      return;
    }
    case Value::Kind::String:
      out += PyText::jsonString(value.asString(), options.ensureAscii);
      return;
    case Value::Kind::List: {
      const auto& items = value.asList();
      if (items.empty()) {
        out += "[]";
        return;
      }
      out += '[';
      for (size_t i = 0; i < items.size(); ++i) {
        if (i) out += options.itemSeparator;
        newline(depth + 1);
        write(items[i], options, depth + 1, out);
      }
      newline(depth);
      out += ']';
      return;
    }
    case Value::Kind::Dict: {
      auto items = value.asDict().items;
      if (items.empty()) {
        out += "{}";
        return;
      }
      if (options.sortKeys)
        std::stable_sort(items.begin(), items.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
      out += '{';
      for (size_t i = 0; i < items.size(); ++i) {
        if (i) out += options.itemSeparator;
        newline(depth + 1);
        out += PyText::jsonString(items[i].first, options.ensureAscii) + options.keySeparator;
        write(items[i].second, options, depth + 1, out);
      }
      newline(depth);
      out += '}';
      return;
    }
    default:
      throw EvalError("Object of type " + value.typeName() + " is not JSON serializable");
  }
}

}  // namespace longrl::jinja
