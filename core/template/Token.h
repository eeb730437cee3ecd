#pragma once
#include <string>

namespace longrl::jinja {

// One token of a template. Text between tags is Data; inside a tag the lexer yields names,
// literals and operators, bracketed by the tag's begin and end tokens.
struct Token {
  enum class Type {
    Data,
    VariableBegin,
    VariableEnd,
    BlockBegin,
    BlockEnd,
    Name,
    String,
    Integer,
    Float,
    Operator,
    End
  };
  Type type = Type::End;
  std::string text;  // Data text, name, decoded string literal, number text or operator
  int line = 1, column = 1;
};

}  // namespace longrl::jinja
