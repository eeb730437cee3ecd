#pragma once
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "core/template/Value.h"

namespace longrl::jinja {

struct Expr;
struct Stmt;
using ExprPtr = std::unique_ptr<Expr>;
using StmtPtr = std::unique_ptr<Stmt>;
using Body = std::vector<StmtPtr>;

// An expression node. `args` holds the operands in an order fixed per kind:
//   Const: -             Name: -                 GetAttr: [object] (attribute in `name`)
//   GetItem: [object, index]                     Slice: [object, start?, stop?, step?]
//   Call: [callee, positional...]                Filter/Test: [operand, positional...]
//   Unary: [operand] (`name` is - + not)        Binary: [left, right] (`name` is the operator)
//   And/Or: [left, right]   Compare: [first, rest...] with `ops`   Cond: [then, test, else?]
//   List/Tuple: items      Dict: key, value, key, value...
// Absent optional operands are null.
struct Expr {
  enum class Kind {
    Const,
    Name,
    GetAttr,
    GetItem,
    Slice,
    Call,
    Filter,
    Test,
    Unary,
    Binary,
    And,
    Or,
    Compare,
    Cond,
    List,
    Tuple,
    Dict
  };
  Kind kind;
  int line = 0, column = 0;
  Value value;
  std::string name;
  std::vector<ExprPtr> args;
  std::vector<std::pair<std::string, ExprPtr>> kwargs;
  std::vector<std::string> ops;

  Expr(Kind k, int l, int c) : kind(k), line(l), column(c) {}
};

// A statement node:
//   Data: `text`                        Output: exprs [value]
//   If: exprs = conditions, bodies = one per condition (+ the else body when present)
//   For: names = targets, exprs [iterable, filter?], bodies [body, else]
//   Set: names = targets, exprs [value]  SetAttr: names [namespace, attribute], exprs [value]
//   SetBlock: names [target], bodies [body], exprs [filter call?] (a Filter whose operand is null)
//   Macro: text = name, names = parameters, exprs = defaults (null when none), bodies [body]
//   FilterBlock: exprs [filter call], bodies [body]     With: names, exprs (values), bodies [body]
//   Block: bodies [body] (`{% generation %}` and other blocks rendered as they stand)
//   Break, Continue: -
struct Stmt {
  enum class Kind { Data, Output, If, For, Set, SetAttr, SetBlock, Macro, FilterBlock, With, Block, Break, Continue };
  Kind kind;
  int line = 0, column = 0;
  std::string text;
  std::vector<std::string> names;
  std::vector<ExprPtr> exprs;
  std::vector<Body> bodies;

  Stmt(Kind k, int l, int c) : kind(k), line(l), column(c) {}
};

}  // namespace longrl::jinja
