#include "core/template/Evaluator.h"

#include "core/template/Access.h"
#include "core/template/Filters.h"
#include "core/template/Operators.h"
#include "core/template/TemplateError.h"
#include "core/template/Tests.h"

namespace longrl::jinja {
namespace {

// The `loop` variable of iteration `i` over `items`.
Value loopObject(const ValueList& items, size_t i) {
  const auto n = static_cast<int64_t>(items.size()), k = static_cast<int64_t>(i);
  ValueDict d;
  d.items = {{"index", Value(k + 1)},
             {"index0", Value(k)},
             {"revindex", Value(n - k)},
             {"revindex0", Value(n - k - 1)},
             {"first", Value(k == 0)},
             {"last", Value(k == n - 1)},
             {"length", Value(n)},
             {"depth", Value(1)},
             {"depth0", Value(0)},
             {"previtem", k > 0 ? items[i - 1] : Value::undefined("there is no previous item")},
             {"nextitem", k + 1 < n ? items[i + 1] : Value::undefined("there is no next item")}};
  d.items.emplace_back("cycle", Value::function(
                                    [k](const CallArgs& a) {
                                      if (a.positional.empty()) throw EvalError("no items for cycling given");
                                      return a.positional[k % a.positional.size()];
                                    },
                                    "cycle"));
  return Value::dict(std::move(d));
}

std::optional<int64_t> sliceBound(const Value& v) {
  if (v.isNone() || v.isUndefined()) return std::nullopt;
  if (!v.isNumber() || v.kind() == Value::Kind::Float) throw EvalError("slice indices must be integers or None");
  return v.asInt();
}

}  // namespace

std::string Evaluator::render(const Body& body) {
  std::string out;
  execBody(body, out);
  return out;
}

Evaluator::Flow Evaluator::execBody(const Body& body, std::string& out) {
  for (const auto& s : body) {
    const Flow f = exec(*s, out);
    if (f != Flow::Normal) return f;
  }
  return Flow::Normal;
}

Evaluator::Flow Evaluator::exec(const Stmt& s, std::string& out) {
  try {
    return execInner(s, out);
  } catch (const EvalError& e) {
    throw TemplateError(source_, s.line, s.column, e.what());
  }
}

Evaluator::Flow Evaluator::execInner(const Stmt& s, std::string& out) {
  switch (s.kind) {
    case Stmt::Kind::Data:
      out += s.text;
      return Flow::Normal;
    case Stmt::Kind::Output:
      out += eval(*s.exprs[0]).str();
      return Flow::Normal;
    case Stmt::Kind::If:
      return execIf(s, out);
    case Stmt::Kind::For:
      return execFor(s, out);
    case Stmt::Kind::Set:
      assign(s.names, eval(*s.exprs[0]));
      return Flow::Normal;
    case Stmt::Kind::SetAttr: {
      const Value ns = scope_.lookup(s.names[0]);
      if (ns.kind() != Value::Kind::Namespace)
        throw EvalError("cannot assign attribute on non-namespace object '" + s.names[0] + "'");
      ns.namespaceDict().set(s.names[1], eval(*s.exprs[0]));
      return Flow::Normal;
    }
    case Stmt::Kind::SetBlock: {
      const Value text(capture(s.bodies[0]));
      scope_.set(s.names[0], s.exprs[0] ? evalFilter(*s.exprs[0], &text) : text);
      return Flow::Normal;
    }
    case Stmt::Kind::Macro:
      defineMacro(s);
      return Flow::Normal;
    case Stmt::Kind::FilterBlock: {
      const Value text(capture(s.bodies[0]));
      out += evalFilter(*s.exprs[0], &text).str();
      return Flow::Normal;
    }
    case Stmt::Kind::With: {
      ValueList values;
      for (const auto& e : s.exprs) values.push_back(eval(*e));
      scope_.push();
      for (size_t i = 0; i < values.size(); ++i) scope_.set(s.names[i], values[i]);
      const Flow f = execBody(s.bodies[0], out);
      scope_.pop();
      return f;
    }
    case Stmt::Kind::Block:
      return execBody(s.bodies[0], out);
    case Stmt::Kind::Break:
      return Flow::Break;
    case Stmt::Kind::Continue:
      return Flow::Continue;
  }
  return Flow::Normal;
}

Evaluator::Flow Evaluator::execIf(const Stmt& s, std::string& out) {
  for (size_t i = 0; i < s.exprs.size(); ++i)
    if (eval(*s.exprs[i]).truthy()) return execBody(s.bodies[i], out);
  if (s.bodies.size() > s.exprs.size()) return execBody(s.bodies.back(), out);
  return Flow::Normal;
}

Evaluator::Flow Evaluator::execFor(const Stmt& s, std::string& out) {
  const Value iterable = eval(*s.exprs[0]);
  if (!iterable.isUndefined() && !iterable.isList() && !iterable.isDict() && !iterable.isString())
    throw EvalError("'" + iterable.typeName() + "' object is not iterable");
  ValueList items = iterable.iterate();
  if (s.exprs[1]) {
    ValueList kept;
    for (const auto& item : items) {
      scope_.push();
      assign(s.names, item);
      const bool keep = eval(*s.exprs[1]).truthy();
      scope_.pop();
      if (keep) kept.push_back(item);
    }
    items = std::move(kept);
  }
  if (items.empty()) {
    scope_.push();
    execBody(s.bodies[1], out);
    scope_.pop();
    return Flow::Normal;
  }
  for (size_t i = 0; i < items.size(); ++i) {
    Flow flow = Flow::Normal;
    runIteration(s, items, i, flow, out);
    if (flow == Flow::Break) break;
  }
  return Flow::Normal;
}

void Evaluator::runIteration(const Stmt& s, const ValueList& items, size_t i, Flow& flow, std::string& out) {
  scope_.push();
  try {
    assign(s.names, items[i]);
    scope_.set("loop", loopObject(items, i));
    flow = execBody(s.bodies[0], out);
  } catch (...) {
    scope_.pop();
    throw;
  }
  scope_.pop();
}

void Evaluator::assign(const std::vector<std::string>& names, const Value& value) {
  if (names.size() == 1) {
    scope_.set(names[0], value);
    return;
  }
  if (!value.isList() && !value.isString() && !value.isDict())
    throw EvalError("cannot unpack non-iterable " + value.typeName() + " object");
  const ValueList parts = value.iterate();
  if (parts.size() != names.size())
    throw EvalError(parts.size() < names.size()
                        ? "not enough values to unpack (expected " + std::to_string(names.size()) + ", got " +
                              std::to_string(parts.size()) + ")"
                        : "too many values to unpack (expected " + std::to_string(names.size()) + ")");
  for (size_t i = 0; i < names.size(); ++i) scope_.set(names[i], parts[i]);
}

std::string Evaluator::capture(const Body& body) {
  std::string text;
  execBody(body, text);
  return text;
}

void Evaluator::defineMacro(const Stmt& s) {
  const Stmt* macro = &s;
  scope_.set(s.text, Value::function([this, macro](const CallArgs& args) { return callMacro(*macro, args); }, s.text));
}

Value Evaluator::callMacro(const Stmt& s, const CallArgs& args) {
  if (args.positional.size() > s.names.size())
    throw EvalError("macro '" + s.text + "' takes not more than " + std::to_string(s.names.size()) + " argument(s)");
  Scope caller = scope_.macroScope();
  std::swap(scope_, caller);
  try {
    for (size_t i = 0; i < s.names.size(); ++i) {
      const Value* given = args.arg(i, s.names[i]);
      scope_.set(s.names[i], given        ? *given
                             : s.exprs[i] ? eval(*s.exprs[i])
                                          : Value::undefined("parameter '" + s.names[i] + "' was not provided"));
    }
    for (const auto& [k, v] : args.named) {
      bool known = false;
      for (const auto& n : s.names) known = known || n == k;
      if (!known) throw EvalError("macro '" + s.text + "' takes no keyword argument '" + k + "'");
    }
    std::string text = capture(s.bodies[0]);
    std::swap(scope_, caller);
    return Value(std::move(text));
  } catch (...) {
    std::swap(scope_, caller);
    throw;
  }
}

Value Evaluator::eval(const Expr& e) {
  try {
    return evalInner(e);
  } catch (const EvalError& err) {
    throw TemplateError(source_, e.line, e.column, err.what());
  }
}

Value Evaluator::evalInner(const Expr& e) {
  switch (e.kind) {
    case Expr::Kind::Const:
      return e.value;
    case Expr::Kind::Name:
      return scope_.lookup(e.name);
    case Expr::Kind::GetAttr:
      return Access::getAttr(eval(*e.args[0]), e.name);
    case Expr::Kind::GetItem: {
      const Value object = eval(*e.args[0]);
      return Access::getItem(object, eval(*e.args[1]));
    }
    case Expr::Kind::Slice:
      return evalSlice(e);
    case Expr::Kind::Call:
      return evalCall(e);
    case Expr::Kind::Filter:
      return evalFilter(e, nullptr);
    case Expr::Kind::Test: {
      const Value subject = eval(*e.args[0]);
      if (!Tests::has(e.name)) throw EvalError("no test named '" + e.name + "'");
      return Value(Tests::apply(e.name, subject, evalArgs(e, 1)));
    }
    case Expr::Kind::Unary: {
      const Value v = eval(*e.args[0]);
      if (e.name == "not") return Value(!v.truthy());
      if (e.name == "-") return Operators::negate(v);
      if (!v.isNumber()) throw EvalError("bad operand type for unary +: '" + v.typeName() + "'");
      return v;
    }
    case Expr::Kind::Binary: {
      const Value left = eval(*e.args[0]);
      return Operators::binary(e.name, left, eval(*e.args[1]));
    }
    case Expr::Kind::And: {
      Value left = eval(*e.args[0]);
      return left.truthy() ? eval(*e.args[1]) : left;
    }
    case Expr::Kind::Or: {
      Value left = eval(*e.args[0]);
      return left.truthy() ? left : eval(*e.args[1]);
    }
    case Expr::Kind::Compare:
      return evalCompare(e);
    case Expr::Kind::Cond:
      if (eval(*e.args[1]).truthy()) return eval(*e.args[0]);
      return e.args[2] ? eval(*e.args[2]) : Value::undefined("the condition was false and there is no else");
    default:
      return evalLiteral(e);
  }
}

Value Evaluator::evalLiteral(const Expr& e) {
  if (e.kind == Expr::Kind::Dict) {
    ValueDict d;
    for (size_t i = 0; i + 1 < e.args.size(); i += 2) {
      const Value key = eval(*e.args[i]);
      if (!key.isString()) throw EvalError("dict keys must be strings, got " + key.typeName());
      d.set(key.asString(), eval(*e.args[i + 1]));
    }
    return Value::dict(std::move(d));
  }
  ValueList items;
  for (const auto& a : e.args) items.push_back(eval(*a));
  return Value::list(std::move(items), e.kind == Expr::Kind::Tuple);
}

CallArgs Evaluator::evalArgs(const Expr& e, size_t firstArg) {
  CallArgs args;
  for (size_t i = firstArg; i < e.args.size(); ++i) args.positional.push_back(eval(*e.args[i]));
  for (const auto& [k, v] : e.kwargs) args.named.emplace_back(k, eval(*v));
  return args;
}

Value Evaluator::evalCall(const Expr& e) {
  const Value callee = eval(*e.args[0]);
  if (callee.isUndefined()) Operators::undefinedError(callee);
  if (callee.kind() != Value::Kind::Function) throw EvalError("'" + callee.typeName() + "' object is not callable");
  return callee.asFunction()(evalArgs(e, 1));
}

// A filter, or a chain of them, applied to its operand or (for filter blocks) to `piped`.
Value Evaluator::evalFilter(const Expr& e, const Value* piped) {
  Value operand;
  if (!e.args[0]) operand = piped ? *piped : Value();
  else if (e.args[0]->kind == Expr::Kind::Filter && piped) operand = evalFilter(*e.args[0], piped);
  else operand = eval(*e.args[0]);
  if (!Filters::has(e.name)) throw EvalError("no filter named '" + e.name + "'");
  try {
    return Filters::apply(e.name, operand, evalArgs(e, 1));
  } catch (const EvalError& err) {
    throw TemplateError(source_, e.line, e.column, err.what());
  }
}

Value Evaluator::evalSlice(const Expr& e) {
  const Value object = eval(*e.args[0]);
  std::optional<int64_t> bounds[3];
  for (int i = 0; i < 3; ++i)
    if (e.args[i + 1]) bounds[i] = sliceBound(eval(*e.args[i + 1]));
  return Access::slice(object, bounds[0], bounds[1], bounds[2]);
}

Value Evaluator::evalCompare(const Expr& e) {
  Value left = eval(*e.args[0]);
  for (size_t i = 0; i < e.ops.size(); ++i) {
    Value right = eval(*e.args[i + 1]);
    if (!Operators::compare(e.ops[i], left, right)) return Value(false);
    left = std::move(right);
  }
  return Value(true);
}

}  // namespace longrl::jinja
