#pragma once
#include <string>
#include <vector>

#include "core/template/Token.h"

namespace longrl::jinja {

// Splits a template into tokens as jinja2's lexer does with the options transformers sets
// (trim_blocks, lstrip_blocks, keep_trailing_newline off): "\r\n" and "\r" read as "\n", one
// trailing newline is dropped, `{%-`/`-%}` strip whitespace, `+` keeps it, and comments vanish.
class Lexer {
 public:
  Lexer(const std::string& source, std::string sourceName, bool trimBlocks = true, bool lstripBlocks = true);
  std::vector<Token> tokenize();

 private:
  [[noreturn]] void fail(size_t offset, const std::string& message) const;
  void push(Token::Type type, std::string text, size_t offset);
  std::string leadingData(size_t pos, size_t tagAt, char kind, char sign) const;
  size_t lexComment(size_t tagAt, size_t from);
  bool rawBegins(size_t from, size_t& after) const;
  size_t lexRaw(size_t from);
  size_t lexTag(size_t tagAt, size_t from, char kind);
  bool tagEnds(size_t pos, char kind, size_t& after) const;
  size_t lexString(size_t pos);
  size_t lexNumber(size_t pos);
  size_t lexOperator(size_t pos, std::vector<char>& brackets);

  std::string src_, name_;
  bool trimBlocks_, lstripBlocks_;
  std::vector<size_t> lineStarts_;
  std::vector<Token> tokens_;
  bool lineStarting_ = true;
};

}  // namespace longrl::jinja
