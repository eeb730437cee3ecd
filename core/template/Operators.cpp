#include "core/template/Operators.h"

#include <cmath>

#include "core/template/TemplateError.h"

namespace longrl::jinja {
namespace {

bool bothInts(const Value& a, const Value& b) {
  return a.kind() != Value::Kind::Float && b.kind() != Value::Kind::Float;
}

[[noreturn]] void unsupported(const std::string& op, const Value& a, const Value& b) {
  throw EvalError("unsupported operand type(s) for " + op + ": '" + a.typeName() + "' and '" + b.typeName() + "'");
}

Value repeat(const Value& seq, int64_t times) {
  if (seq.isString()) {
    std::string out;
    for (int64_t i = 0; i < times; ++i) out += seq.asString();
    return Value(out);
  }
  ValueList out;
  for (int64_t i = 0; i < times; ++i) out.insert(out.end(), seq.asList().begin(), seq.asList().end());
  return Value::list(out, seq.isTuple());
}

Value add(const Value& a, const Value& b) {
  if (a.isNumber() && b.isNumber())
    return bothInts(a, b) ? Value(a.asInt() + b.asInt()) : Value(a.asFloat() + b.asFloat());
  if (a.isString() && b.isString()) return Value(a.asString() + b.asString());
  if (a.isList() && b.isList()) {
    ValueList out = a.asList();
    out.insert(out.end(), b.asList().begin(), b.asList().end());
    return Value::list(out, a.isTuple());
  }
  if (a.isString() || b.isString())
    throw EvalError("can only concatenate str (not \"" + (a.isString() ? b : a).typeName() + "\") to str");
  unsupported("+", a, b);
}

Value divide(const std::string& op, const Value& a, const Value& b) {
  if (!a.isNumber() || !b.isNumber()) unsupported(op, a, b);
  if (b.asFloat() == 0) throw EvalError(op == "/" ? "division by zero" : "integer division or modulo by zero");
  if (op == "/") return Value(a.asFloat() / b.asFloat());
  if (bothInts(a, b)) {
    const int64_t x = a.asInt(), y = b.asInt();
    int64_t q = x / y, r = x % y;
    if (r != 0 && ((r < 0) != (y < 0))) --q, r += y;
    return op == "//" ? Value(q) : Value(r);
  }
  const double x = a.asFloat(), y = b.asFloat();
  if (op == "//") return Value(std::floor(x / y));
  double r = std::fmod(x, y);
  if (r != 0 && ((r < 0) != (y < 0))) r += y;
  return Value(r);
}

Value power(const Value& a, const Value& b) {
  if (!a.isNumber() || !b.isNumber()) unsupported("** or pow()", a, b);
  if (bothInts(a, b) && b.asInt() >= 0) {
    int64_t r = 1;
    for (int64_t i = 0; i < b.asInt(); ++i) r *= a.asInt();
    return Value(r);
  }
  return Value(std::pow(a.asFloat(), b.asFloat()));
}

int order(const Value& a, const Value& b, const std::string& op) {
  if (a.isNumber() && b.isNumber()) return a.asFloat() < b.asFloat() ? -1 : a.asFloat() > b.asFloat() ? 1 : 0;
  if (a.isString() && b.isString()) return a.asString().compare(b.asString());
  if (a.isList() && b.isList()) {
    const auto &x = a.asList(), &y = b.asList();
    for (size_t i = 0; i < x.size() && i < y.size(); ++i)
      if (x[i] != y[i]) return order(x[i], y[i], op);
    return x.size() < y.size() ? -1 : x.size() > y.size() ? 1 : 0;
  }
  if (a.isUndefined()) Operators::undefinedError(a);
  if (b.isUndefined()) Operators::undefinedError(b);
  throw EvalError("'" + op + "' not supported between instances of '" + a.typeName() + "' and '" + b.typeName() + "'");
}

}  // namespace

void Operators::undefinedError(const Value& v) {
  throw EvalError(v.undefinedHint().empty() ? "undefined value" : v.undefinedHint());
}

Value Operators::binary(const std::string& op, const Value& a, const Value& b) {
  if (op == "~") return Value(a.str() + b.str());
  if (a.isUndefined()) undefinedError(a);
  if (b.isUndefined()) undefinedError(b);
  if (op == "+") return add(a, b);
  if (op == "-") {
    if (!a.isNumber() || !b.isNumber()) unsupported(op, a, b);
    return bothInts(a, b) ? Value(a.asInt() - b.asInt()) : Value(a.asFloat() - b.asFloat());
  }
  if (op == "*") {
    if (a.isNumber() && b.isNumber())
      return bothInts(a, b) ? Value(a.asInt() * b.asInt()) : Value(a.asFloat() * b.asFloat());
    if ((a.isString() || a.isList()) && b.isNumber() && b.kind() != Value::Kind::Float) return repeat(a, b.asInt());
    if ((b.isString() || b.isList()) && a.isNumber() && a.kind() != Value::Kind::Float) return repeat(b, a.asInt());
    unsupported(op, a, b);
  }
  if (op == "/" || op == "//" || op == "%") {
    if (op == "%" && a.isString()) throw EvalError("string formatting with % is not supported");
    return divide(op, a, b);
  }
  if (op == "**") return power(a, b);
  throw EvalError("unknown operator " + op);
}

bool Operators::contains(const Value& container, const Value& item) {
  switch (container.kind()) {
    case Value::Kind::Undefined:
      return false;
    case Value::Kind::String:
      if (!item.isString()) throw EvalError("'in <string>' requires string as left operand, not " + item.typeName());
      return container.asString().find(item.asString()) != std::string::npos;
    case Value::Kind::List:
      for (const auto& v : container.asList())
        if (v == item) return true;
      return false;
    case Value::Kind::Dict:
    case Value::Kind::Namespace:
      return item.isString() && container.asDict().find(item.asString()) != nullptr;
    default:
      throw EvalError("argument of type '" + container.typeName() + "' is not iterable");
  }
}

bool Operators::compare(const std::string& op, const Value& a, const Value& b) {
  if (op == "==") return a == b;
  if (op == "!=") return a != b;
  if (op == "in") return contains(b, a);
  if (op == "not in") return !contains(b, a);
  const int c = order(a, b, op);
  if (op == "<") return c < 0;
  if (op == ">") return c > 0;
  if (op == "<=") return c <= 0;
  return c >= 0;
}

Value Operators::negate(const Value& v) {
  if (v.isUndefined()) undefinedError(v);
  if (!v.isNumber()) throw EvalError("bad operand type for unary -: '" + v.typeName() + "'");
  return v.kind() == Value::Kind::Float ? Value(-v.asFloat()) : Value(-v.asInt());
}

}  // namespace longrl::jinja
