#pragma once
#include <string>

#include "core/template/Value.h"

namespace longrl::jinja {

// The methods templates call on values: str (strip, split, startswith, replace, ...), dict
// (get, items, keys, values) and list (index, count). Mutating methods exist, as in Python,
// but calling them is an error, as in jinja2's immutable sandbox.
class Methods {
 public:
  static bool has(const Value& object, const std::string& name);
  static Value bind(const Value& object, const std::string& name);
  static Value call(const Value& object, const std::string& name, const CallArgs& args);
};

}  // namespace longrl::jinja
