#pragma once
#include <string>

#include "core/template/Value.h"

namespace longrl::jinja {

// The binary operators and comparisons with Python's semantics (int stays int, / is true
// division, // and % floor, + joins strings and lists, ~ joins str() of both sides); errors
// are EvalErrors in Python's words.
class Operators {
 public:
  static Value binary(const std::string& op, const Value& a, const Value& b);
  // == != < > <= >= in, "not in".
  static bool compare(const std::string& op, const Value& a, const Value& b);
  static bool contains(const Value& container, const Value& item);
  static Value negate(const Value& v);
  // Raises the error an undefined value gives when used (its hint names what was missing).
  [[noreturn]] static void undefinedError(const Value& v);
};

}  // namespace longrl::jinja
