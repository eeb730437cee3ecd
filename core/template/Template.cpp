#include "core/template/Template.h"

#include "core/template/Builtins.h"
#include "core/template/Evaluator.h"
#include "core/template/Lexer.h"
#include "core/template/Parser.h"

namespace longrl::jinja {

Template::Template(const std::string& text, std::string sourceName) : source_(std::move(sourceName)) {
  body_ = Parser(Lexer(text, source_).tokenize(), source_).parse();
}

std::string Template::render(const ValueDict& variables) const {
  Scope scope(Builtins::globals());
  for (const auto& [k, v] : variables.items) scope.set(k, v);
  return Evaluator(source_, std::move(scope)).render(body_);
}

}  // namespace longrl::jinja
