#include "core/template/PyText.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace longrl::jinja {
namespace {

// Decodes one UTF-8 sequence at `i`; invalid bytes decode as themselves (U+0080..U+00FF would
// be wrong, so they map to U+FFFD, as Python's "replace" handler does).
char32_t decodeOne(std::string_view s, size_t& i) {
  const auto b = static_cast<unsigned char>(s[i]);
  int extra = b < 0x80 ? 0 : (b >> 5) == 6 ? 1 : (b >> 4) == 14 ? 2 : (b >> 3) == 30 ? 3 : -1;
  if (extra < 0 || i + extra >= s.size() + (extra == 0 ? 1 : 0)) {
    ++i;
    return extra == 0 ? b : 0xFFFD;
  }
  char32_t c = extra == 0 ? b : b & (0x3F >> extra);
  for (int k = 1; k <= extra; ++k) {
    const auto cont = static_cast<unsigned char>(s[i + k]);
    if ((cont & 0xC0) != 0x80) {
      ++i;
      return 0xFFFD;
    }
    c = (c << 6) | (cont & 0x3F);
  }
  i += extra + 1;
  return c;
}

void encodeOne(char32_t c, std::string& out) {
  if (c < 0x80) {
    out += static_cast<char>(c);
  } else if (c < 0x800) {
    out += static_cast<char>(0xC0 | (c >> 6));
    out += static_cast<char>(0x80 | (c & 0x3F));
  } else if (c < 0x10000) {
    out += static_cast<char>(0xE0 | (c >> 12));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (c & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (c >> 18));
    out += static_cast<char>(0x80 | ((c >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (c & 0x3F));
  }
}

bool inSet(char32_t c, const std::u32string* set) {
  return set ? set->find(c) != std::u32string::npos : PyText::isSpace(c);
}

char32_t lowerOne(char32_t c) {
  if ((c >= 'A' && c <= 'Z') || (c >= 0xC0 && c <= 0xDE && c != 0xD7) || (c >= 0x391 && c <= 0x3A9 && c != 0x3A2) ||
      (c >= 0x410 && c <= 0x42F))
    return c + 0x20;
  if (c >= 0x400 && c <= 0x40F) return c + 0x50;
  return c;
}

char32_t upperOne(char32_t c) {
  if ((c >= 'a' && c <= 'z') || (c >= 0xE0 && c <= 0xFE && c != 0xF7) || (c >= 0x3B1 && c <= 0x3C9 && c != 0x3C2) ||
      (c >= 0x430 && c <= 0x44F))
    return c - 0x20;
  if (c >= 0x450 && c <= 0x45F) return c - 0x50;
  return c;
}

bool isCased(char32_t c) { return lowerOne(c) != c || upperOne(c) != c; }

std::vector<std::string> splitWhitespace(std::string_view s, int64_t maxsplit, bool fromRight) {
  std::u32string t = PyText::decode(s);
  if (fromRight) t = std::u32string(t.rbegin(), t.rend());
  std::vector<std::string> out;
  size_t i = 0;
  while (true) {
    while (i < t.size() && PyText::isSpace(t[i])) ++i;
    if (i == t.size()) break;
    if (maxsplit >= 0 && static_cast<int64_t>(out.size()) == maxsplit) {
      size_t end = t.size();
      while (end > i && PyText::isSpace(t[end - 1])) --end;
      out.push_back(PyText::encode(std::u32string_view(t).substr(i, end - i)));
      break;
    }
    size_t j = i;
    while (j < t.size() && !PyText::isSpace(t[j])) ++j;
    out.push_back(PyText::encode(std::u32string_view(t).substr(i, j - i)));
    i = j;
  }
  if (fromRight) {
    for (auto& w : out) {
      std::u32string r = PyText::decode(w);
      w = PyText::encode(std::u32string(r.rbegin(), r.rend()));
    }
    out = std::vector<std::string>(out.rbegin(), out.rend());
  }
  return out;
}

}  // namespace

std::u32string PyText::decode(std::string_view utf8) {
  std::u32string out;
  out.reserve(utf8.size());
  for (size_t i = 0; i < utf8.size();) out += decodeOne(utf8, i);
  return out;
}

std::string PyText::encode(std::u32string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char32_t c : text) encodeOne(c, out);
  return out;
}

int64_t PyText::length(std::string_view utf8) {
  int64_t n = 0;
  for (size_t i = 0; i < utf8.size();) {
    decodeOne(utf8, i);
    ++n;
  }
  return n;
}

bool PyText::isSpace(char32_t c) {
  return (c >= 0x09 && c <= 0x0D) || (c >= 0x1C && c <= 0x20) || c == 0x85 || c == 0xA0 || c == 0x1680 ||
         (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 || c == 0x202F || c == 0x205F || c == 0x3000;
}

std::string PyText::strip(std::string_view s, const std::string* chars, bool left, bool right) {
  const std::u32string t = decode(s);
  std::u32string set;
  if (chars) set = decode(*chars);
  const std::u32string* setPtr = chars ? &set : nullptr;
  size_t b = 0, e = t.size();
  if (left)
    while (b < e && inSet(t[b], setPtr)) ++b;
  if (right)
    while (e > b && inSet(t[e - 1], setPtr)) --e;
  return encode(std::u32string_view(t).substr(b, e - b));
}

std::vector<std::string> PyText::split(std::string_view s, const std::string* sep, int64_t maxsplit) {
  if (!sep) return splitWhitespace(s, maxsplit, false);
  std::vector<std::string> out;
  size_t start = 0;
  while (maxsplit < 0 || static_cast<int64_t>(out.size()) < maxsplit) {
    const size_t at = s.find(*sep, start);
    if (at == std::string_view::npos) break;
    out.emplace_back(s.substr(start, at - start));
    start = at + sep->size();
  }
  out.emplace_back(s.substr(start));
  return out;
}

std::vector<std::string> PyText::rsplit(std::string_view s, const std::string* sep, int64_t maxsplit) {
  if (!sep) return splitWhitespace(s, maxsplit, true);
  std::vector<std::string> out;
  size_t end = s.size();
  while (maxsplit < 0 || static_cast<int64_t>(out.size()) < maxsplit) {
    if (end < sep->size()) break;
    const size_t at = s.rfind(*sep, end - sep->size());
    if (at == std::string_view::npos) break;
    out.emplace_back(s.substr(at + sep->size(), end - at - sep->size()));
    end = at;
  }
  out.emplace_back(s.substr(0, end));
  return std::vector<std::string>(out.rbegin(), out.rend());
}

std::string PyText::replace(std::string_view s, std::string_view from, std::string_view to, int64_t count) {
  std::string out;
  size_t pos = 0;
  int64_t done = 0;
  if (from.empty()) {  // Python inserts `to` between code points (and at both ends)
    const std::u32string t = decode(s);
    for (size_t i = 0; i <= t.size(); ++i) {
      if (count < 0 || done < count) {
        out += to;
        ++done;
      }
      if (i < t.size()) encodeOne(t[i], out);
    }
    return out;
  }
  while (count < 0 || done < count) {
    const size_t at = s.find(from, pos);
    if (at == std::string_view::npos) break;
    out.append(s.substr(pos, at - pos));
    out.append(to);
    pos = at + from.size();
    ++done;
  }
  out.append(s.substr(pos));
  return out;
}

int64_t PyText::count(std::string_view s, std::string_view sub) {
  if (sub.empty()) return length(s) + 1;
  int64_t n = 0;
  for (size_t at = s.find(sub); at != std::string_view::npos; at = s.find(sub, at + sub.size())) ++n;
  return n;
}

int64_t PyText::find(std::string_view s, std::string_view sub, bool last) {
  const size_t at = last ? s.rfind(sub) : s.find(sub);
  return at == std::string_view::npos ? -1 : length(s.substr(0, at));
}

std::string PyText::lower(std::string_view s) {
  std::u32string t = decode(s);
  for (auto& c : t) c = lowerOne(c);
  return encode(t);
}

std::string PyText::upper(std::string_view s) {
  std::u32string t = decode(s);
  for (auto& c : t) c = upperOne(c);
  return encode(t);
}

std::string PyText::capitalize(std::string_view s) {
  std::u32string t = decode(s);
  for (size_t i = 0; i < t.size(); ++i) t[i] = i == 0 ? upperOne(t[i]) : lowerOne(t[i]);
  return encode(t);
}

std::string PyText::title(std::string_view s) {
  std::u32string t = decode(s);
  bool previousCased = false;
  for (auto& c : t) {
    c = previousCased ? lowerOne(c) : upperOne(c);
    previousCased = isCased(c);
  }
  return encode(t);
}

std::string PyText::jinjaTitle(std::string_view s) {
  std::u32string t = decode(s);
  bool wordStart = true;
  for (auto& c : t) {
    const bool separator = isSpace(c) || c == '-' || c == '(' || c == '{' || c == '[' || c == '<';
    if (separator) {
      wordStart = true;
      continue;
    }
    c = wordStart ? upperOne(c) : lowerOne(c);
    wordStart = false;
  }
  return encode(t);
}

std::string PyText::reprString(std::string_view s) {
  const bool hasSingle = s.find('\'') != std::string_view::npos, hasDouble = s.find('"') != std::string_view::npos;
  const char quote = hasSingle && !hasDouble ? '"' : '\'';
  std::string out(1, quote);
  for (size_t i = 0; i < s.size();) {
    const char32_t c = decodeOne(s, i);
    char buf[12];
    if (c == '\\' || c == static_cast<char32_t>(quote)) {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c == '\t') {
      out += "\\t";
    } else if (c < 0x20 || (c >= 0x7F && c <= 0xA0) || c == 0xAD) {
      std::snprintf(buf, sizeof buf, "\\x%02x", static_cast<unsigned>(c));
      out += buf;
    } else if ((c >= 0x200B && c <= 0x200F) || (c >= 0x2028 && c <= 0x202E) || c == 0xFEFF) {
      std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(c));
      out += buf;
    } else {
      encodeOne(c, out);
    }
  }
  return out + quote;
}

std::string PyText::reprFloat(double d) {
  if (std::isnan(d)) return "nan";
  if (std::isinf(d)) return d < 0 ? "-inf" : "inf";
  char buf[40];
  for (int p = 1; p <= 17; ++p) {
    std::snprintf(buf, sizeof buf, "%.*e", p - 1, d);
    if (std::strtod(buf, nullptr) == d) break;
  }
  std::string text(buf);
  const bool negative = text[0] == '-';
  if (negative) text.erase(0, 1);
  const size_t ePos = text.find('e');
  const int exponent = std::atoi(text.c_str() + ePos + 1);
  std::string digits = text.substr(0, ePos);
  digits.erase(std::remove(digits.begin(), digits.end(), '.'), digits.end());
  while (digits.size() > 1 && digits.back() == '0') digits.pop_back();
  std::string out;
  if (exponent >= -4 && exponent < 16) {
    if (exponent >= 0) {
      if (digits.size() <= static_cast<size_t>(exponent) + 1) digits.append(exponent + 1 - digits.size(), '0');
      const std::string frac = digits.substr(exponent + 1);
      out = digits.substr(0, exponent + 1) + "." + (frac.empty() ? "0" : frac);
    } else {
      out = "0." + std::string(-exponent - 1, '0') + digits;
    }
  } else {
    std::snprintf(buf, sizeof buf, "e%c%02d", exponent < 0 ? '-' : '+', std::abs(exponent));
    out = digits.substr(0, 1) + (digits.size() > 1 ? "." + digits.substr(1) : "") + buf;
  }
  return negative ? "-" + out : out;
}

std::string PyText::jsonString(std::string_view s, bool ensureAscii) {
  std::string out = "\"";
  char buf[16];
  for (size_t i = 0; i < s.size();) {
    const char32_t c = decodeOne(s, i);
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      default:
        if (c < 0x20 || (ensureAscii && c > 0x7F)) {
          if (c >= 0x10000) {
            const char32_t v = c - 0x10000;
            std::snprintf(buf, sizeof buf, "\\u%04x\\u%04x", 0xD800 + (v >> 10), 0xDC00 + (v & 0x3FF));
          } else {
            std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(c));
          }
          out += buf;
        } else {
          encodeOne(c, out);
        }
    }
  }
  return out + "\"";
}

}  // namespace longrl::jinja
