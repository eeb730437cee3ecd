#pragma once
#include <string>

#include "core/template/Node.h"
#include "core/template/Scope.h"

namespace longrl::jinja {

// Renders a parsed template. Errors become TemplateErrors naming the source and the line and
// column of the expression or statement that failed.
class Evaluator {
 public:
  Evaluator(const std::string& sourceName, Scope scope) : source_(sourceName), scope_(std::move(scope)) {}
  std::string render(const Body& body);

 private:
  enum class Flow { Normal, Break, Continue };

  Flow execBody(const Body& body, std::string& out);
  Flow exec(const Stmt& s, std::string& out);
  Flow execInner(const Stmt& s, std::string& out);
  Flow execIf(const Stmt& s, std::string& out);
  Flow execFor(const Stmt& s, std::string& out);
  void runIteration(const Stmt& s, const ValueList& items, size_t i, Flow& flow, std::string& out);
  void assign(const std::vector<std::string>& names, const Value& value);
  void defineMacro(const Stmt& s);
  Value callMacro(const Stmt& s, const CallArgs& args);
  std::string capture(const Body& body);

  Value eval(const Expr& e);
  Value evalInner(const Expr& e);
  Value evalCall(const Expr& e);
  Value evalFilter(const Expr& e, const Value* piped);
  Value evalSlice(const Expr& e);
  Value evalCompare(const Expr& e);
  Value evalLiteral(const Expr& e);
  CallArgs evalArgs(const Expr& e, size_t firstArg);

  const std::string& source_;
  Scope scope_;
};

}  // namespace longrl::jinja
