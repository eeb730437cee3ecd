#include "core/behavior/TraceSteps.h"

#include <array>

namespace longrl::behavior {

namespace {

bool isSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v'; }
bool isDigit(char c) { return c >= '0' && c <= '9'; }
bool isAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool isAlnum(char c) { return isDigit(c) || isAlpha(c); }
char lower(char c) { return c >= 'A' && c <= 'Z' ? char(c - 'A' + 'a') : c; }

// '。', '！', '？' (3 bytes each in UTF-8), or 0.
size_t cjkTerminator(std::string_view t, size_t i, size_t to) {
  if (i + 3 > to) return 0;
  const std::string_view s = t.substr(i, 3);
  return s == "\u3002" || s == "\uFF01" || s == "\uFF1F" ? 3 : 0;
}

// Whether the period at `dot` continues the step that started at `start`.
bool periodContinues(std::string_view t, size_t start, size_t dot) {
  size_t b = start;
  while (b < dot && (isSpace(t[b]) || t[b] == '-' || t[b] == '*' || t[b] == '#' || t[b] == '>')) ++b;
  const std::string_view before = t.substr(b, dot - b);
  // An enumeration marker alone: "1." "12." "a."
  if (before.size() == 1 && isAlpha(before[0])) return true;
  if (!before.empty() && before.size() <= 2 && isDigit(before[0]) && isDigit(before.back())) return true;
  // "e.g." / "i.e.": a letter after a period.
  if (dot >= 2 && isAlpha(t[dot - 1]) && t[dot - 2] == '.') return true;
  size_t w = dot;
  while (w > b && isAlpha(t[w - 1])) --w;
  std::string word;
  for (size_t k = w; k < dot; ++k) word += lower(t[k]);
  static const std::array<std::string_view, 9> kTitles = {"mr", "mrs", "ms", "dr", "vs", "fig", "approx", "st", "jr"};
  for (auto title : kTitles)
    if (word == title) return true;
  return false;
}

}  // namespace

std::vector<TraceStep> splitTraceSteps(std::string_view t, size_t from, size_t to) {
  std::vector<TraceStep> steps;
  size_t start = from;
  auto flush = [&](size_t end) {
    size_t b = start, e = end;
    while (b < e && isSpace(t[b])) ++b;
    while (e > b && isSpace(t[e - 1])) --e;
    if (b < e) steps.push_back({b, e});
    start = end;
  };
  for (size_t i = from; i < to;) {
    const char c = t[i];
    if (c == '\n') {
      flush(i);
      ++i;
      continue;
    }
    if ((c == '.' || c == '!' || c == '?') && (i + 1 == to || isSpace(t[i + 1])) &&
        !(c == '.' && periodContinues(t, start, i))) {
      flush(++i);
      continue;
    }
    if (const size_t n = cjkTerminator(t, i, to)) {
      flush(i += n);
      continue;
    }
    ++i;
  }
  flush(to);
  return steps;
}

void tokenizeCues(std::string_view t, size_t from, size_t to, std::vector<CueToken>& out) {
  out.clear();
  for (size_t i = from; i < to;) {
    const char c = t[i];
    if (c == ',' || c == ':' || c == ';' || c == '.' || c == '!' || c == '?' || c == '(' || c == ')') {
      out.push_back({uint32_t(i), uint32_t(i + 1), std::string(1, c)});
      ++i;
      continue;
    }
    if (!isAlnum(c)) {
      ++i;
      continue;
    }
    CueToken tok{uint32_t(i), 0, {}};
    while (i < to) {
      if (isAlnum(t[i])) {
        tok.text += lower(t[i++]);
      } else if (t[i] == '\'' && i + 1 < to && isAlpha(t[i + 1])) {
        ++i;  // "let's": the apostrophe is dropped
      } else if (t.substr(i, 3) == "\u2019" && i + 3 < to && isAlpha(t[i + 3])) {
        i += 3;
      } else if (t[i] == '.' && isDigit(t[i - 1]) && i + 1 < to && isDigit(t[i + 1])) {
        tok.text += t[i++];  // a decimal
      } else {
        break;
      }
    }
    tok.end = uint32_t(i);
    out.push_back(std::move(tok));
  }
}

}  // namespace longrl::behavior
