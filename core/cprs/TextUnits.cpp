#include "core/cprs/TextUnits.h"

namespace longrl::cprs {
namespace {

// The offset just past a blank-line paragraph break starting at i ('\n' then whitespace holding
// another '\n'), or npos when none starts there.
std::size_t paragraphBreakEnd(std::string_view t, std::size_t i) {
  if (t[i] != '\n') return std::string_view::npos;
  std::size_t j = i + 1, lastNewline = std::string_view::npos;
  for (; j < t.size() && TextUnits::isSpace(t[j]); ++j)
    if (t[j] == '\n') lastNewline = j;
  return lastNewline == std::string_view::npos ? std::string_view::npos : j;
}

bool isCloser(char c) { return c == '"' || c == '\'' || c == ')' || c == ']'; }

void pushTrimmed(std::string_view t, std::size_t b, std::size_t e, std::vector<TextSpan>& out) {
  const TextSpan s = TextUnits::trimmed(t, b, e);
  if (s.size() > 0) out.push_back(s);
}

}  // namespace

TextSpan TextUnits::trimmed(std::string_view t, std::size_t b, std::size_t e) {
  while (b < e && isSpace(t[b])) ++b;
  while (e > b && isSpace(t[e - 1])) --e;
  return {b, e};
}

std::vector<TextSpan> TextUnits::words(std::string_view t) {
  std::vector<TextSpan> out;
  for (std::size_t i = 0; i < t.size();) {
    while (i < t.size() && isSpace(t[i])) ++i;
    const std::size_t b = i;
    while (i < t.size() && !isSpace(t[i])) ++i;
    if (i > b) out.push_back({b, i});
  }
  return out;
}

std::vector<TextSpan> TextUnits::pieces(std::string_view t) {
  std::vector<TextSpan> out;
  std::size_t b = 0;
  for (const auto& w : words(t)) {
    out.push_back({b, w.end});
    b = w.end;
  }
  if (b < t.size()) out.push_back({b, t.size()});
  return out;
}

std::vector<TextSpan> TextUnits::sentences(std::string_view t) {
  std::vector<TextSpan> out;
  std::size_t b = 0;
  for (std::size_t i = 0; i < t.size(); ++i) {
    const std::size_t brk = paragraphBreakEnd(t, i);
    if (brk != std::string_view::npos) {
      pushTrimmed(t, b, i, out);
      b = brk;
      i = brk - 1;
      continue;
    }
    if (t[i] != '.' && t[i] != '!' && t[i] != '?') continue;
    std::size_t e = i + 1;
    while (e < t.size() && isCloser(t[e])) ++e;
    if (e == t.size() || isSpace(t[e])) {
      pushTrimmed(t, b, e, out);
      b = e;
      i = e - 1;
    }
  }
  pushTrimmed(t, b, t.size(), out);
  return out;
}

std::vector<TextSpan> TextUnits::paragraphs(std::string_view t) {
  std::vector<TextSpan> out;
  std::size_t b = 0;
  for (std::size_t i = 0; i < t.size(); ++i) {
    const std::size_t brk = paragraphBreakEnd(t, i);
    if (brk == std::string_view::npos) continue;
    pushTrimmed(t, b, i, out);
    b = brk;
    i = brk - 1;
  }
  pushTrimmed(t, b, t.size(), out);
  return out;
}

}  // namespace longrl::cprs
