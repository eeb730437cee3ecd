#pragma once
#include <string>

#include "core/template/Value.h"

namespace longrl::jinja {

// jinja2's tests (`x is defined`, `x is divisibleby 3`, ...), with `==`, `in` and the other
// comparison aliases; `args` are the test's arguments after the tested value.
class Tests {
 public:
  static bool has(const std::string& name);
  static bool apply(const std::string& name, const Value& value, const CallArgs& args);
};

}  // namespace longrl::jinja
