#pragma once
#include <string>

namespace longrl::jinja {

// The body of a quoted string literal decoded as jinja2 decodes it (Python's unicode-escape):
// \n \t \\ \' \" \xhh \uhhhh \Uhhhhhhhh and octal escapes; unknown escapes keep their backslash.
class StringLiteral {
 public:
  static std::string unescape(const std::string& body);
};

}  // namespace longrl::jinja
