#include "core/template/TokenStream.h"

#include "core/template/TemplateError.h"

namespace longrl::jinja {

void TokenStream::expectOp(const char* op) {
  if (!skipOp(op)) fail(std::string("expected '") + op + "', got " + describe(current()));
}

std::string TokenStream::expectName() {
  if (current().type != Token::Type::Name) fail("expected a name, got " + describe(current()));
  return next().text;
}

void TokenStream::expectBlockEnd(const std::string& tag) {
  if (current().type != Token::Type::BlockEnd)
    fail("expected end of '" + tag + "' tag ('%}'), got " + describe(current()));
  next();
}

void TokenStream::fail(const std::string& message) const { failAt(current(), message); }

void TokenStream::failAt(const Token& token, const std::string& message) const {
  throw TemplateError(name_, token.line, token.column, message);
}

std::string TokenStream::describe(const Token& token) {
  switch (token.type) {
    case Token::Type::Data:
      return "text";
    case Token::Type::VariableBegin:
      return "'{{'";
    case Token::Type::VariableEnd:
      return "end of print statement '}}'";
    case Token::Type::BlockBegin:
      return "'{%'";
    case Token::Type::BlockEnd:
      return "end of statement block '%}'";
    case Token::Type::Name:
      return "name '" + token.text + "'";
    case Token::Type::String:
      return "string";
    case Token::Type::Integer:
    case Token::Type::Float:
      return "number " + token.text;
    case Token::Type::Operator:
      return "'" + token.text + "'";
    case Token::Type::End:
      return "end of template";
  }
  return "token";
}

}  // namespace longrl::jinja
