#include "core/template/StringLiteral.h"

#include "core/template/PyText.h"

namespace longrl::jinja {
namespace {

int hexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Reads `digits` hex digits at `i`; false (and nothing consumed) when they are not all there.
bool readHex(const std::string& s, size_t i, int digits, char32_t& out) {
  if (i + digits > s.size()) return false;
  out = 0;
  for (int k = 0; k < digits; ++k) {
    const int h = hexValue(s[i + k]);
    if (h < 0) return false;
    out = out * 16 + h;
  }
  return true;
}

char simpleEscape(char c) {
  switch (c) {
    case 'n':
      return '\n';
    case 't':
      return '\t';
    case 'r':
      return '\r';
    case 'a':
      return '\a';
    case 'b':
      return '\b';
    case 'f':
      return '\f';
    case 'v':
      return '\v';
    case '\\':
      return '\\';
    case '\'':
      return '\'';
    case '"':
      return '"';
    default:
      return 0;
  }
}

}  // namespace

std::string StringLiteral::unescape(const std::string& body) {
  std::string out;
  for (size_t i = 0; i < body.size(); ++i) {
    if (body[i] != '\\' || i + 1 >= body.size()) {
      out += body[i];
      continue;
    }
    const char e = body[++i];
    char32_t cp = 0;
    if (e == '\n') continue;  // a backslash before a newline joins the lines
    if (const char simple = simpleEscape(e)) {
      out += simple;
    } else if (e >= '0' && e <= '7') {
      int n = 0;
      for (int k = 0; k < 3 && i < body.size() && body[i] >= '0' && body[i] <= '7'; ++k, ++i)
        n = n * 8 + (body[i] - '0');
      --i;
      out += PyText::encode(std::u32string(1, static_cast<char32_t>(n)));
    } else if ((e == 'x' && readHex(body, i + 1, 2, cp)) || (e == 'u' && readHex(body, i + 1, 4, cp)) ||
               (e == 'U' && readHex(body, i + 1, 8, cp))) {
      i += e == 'x' ? 2 : e == 'u' ? 4 : 8;
      out += PyText::encode(std::u32string(1, cp));
    } else {
      out += '\\';
      out += e;
    }
  }
  return out;
}

}  // namespace longrl::jinja
