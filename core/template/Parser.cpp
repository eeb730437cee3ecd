#include "core/template/Parser.h"

#include <algorithm>

namespace longrl::jinja {

Parser::Parser(std::vector<Token> tokens, std::string sourceName)
    : in_(std::move(tokens), std::move(sourceName)), expr_(in_) {}

Body Parser::parse() { return parseBody({}, nullptr); }

StmtPtr Parser::stmt(Stmt::Kind kind, const Token& at) const {
  return std::make_unique<Stmt>(kind, at.line, at.column);
}

Body Parser::parseBody(const std::vector<std::string>& endTags, std::string* endedBy) {
  Body body;
  while (true) {
    const Token t = in_.current();
    if (t.type == Token::Type::Data) {
      auto s = stmt(Stmt::Kind::Data, t);
      s->text = in_.next().text;
      body.push_back(std::move(s));
    } else if (t.type == Token::Type::VariableBegin) {
      in_.next();
      auto s = stmt(Stmt::Kind::Output, t);
      s->exprs.push_back(expr_.parseTuple());
      if (in_.current().type != Token::Type::VariableEnd)
        in_.fail("expected end of print statement '}}', got " + TokenStream::describe(in_.current()));
      in_.next();
      body.push_back(std::move(s));
    } else if (t.type == Token::Type::BlockBegin) {
      const Token& name = in_.peek();
      if (name.type == Token::Type::Name && std::find(endTags.begin(), endTags.end(), name.text) != endTags.end()) {
        in_.next();
        *endedBy = in_.next().text;
        return body;
      }
      in_.next();
      body.push_back(parseStatement());
    } else if (t.type == Token::Type::End) {
      if (!endTags.empty()) in_.fail("unexpected end of template; expected '" + endTags.back() + "'");
      return body;
    } else {
      in_.fail("unexpected " + TokenStream::describe(t));
    }
  }
}

Body Parser::parseUntil(const std::string& endTag) {
  std::string ended;
  Body body = parseBody({endTag}, &ended);
  in_.expectBlockEnd(endTag);
  return body;
}

StmtPtr Parser::parseStatement() {
  const Token at = in_.current();
  if (at.type != Token::Type::Name) in_.fail("expected a tag name, got " + TokenStream::describe(at));
  const std::string tag = in_.next().text;
  if (tag == "if") return parseIf(at);
  if (tag == "for") return parseFor(at);
  if (tag == "set") return parseSet(at);
  if (tag == "macro") return parseMacro(at);
  if (tag == "filter") return parseFilterBlock(at);
  if (tag == "with") return parseWith(at);
  if (tag == "generation") return parseSimpleBlock(at, "endgeneration");
  if (tag == "break" || tag == "continue") {
    in_.expectBlockEnd(tag);
    return stmt(tag == "break" ? Stmt::Kind::Break : Stmt::Kind::Continue, at);
  }
  in_.failAt(at, "unknown or unsupported tag '" + tag + "'");
}

StmtPtr Parser::parseIf(const Token& at) {
  auto s = stmt(Stmt::Kind::If, at);
  s->exprs.push_back(expr_.parseTuple());
  in_.expectBlockEnd("if");
  while (true) {
    std::string ended;
    s->bodies.push_back(parseBody({"elif", "else", "endif"}, &ended));
    if (ended == "elif") {
      s->exprs.push_back(expr_.parseTuple());
      in_.expectBlockEnd("elif");
    } else if (ended == "else") {
      in_.expectBlockEnd("else");
      s->bodies.push_back(parseUntil("endif"));
      return s;
    } else {
      in_.expectBlockEnd("endif");
      return s;
    }
  }
}

std::vector<std::string> Parser::parseTargets() {
  std::vector<std::string> names;
  const bool parenthesized = in_.skipOp("(");
  do {
    if (in_.isOp(")") || in_.isName("in") || in_.isOp("=")) break;
    names.push_back(in_.expectName());
  } while (in_.skipOp(","));
  if (parenthesized) in_.expectOp(")");
  return names;
}

StmtPtr Parser::parseFor(const Token& at) {
  auto s = stmt(Stmt::Kind::For, at);
  s->names = parseTargets();
  if (!in_.skipName("in")) in_.fail("expected 'in' in for loop, got " + TokenStream::describe(in_.current()));
  s->exprs.push_back(expr_.parseTuple(false));
  s->exprs.push_back(in_.skipName("if") ? expr_.parse() : nullptr);
  if (in_.isName("recursive")) in_.fail("recursive for loops are not supported");
  in_.expectBlockEnd("for");
  std::string ended;
  s->bodies.push_back(parseBody({"endfor", "else"}, &ended));
  if (ended == "else") {
    in_.expectBlockEnd("else");
    s->bodies.push_back(parseUntil("endfor"));
  } else {
    in_.expectBlockEnd("endfor");
    s->bodies.emplace_back();
  }
  return s;
}

StmtPtr Parser::parseSet(const Token& at) {
  if (in_.current().type == Token::Type::Name && in_.peek().type == Token::Type::Operator && in_.peek().text == ".") {
    auto s = stmt(Stmt::Kind::SetAttr, at);
    s->names.push_back(in_.next().text);
    in_.next();
    s->names.push_back(in_.expectName());
    in_.expectOp("=");
    s->exprs.push_back(expr_.parseTuple());
    in_.expectBlockEnd("set");
    return s;
  }
  std::vector<std::string> targets = parseTargets();
  if (targets.empty()) in_.fail("expected a name to set, got " + TokenStream::describe(in_.current()));
  if (in_.skipOp("=")) {
    auto s = stmt(Stmt::Kind::Set, at);
    s->names = std::move(targets);
    s->exprs.push_back(expr_.parseTuple());
    in_.expectBlockEnd("set");
    return s;
  }
  auto s = stmt(Stmt::Kind::SetBlock, at);
  if (targets.size() != 1) in_.fail("a block set assigns one name");
  s->names = std::move(targets);
  s->exprs.push_back(in_.skipOp("|") ? parseFilterChain() : nullptr);
  in_.expectBlockEnd("set");
  s->bodies.push_back(parseUntil("endset"));
  return s;
}

ExprPtr Parser::parseFilterChain() {
  ExprPtr f = expr_.parseFilter(nullptr);
  while (in_.skipOp("|")) f = expr_.parseFilter(std::move(f));
  return f;
}

StmtPtr Parser::parseMacro(const Token& at) {
  auto s = stmt(Stmt::Kind::Macro, at);
  s->text = in_.expectName();
  in_.expectOp("(");
  while (!in_.isOp(")")) {
    if (!s->names.empty()) in_.expectOp(",");
    if (in_.isOp(")")) break;
    s->names.push_back(in_.expectName());
    s->exprs.push_back(in_.skipOp("=") ? expr_.parse() : nullptr);
  }
  in_.expectOp(")");
  in_.expectBlockEnd("macro");
  s->bodies.push_back(parseUntil("endmacro"));
  return s;
}

StmtPtr Parser::parseFilterBlock(const Token& at) {
  auto s = stmt(Stmt::Kind::FilterBlock, at);
  s->exprs.push_back(parseFilterChain());
  in_.expectBlockEnd("filter");
  s->bodies.push_back(parseUntil("endfilter"));
  return s;
}

StmtPtr Parser::parseWith(const Token& at) {
  auto s = stmt(Stmt::Kind::With, at);
  while (in_.current().type != Token::Type::BlockEnd) {
    if (!s->names.empty()) in_.expectOp(",");
    s->names.push_back(in_.expectName());
    in_.expectOp("=");
    s->exprs.push_back(expr_.parse());
  }
  in_.expectBlockEnd("with");
  s->bodies.push_back(parseUntil("endwith"));
  return s;
}

StmtPtr Parser::parseSimpleBlock(const Token& at, const std::string& endTag) {
  auto s = stmt(Stmt::Kind::Block, at);
  in_.expectBlockEnd(at.text);
  s->bodies.push_back(parseUntil(endTag));
  return s;
}

}  // namespace longrl::jinja
