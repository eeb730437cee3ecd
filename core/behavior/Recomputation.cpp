#include "core/behavior/Recomputation.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <optional>

namespace longrl::behavior {

namespace {

bool isDigit(char c) { return c >= '0' && c <= '9'; }
bool isWordChar(char c) { return isDigit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '.'; }

class Scanner {
 public:
  Scanner(std::string_view t, size_t pos, size_t to) : t_(t), pos_(pos), to_(to) {}

  size_t pos() const { return pos_; }
  bool at(std::string_view s) const { return pos_ + s.size() <= to_ && t_.substr(pos_, s.size()) == s; }

  void skipBlanks(bool parens) {
    while (pos_ < to_ && (t_[pos_] == ' ' || t_[pos_] == '\t' || (parens && (t_[pos_] == '(' || t_[pos_] == ')'))))
      ++pos_;
  }

  // A number at pos: [-]['$']digits[,ddd]*[.digits]['%'].
  std::optional<double> number() {
    size_t p = pos_;
    bool negative = false;
    if (p < to_ && t_[p] == '-') negative = true, ++p;
    if (p < to_ && t_[p] == '$') ++p;
    if (p >= to_ || !isDigit(t_[p])) return std::nullopt;
    double v = 0;
    while (p < to_) {
      if (isDigit(t_[p])) {
        v = v * 10 + (t_[p++] - '0');
      } else if (t_[p] == ',' && p + 3 < to_ && isDigit(t_[p + 1]) && isDigit(t_[p + 2]) && isDigit(t_[p + 3]) &&
                 (p + 4 >= to_ || !isDigit(t_[p + 4]))) {
        ++p;
      } else {
        break;
      }
    }
    if (p + 1 < to_ && t_[p] == '.' && isDigit(t_[p + 1])) {
      double scale = 0.1;
      for (++p; p < to_ && isDigit(t_[p]); ++p, scale /= 10) v += (t_[p] - '0') * scale;
    }
    if (p < to_ && t_[p] == '%') ++p;
    pos_ = p;
    return negative ? -v : v;
  }

  bool op() {
    static const std::array<std::string_view, 13> kOps = {"\\times", "\\cdot", "\\div", "\u00d7", "\u00f7",
                                                          "\u2212",  "\u00b7", "+",     "-",      "*",
                                                          "/",       "x",      "X"};
    for (auto o : kOps)
      if (at(o)) {
        if ((o == "x" || o == "X") && pos_ + 1 < to_ && !(t_[pos_ + 1] == ' ' || isDigit(t_[pos_ + 1]))) return false;
        pos_ += o.size();
        return true;
      }
    return false;
  }

  bool equals() {
    for (std::string_view e : {"\\approx", "\u2248", "="})
      if (at(e) && !(e == "=" && at("=="))) {
        pos_ += e.size();
        return true;
      }
    return false;
  }

 private:
  std::string_view t_;
  size_t pos_, to_;
};

// The expression whose first operand starts at `start`; nullopt, with `resume` past that operand,
// when there is none.
std::optional<ArithmeticExpression> expressionAt(std::string_view t, size_t start, size_t to, size_t& resume) {
  Scanner s(t, start, to);
  if (!s.number()) {
    resume = start + 1;
    return std::nullopt;
  }
  resume = s.pos();
  int operators = 0;
  for (;;) {
    s.skipBlanks(true);
    if (!s.op()) break;
    s.skipBlanks(true);
    if (!s.number()) return std::nullopt;
    ++operators;
  }
  if (operators == 0 || !s.equals()) return std::nullopt;
  s.skipBlanks(false);
  const auto result = s.number();
  if (!result) return std::nullopt;
  resume = s.pos();
  return ArithmeticExpression{start, s.pos(), *result, false};
}

}  // namespace

std::vector<ArithmeticExpression> findArithmetic(std::string_view t, size_t from, size_t to) {
  std::vector<ArithmeticExpression> found;
  for (size_t i = from; i < to;) {
    const bool starts =
        (isDigit(t[i]) || (t[i] == '$' && i + 1 < to && isDigit(t[i + 1]))) && (i == from || !isWordChar(t[i - 1]));
    if (!starts) {
      ++i;
      continue;
    }
    size_t resume = i + 1;
    if (auto e = expressionAt(t, i, to, resume)) {
      for (const auto& earlier : found)
        e->repeats = e->repeats || std::fabs(earlier.result - e->result) <= 1e-9 * std::max(1.0, std::fabs(e->result));
      found.push_back(*e);
    }
    i = resume;
  }
  return found;
}

}  // namespace longrl::behavior
