#pragma once
#include <string_view>
#include <vector>

namespace longrl::behavior {

// An arithmetic expression with its result, "12 × 3 = 36", in a reasoning trace.
struct ArithmeticExpression {
  size_t begin = 0;  // first operand
  size_t end = 0;    // one past the result
  double result = 0;
  bool repeats = false;  // the result equals that of an earlier expression: a re-computation
};

// The expressions of text[from, to), in order: a number, one or more (operator, number), then '=',
// '≈' or "\approx" and the result. Operators + - * / x × ÷ − · and LaTeX \times \cdot \div;
// parentheses are skipped; numbers may have '$', thousands commas, decimals and '%'. The result
// is not checked against the operands: a wrong re-computation is still a check.
std::vector<ArithmeticExpression> findArithmetic(std::string_view text, size_t from, size_t to);

}  // namespace longrl::behavior
