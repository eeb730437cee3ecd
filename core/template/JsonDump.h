#pragma once
#include <optional>
#include <string>

#include "core/template/Value.h"

namespace longrl::jinja {

// Python's json.dumps as transformers' `tojson` filter calls it: ensure_ascii off by default,
// keys in insertion order unless sorted, floats as repr() prints them, `indent` spaces with
// (",", ": ") separators, else (", ", ": ").
class JsonDump {
 public:
  struct Options {
    std::optional<std::string> indent;  // the indent string (N spaces for an integer indent)
    std::string itemSeparator = ", ", keySeparator = ": ";
    bool ensureAscii = false, sortKeys = false;
  };
  static std::string dump(const Value& value, const Options& options);

 private:
  static void write(const Value& value, const Options& options, int depth, std::string& out);
};

}  // namespace longrl::jinja
