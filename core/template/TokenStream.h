#pragma once
#include <algorithm>
#include <string>
#include <vector>

#include "core/template/Token.h"

namespace longrl::jinja {

// The parser's cursor over the lexer's tokens; errors name the source and the token's place.
class TokenStream {
 public:
  TokenStream(std::vector<Token> tokens, std::string sourceName)
      : tokens_(std::move(tokens)), name_(std::move(sourceName)) {}

  const Token& current() const { return tokens_[pos_]; }
  const Token& peek(size_t ahead = 1) const { return tokens_[std::min(pos_ + ahead, tokens_.size() - 1)]; }
  const Token& next() { return tokens_[pos_ < tokens_.size() - 1 ? pos_++ : pos_]; }
  bool atEnd() const { return current().type == Token::Type::End; }

  bool isOp(const char* op) const { return current().type == Token::Type::Operator && current().text == op; }
  bool isName(const char* name) const { return current().type == Token::Type::Name && current().text == name; }
  bool skipOp(const char* op) {
    if (!isOp(op)) return false;
    next();
    return true;
  }
  bool skipName(const char* name) {
    if (!isName(name)) return false;
    next();
    return true;
  }
  void expectOp(const char* op);
  std::string expectName();
  void expectBlockEnd(const std::string& tag);

  [[noreturn]] void fail(const std::string& message) const;
  [[noreturn]] void failAt(const Token& token, const std::string& message) const;
  const std::string& sourceName() const { return name_; }
  static std::string describe(const Token& token);

 private:
  std::vector<Token> tokens_;
  std::string name_;
  size_t pos_ = 0;
};

}  // namespace longrl::jinja
