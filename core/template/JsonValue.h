#pragma once
#include <nlohmann/json.hpp>

#include "core/template/Value.h"

namespace longrl::jinja {

// Template values from JSON: objects keep the order the json type iterates in (insertion
// order for ordered_json, as Python's json.load gives; sorted for nlohmann::json).
class JsonValue {
 public:
  template <class Json> static Value from(const Json& j) {
    switch (j.type()) {
      case Json::value_t::null:
        return Value::none();
      case Json::value_t::boolean:
        return Value(j.template get<bool>());
      case Json::value_t::number_integer:
      case Json::value_t::number_unsigned:
        return Value(j.template get<int64_t>());
      case Json::value_t::number_float:
        return Value(j.template get<double>());
      case Json::value_t::string:
        return Value(j.template get<std::string>());
      case Json::value_t::array: {
        ValueList items;
        for (const auto& x : j) items.push_back(from(x));
        return Value::list(std::move(items));
      }
      case Json::value_t::object: {
        ValueDict d;
        for (auto it = j.begin(); it != j.end(); ++it) d.items.emplace_back(it.key(), from(it.value()));
        return Value::dict(std::move(d));
      }
      default:
        return Value::none();
    }
  }
};

}  // namespace longrl::jinja
