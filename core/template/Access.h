#pragma once
#include <optional>
#include <string>

#include "core/template/Value.h"

namespace longrl::jinja {

// Attribute and item access as jinja2's sandbox resolves them: `obj.name` prefers the
// object's methods (dict.items, str.strip) and then its items; `obj[key]` prefers items.
// A missing key or attribute is undefined; any access on an undefined value is an error.
class Access {
 public:
  static Value getAttr(const Value& object, const std::string& name);
  static Value getItem(const Value& object, const Value& key);
  static Value slice(const Value& object, std::optional<int64_t> start, std::optional<int64_t> stop,
                     std::optional<int64_t> step);
  // `attribute` of the select/map filters: dotted, each part looked up as an item.
  static Value path(const Value& object, const std::string& dotted);
};

}  // namespace longrl::jinja
