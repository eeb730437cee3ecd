#pragma once
#include <string>

#include <nlohmann/json.hpp>

#include "trainer/tokenizer/TokenizerError.h"

namespace longrl::tokenizer::jsonfield {

// Optional fields of tokenizer files. nlohmann's value() throws a type_error that names neither
// the file nor the key when a field has the wrong type (or the parent is not an object); these
// throw TokenizerError naming "`path`.key" instead. Absent or null: `fallback`.
inline const nlohmann::json* find(const nlohmann::json& obj, const char* key, const std::string& path) {
  if (!obj.is_object()) throw TokenizerError(path + " must be an object");
  const auto it = obj.find(key);
  return it == obj.end() || it->is_null() ? nullptr : &*it;
}

inline bool boolOr(const nlohmann::json& obj, const char* key, bool fallback, const std::string& path) {
  const auto* v = find(obj, key, path);
  if (!v) return fallback;
  if (!v->is_boolean()) throw TokenizerError(path + "." + key + " must be true or false");
  return v->get<bool>();
}

inline std::string stringOr(const nlohmann::json& obj, const char* key, const std::string& fallback,
                            const std::string& path) {
  const auto* v = find(obj, key, path);
  if (!v) return fallback;
  if (!v->is_string()) throw TokenizerError(path + "." + key + " must be a string");
  return v->get<std::string>();
}

}  // namespace longrl::tokenizer::jsonfield
