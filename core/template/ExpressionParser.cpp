#include "core/template/ExpressionParser.h"

#include <cstdlib>

namespace longrl::jinja {
namespace {

bool endsTuple(const Token& t) {
  return t.type == Token::Type::BlockEnd || t.type == Token::Type::VariableEnd ||
         (t.type == Token::Type::Operator && (t.text == ")" || t.text == "]")) ||
         (t.type == Token::Type::Name && t.text == "in");
}

}  // namespace

ExprPtr ExpressionParser::node(Expr::Kind kind, const Token& at) const {
  return std::make_unique<Expr>(kind, at.line, at.column);
}

ExprPtr ExpressionParser::binary(Expr::Kind kind, const std::string& op, ExprPtr left, ExprPtr right,
                                 const Token& at) const {
  auto n = node(kind, at);
  n->name = op;
  n->args.push_back(std::move(left));
  n->args.push_back(std::move(right));
  return n;
}

ExprPtr ExpressionParser::parse(bool withCondition) { return withCondition ? parseCondition() : parseOr(); }

ExprPtr ExpressionParser::parseTuple(bool withCondition) {
  const Token start = in_.current();
  ExprPtr first = parse(withCondition);
  if (!in_.isOp(",")) return first;
  auto tuple = node(Expr::Kind::Tuple, start);
  tuple->args.push_back(std::move(first));
  while (in_.skipOp(",") && !endsTuple(in_.current())) tuple->args.push_back(parse(withCondition));
  return tuple;
}

ExprPtr ExpressionParser::parseCondition() {
  ExprPtr expr = parseOr();
  while (in_.isName("if")) {
    const Token at = in_.next();
    auto cond = node(Expr::Kind::Cond, at);
    cond->args.push_back(std::move(expr));
    cond->args.push_back(parseOr());
    cond->args.push_back(in_.skipName("else") ? parseCondition() : nullptr);
    expr = std::move(cond);
  }
  return expr;
}

ExprPtr ExpressionParser::parseOr() {
  ExprPtr left = parseAnd();
  while (in_.isName("or")) {
    const Token at = in_.next();
    left = binary(Expr::Kind::Or, "or", std::move(left), parseAnd(), at);
  }
  return left;
}

ExprPtr ExpressionParser::parseAnd() {
  ExprPtr left = parseNot();
  while (in_.isName("and")) {
    const Token at = in_.next();
    left = binary(Expr::Kind::And, "and", std::move(left), parseNot(), at);
  }
  return left;
}

ExprPtr ExpressionParser::parseNot() {
  if (!in_.isName("not")) return parseCompare();
  const Token at = in_.next();
  auto n = node(Expr::Kind::Unary, at);
  n->name = "not";
  n->args.push_back(parseNot());
  return n;
}

ExprPtr ExpressionParser::parseCompare() {
  const Token start = in_.current();
  ExprPtr first = parseAdditive();
  auto cmp = node(Expr::Kind::Compare, start);
  while (true) {
    const Token& t = in_.current();
    if (t.type == Token::Type::Operator &&
        (t.text == "==" || t.text == "!=" || t.text == "<" || t.text == ">" || t.text == "<=" || t.text == ">=")) {
      cmp->ops.push_back(in_.next().text);
    } else if (in_.skipName("in")) {
      cmp->ops.push_back("in");
    } else if (in_.isName("not") && in_.peek().type == Token::Type::Name && in_.peek().text == "in") {
      in_.next();
      in_.next();
      cmp->ops.push_back("not in");
    } else {
      break;
    }
    cmp->args.push_back(parseAdditive());
  }
  if (cmp->ops.empty()) return first;
  cmp->args.insert(cmp->args.begin(), std::move(first));
  return cmp;
}

ExprPtr ExpressionParser::parseAdditive() {
  ExprPtr left = parseConcat();
  while (in_.isOp("+") || in_.isOp("-")) {
    const Token at = in_.next();
    left = binary(Expr::Kind::Binary, at.text, std::move(left), parseConcat(), at);
  }
  return left;
}

ExprPtr ExpressionParser::parseConcat() {
  ExprPtr left = parseMultiplicative();
  while (in_.isOp("~")) {
    const Token at = in_.next();
    left = binary(Expr::Kind::Binary, "~", std::move(left), parseMultiplicative(), at);
  }
  return left;
}

ExprPtr ExpressionParser::parseMultiplicative() {
  ExprPtr left = parsePower();
  while (in_.isOp("*") || in_.isOp("/") || in_.isOp("//") || in_.isOp("%")) {
    const Token at = in_.next();
    left = binary(Expr::Kind::Binary, at.text, std::move(left), parsePower(), at);
  }
  return left;
}

ExprPtr ExpressionParser::parsePower() {
  ExprPtr left = parseUnary(true);
  while (in_.isOp("**")) {
    const Token at = in_.next();
    left = binary(Expr::Kind::Binary, "**", std::move(left), parseUnary(true), at);
  }
  return left;
}

ExprPtr ExpressionParser::parseUnary(bool withFilter) {
  ExprPtr n;
  if (in_.isOp("-") || in_.isOp("+")) {
    const Token at = in_.next();
    n = node(Expr::Kind::Unary, at);
    n->name = at.text;
    n->args.push_back(parseUnary(false));
  } else {
    n = parsePrimary();
  }
  n = parsePostfix(std::move(n));
  return withFilter ? parseFilterAndTests(std::move(n)) : std::move(n);
}

ExprPtr ExpressionParser::parsePrimary() {
  const Token t = in_.current();
  switch (t.type) {
    case Token::Type::Name: {
      in_.next();
      auto n = node(Expr::Kind::Const, t);
      if (t.text == "true" || t.text == "True" || t.text == "false" || t.text == "False")
        n->value = Value(t.text == "true" || t.text == "True");
      else if (t.text == "none" || t.text == "None") n->value = Value::none();
      else n->kind = Expr::Kind::Name, n->name = t.text;
      return n;
    }
    case Token::Type::String: {
      std::string text;
      while (in_.current().type == Token::Type::String) text += in_.next().text;
      auto n = node(Expr::Kind::Const, t);
      n->value = Value(std::move(text));
      return n;
    }
    case Token::Type::Integer:
    case Token::Type::Float: {
      in_.next();
      auto n = node(Expr::Kind::Const, t);
      if (t.type == Token::Type::Integer)
        n->value = Value(static_cast<int64_t>(std::strtoll(t.text.c_str(), nullptr, 10)));
      else n->value = Value(std::strtod(t.text.c_str(), nullptr));
      return n;
    }
    case Token::Type::Operator:
      if (t.text == "(") return parseParenthesized(in_.next());
      if (t.text == "[" || t.text == "{") return parseListOrDict(in_.next());
      [[fallthrough]];
    default:
      in_.fail("unexpected " + TokenStream::describe(t));
  }
}

ExprPtr ExpressionParser::parseParenthesized(const Token& open) {
  if (in_.skipOp(")")) return node(Expr::Kind::Tuple, open);
  ExprPtr inner = parseTuple();
  in_.expectOp(")");
  return inner;
}

ExprPtr ExpressionParser::parseListOrDict(const Token& open) {
  const bool isDict = open.text == "{";
  auto n = node(isDict ? Expr::Kind::Dict : Expr::Kind::List, open);
  const char* close = isDict ? "}" : "]";
  while (!in_.isOp(close)) {
    if (!n->args.empty()) in_.expectOp(",");
    if (in_.isOp(close)) break;
    n->args.push_back(parse());
    if (isDict) {
      in_.expectOp(":");
      n->args.push_back(parse());
    }
  }
  in_.expectOp(close);
  return n;
}

ExprPtr ExpressionParser::parsePostfix(ExprPtr n) {
  while (true) {
    if (in_.isOp(".")) {
      const Token dot = in_.next();
      const Token name = in_.next();
      if (name.type == Token::Type::Integer) {
        auto item = node(Expr::Kind::GetItem, dot);
        item->args.push_back(std::move(n));
        auto index = node(Expr::Kind::Const, name);
        index->value = Value(static_cast<int64_t>(std::strtoll(name.text.c_str(), nullptr, 10)));
        item->args.push_back(std::move(index));
        n = std::move(item);
        continue;
      }
      if (name.type != Token::Type::Name) in_.failAt(name, "expected an attribute name after '.'");
      auto attr = node(Expr::Kind::GetAttr, dot);
      attr->name = name.text;
      attr->args.push_back(std::move(n));
      n = std::move(attr);
    } else if (in_.isOp("[")) {
      n = parseSubscript(std::move(n), in_.next());
    } else if (in_.isOp("(")) {
      auto call = node(Expr::Kind::Call, in_.current());
      call->args.push_back(std::move(n));
      parseCallArgs(*call);
      n = std::move(call);
    } else {
      return n;
    }
  }
}

ExprPtr ExpressionParser::parseSubscript(ExprPtr object, const Token& open) {
  ExprPtr start;
  if (!in_.isOp(":")) {
    start = parseTuple();
    if (!in_.isOp(":")) {
      in_.expectOp("]");
      auto item = node(Expr::Kind::GetItem, open);
      item->args.push_back(std::move(object));
      item->args.push_back(std::move(start));
      return item;
    }
  }
  auto slice = node(Expr::Kind::Slice, open);
  slice->args.push_back(std::move(object));
  slice->args.push_back(std::move(start));
  in_.expectOp(":");
  slice->args.push_back(in_.isOp("]") || in_.isOp(":") ? nullptr : parse());
  slice->args.push_back(in_.skipOp(":") && !in_.isOp("]") ? parse() : nullptr);
  in_.expectOp("]");
  return slice;
}

void ExpressionParser::parseCallArgs(Expr& call) {
  in_.expectOp("(");
  bool first = true;
  while (!in_.isOp(")")) {
    if (!first) in_.expectOp(",");
    first = false;
    if (in_.isOp(")")) break;
    if (in_.current().type == Token::Type::Name && in_.peek().type == Token::Type::Operator && in_.peek().text == "=") {
      std::string key = in_.next().text;
      in_.next();
      call.kwargs.emplace_back(std::move(key), parse());
    } else {
      if (!call.kwargs.empty()) in_.fail("positional argument after a keyword argument");
      call.args.push_back(parse());
    }
  }
  in_.expectOp(")");
}

ExprPtr ExpressionParser::parseFilterAndTests(ExprPtr n) {
  while (true) {
    if (in_.skipOp("|")) {
      n = parseFilter(std::move(n));
    } else if (in_.isName("is")) {
      n = parseTest(std::move(n), in_.next());
    } else if (in_.isOp("(")) {
      auto call = node(Expr::Kind::Call, in_.current());
      call->args.push_back(std::move(n));
      parseCallArgs(*call);
      n = std::move(call);
    } else {
      return n;
    }
  }
}

ExprPtr ExpressionParser::parseFilter(ExprPtr operand) {
  const Token at = in_.current();
  auto f = node(Expr::Kind::Filter, at);
  f->name = in_.expectName();
  while (in_.skipOp(".")) f->name += "." + in_.expectName();
  f->args.push_back(std::move(operand));
  if (in_.isOp("(")) parseCallArgs(*f);
  return f;
}

ExprPtr ExpressionParser::parseTest(ExprPtr operand, const Token& isToken) {
  const bool negated = in_.skipName("not");
  auto test = node(Expr::Kind::Test, isToken);
  test->name = in_.expectName();
  while (in_.skipOp(".")) test->name += "." + in_.expectName();
  test->args.push_back(std::move(operand));
  const Token& t = in_.current();
  const bool argStarts = t.type == Token::Type::Name || t.type == Token::Type::String ||
                         t.type == Token::Type::Integer || t.type == Token::Type::Float ||
                         (t.type == Token::Type::Operator && (t.text == "(" || t.text == "[" || t.text == "{"));
  if (in_.isOp("(")) {
    parseCallArgs(*test);
  } else if (argStarts && !in_.isName("else") && !in_.isName("or") && !in_.isName("and")) {
    if (in_.isName("is")) in_.fail("you cannot chain multiple tests with is");
    test->args.push_back(parsePostfix(parsePrimary()));
  }
  if (!negated) return test;
  auto n = node(Expr::Kind::Unary, isToken);
  n->name = "not";
  n->args.push_back(std::move(test));
  return n;
}

}  // namespace longrl::jinja
