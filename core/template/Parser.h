#pragma once
#include <string>
#include <vector>

#include "core/template/ExpressionParser.h"
#include "core/template/Node.h"
#include "core/template/TokenStream.h"

namespace longrl::jinja {

// Builds the statement tree of a template from the lexer's tokens: text, {{ }} output and the
// tags if/elif/else, for/else, set (plain, namespace attribute, block), macro, filter, with,
// break/continue and transformers' {% generation %}.
class Parser {
 public:
  Parser(std::vector<Token> tokens, std::string sourceName);
  Body parse();

 private:
  // Statements up to a tag named in `endTags` (whose name it consumes and returns in `endedBy`).
  Body parseBody(const std::vector<std::string>& endTags, std::string* endedBy);
  StmtPtr parseStatement();
  StmtPtr stmt(Stmt::Kind kind, const Token& at) const;
  StmtPtr parseIf(const Token& at);
  StmtPtr parseFor(const Token& at);
  StmtPtr parseSet(const Token& at);
  StmtPtr parseMacro(const Token& at);
  StmtPtr parseFilterBlock(const Token& at);
  StmtPtr parseWith(const Token& at);
  StmtPtr parseSimpleBlock(const Token& at, const std::string& endTag);
  ExprPtr parseFilterChain();
  std::vector<std::string> parseTargets();
  Body parseUntil(const std::string& endTag);

  TokenStream in_;
  ExpressionParser expr_;
};

}  // namespace longrl::jinja
