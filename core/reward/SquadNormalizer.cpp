#include "core/reward/SquadNormalizer.h"

#include <cstring>

namespace longrl::reward {

namespace {
bool isPunct(unsigned char c) { return c < 0x80 && std::strchr("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~", c) && c != 0; }
bool isWordChar(unsigned char c) {
  return c >= 0x80 || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}
bool isSpace(unsigned char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }
}  // namespace

std::string SquadNormalizer::normalize(const std::string& input) {
  // 1) lowercase, 2) drop punctuation.
  std::string s;
  s.reserve(input.size());
  for (unsigned char c : input) {
    if (isPunct(c)) continue;
    s.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : static_cast<char>(c));
  }
  // 3) articles as whole words (regex \b(a|an|the)\b) become a space.
  std::string t;
  t.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    const bool startOk = i == 0 || !isWordChar(static_cast<unsigned char>(s[i - 1]));
    size_t len = 0;
    if (startOk) {
      for (const char* art : {"the", "an", "a"}) {
        const size_t n = std::strlen(art);
        if (s.compare(i, n, art) == 0 && (i + n == s.size() || !isWordChar(static_cast<unsigned char>(s[i + n])))) {
          len = n;
          break;
        }
      }
    }
    if (len) {
      t.push_back(' ');
      i += len;
    } else {
      t.push_back(s[i++]);
    }
  }
  // 4) collapse whitespace (Python's str.split() + ' '.join).
  std::string out;
  bool pendingSpace = false;
  for (unsigned char c : t) {
    if (isSpace(c)) {
      pendingSpace = !out.empty();
      continue;
    }
    if (pendingSpace) out.push_back(' ');
    pendingSpace = false;
    out.push_back(static_cast<char>(c));
  }
  return out;
}

}  // namespace longrl::reward
