#pragma once
#include "core/template/Node.h"
#include "core/template/TokenStream.h"

namespace longrl::jinja {

// Parses expressions with jinja2's grammar and precedence, loosest first:
//   a if c else b | or | and | not | comparisons, in, not in | + - | ~ | * / // % | ** |
//   unary - + | primary with .attr [index] [a:b:c] (call) | filter | is test
class ExpressionParser {
 public:
  explicit ExpressionParser(TokenStream& stream) : in_(stream) {}

  // `withCondition` off parses without the trailing `if ... else` (for-loop iterables).
  ExprPtr parse(bool withCondition = true);
  // A comma-separated list that becomes a tuple when it has a comma (set/for/with values).
  ExprPtr parseTuple(bool withCondition = true);
  // A filter after `|` applied to `operand` (null for filter blocks).
  ExprPtr parseFilter(ExprPtr operand);
  void parseCallArgs(Expr& call);

 private:
  ExprPtr node(Expr::Kind kind, const Token& at) const;
  ExprPtr parseCondition();
  ExprPtr parseOr();
  ExprPtr parseAnd();
  ExprPtr parseNot();
  ExprPtr parseCompare();
  ExprPtr parseAdditive();
  ExprPtr parseConcat();
  ExprPtr parseMultiplicative();
  ExprPtr parsePower();
  ExprPtr parseUnary(bool withFilter);
  ExprPtr parsePrimary();
  ExprPtr parseParenthesized(const Token& open);
  ExprPtr parseListOrDict(const Token& open);
  ExprPtr parsePostfix(ExprPtr node);
  ExprPtr parseSubscript(ExprPtr object, const Token& open);
  ExprPtr parseFilterAndTests(ExprPtr node);
  ExprPtr parseTest(ExprPtr operand, const Token& isToken);
  ExprPtr binary(Expr::Kind kind, const std::string& op, ExprPtr left, ExprPtr right, const Token& at) const;

  TokenStream& in_;
};

}  // namespace longrl::jinja
