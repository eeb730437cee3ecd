#include "trainer/tokenizer/PreTokenizer.h"

#include "trainer/tokenizer/Unicode.h"

namespace longrl::tokenizer {
namespace uc = unicode;
namespace {

enum Kind : unsigned char { kLetter, kNumber, kSpace, kNewline, kOther };

struct Text {
  std::vector<char32_t> cp;
  std::vector<size_t> offset;  // byte offset of each code point, plus the end
  std::vector<Kind> kind;
};

Kind classify(char32_t c) {
  if (c < 0x80) {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) return kLetter;
    if (c >= '0' && c <= '9') return kNumber;
    if (c == '\r' || c == '\n') return kNewline;
    if (c == ' ' || (c >= 0x09 && c <= 0x0D)) return kSpace;
    return kOther;
  }
  if (uc::isLetter(c)) return kLetter;
  if (uc::isNumber(c)) return kNumber;
  if (uc::isWhitespace(c)) return kSpace;
  return kOther;
}

char lower(char32_t c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : static_cast<char>(c); }

// (?i:'s|'t|'re|'ve|'m|'ll|'d): length of the match at i, or 0.
size_t matchContraction(const Text& t, size_t i) {
  const size_t n = t.cp.size();
  if (t.cp[i] != '\'' || i + 1 >= n || t.cp[i + 1] >= 0x80) return 0;
  const char a = lower(t.cp[i + 1]);
  if (a == 's' || a == 't' || a == 'm' || a == 'd') return 2;
  if (i + 2 >= n || t.cp[i + 2] >= 0x80) return 0;
  const char b = lower(t.cp[i + 2]);
  if ((a == 'r' && b == 'e') || (a == 'v' && b == 'e') || (a == 'l' && b == 'l')) return 3;
  return 0;
}

size_t matchAt(const Text& t, size_t i) {
  const size_t n = t.cp.size();
  const Kind k = t.kind[i];
  if (size_t len = matchContraction(t, i)) return len;
  // [^\r\n\p{L}\p{N}]?\p{L}+
  {
    size_t j = i;
    if (k != kLetter && k != kNumber && k != kNewline && i + 1 < n && t.kind[i + 1] == kLetter) j = i + 1;
    if (t.kind[j] == kLetter) {
      while (j < n && t.kind[j] == kLetter) ++j;
      return j - i;
    }
  }
  // \p{N}
  if (k == kNumber) return 1;
  // " ?[^\s\p{L}\p{N}]+[\r\n]*"
  {
    size_t j = i;
    if (t.cp[i] == ' ' && i + 1 < n && t.kind[i + 1] == kOther) j = i + 1;
    if (t.kind[j] == kOther) {
      while (j < n && t.kind[j] == kOther) ++j;
      while (j < n && (t.cp[j] == '\r' || t.cp[j] == '\n')) ++j;
      return j - i;
    }
  }
  // Only whitespace is left at i (kSpace or kNewline).
  size_t e = i;
  size_t lastNewline = n;  // index of the last \r or \n in the run
  while (e < n && (t.kind[e] == kSpace || t.kind[e] == kNewline)) {
    if (t.kind[e] == kNewline) lastNewline = e;
    ++e;
  }
  if (lastNewline != n) return lastNewline + 1 - i;  // \s*[\r\n]+ (backtracked to the last newline)
  if (e == n) return e - i;                          // \s+(?!\S) at the end of the text
  if (e - i >= 2) return e - 1 - i;                  // \s+(?!\S): leave one space for the next word
  return e - i;                                      // \s+
}

}  // namespace

const char* PreTokenizer::qwenPattern() {
  return "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|"
         "\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";
}

void PreTokenizer::split(std::string_view utf8, std::vector<std::pair<size_t, size_t>>& pieces) {
  pieces.clear();
  thread_local Text t;
  t.cp.clear();
  t.offset.clear();
  t.kind.clear();
  for (size_t pos = 0; pos < utf8.size();) {
    t.offset.push_back(pos);
    const char32_t c = uc::decodeUtf8(utf8, pos);
    t.cp.push_back(c);
    t.kind.push_back(classify(c));
  }
  t.offset.push_back(utf8.size());
  for (size_t i = 0; i < t.cp.size();) {
    const size_t len = matchAt(t, i);
    pieces.emplace_back(t.offset[i], t.offset[i + len]);
    i += len;
  }
}

std::vector<std::string> PreTokenizer::splitToStrings(std::string_view utf8) {
  std::vector<std::pair<size_t, size_t>> pieces;
  split(utf8, pieces);
  std::vector<std::string> out;
  out.reserve(pieces.size());
  for (auto [b, e] : pieces) out.emplace_back(utf8.substr(b, e - b));
  return out;
}

}  // namespace longrl::tokenizer
