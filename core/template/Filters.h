#pragma once
#include <string>

#include "core/template/Value.h"

namespace longrl::jinja {

// jinja2's filters that chat templates use (trim, length, tojson as transformers defines it,
// join, map, selectattr, default, ...); `args` are the arguments after the filtered value.
class Filters {
 public:
  static bool has(const std::string& name);
  static Value apply(const std::string& name, const Value& value, const CallArgs& args);
};

}  // namespace longrl::jinja
