#include "trainer/tokenizer/Unicode.h"

#include <algorithm>
#include <bitset>
#include <memory>

#include "trainer/tokenizer/UnicodeTables.h"

namespace longrl::tokenizer::unicode {
namespace ud = unicode_data;
namespace {

bool inRanges(const ud::CodeRange* r, size_t n, char32_t cp) {
  const ud::CodeRange* end = r + n;
  const ud::CodeRange* it =
      std::upper_bound(r, end, cp, [](char32_t c, const ud::CodeRange& x) { return c < x.first; });
  return it != r && cp <= (it - 1)->last;
}

// The pre-tokenizer asks about every character: answer the BMP from bitmaps.
struct BmpBits {
  std::bitset<0x10000> letter, number, unsafe;
  BmpBits() {
    auto fill = [](std::bitset<0x10000>& bits, const ud::CodeRange* r, size_t n) {
      for (size_t i = 0; i < n && r[i].first < 0x10000; ++i)
        for (char32_t c = r[i].first; c <= r[i].last && c < 0x10000; ++c) bits.set(c);
    };
    fill(letter, ud::kLetters, ud::kLettersCount);
    fill(number, ud::kNumbers, ud::kNumbersCount);
    fill(unsafe, ud::kNfcUnsafe, ud::kNfcUnsafeCount);
  }
};
const BmpBits& bmp() {
  static const auto bits = std::make_unique<BmpBits>();
  return *bits;
}

constexpr char32_t kSBase = 0xAC00, kLBase = 0x1100, kVBase = 0x1161, kTBase = 0x11A7;
constexpr int kLCount = 19, kVCount = 21, kTCount = 28, kNCount = kVCount * kTCount, kSCount = kLCount * kNCount;

}  // namespace

const char* version() { return ud::kUnicodeVersion; }

bool isLetter(char32_t cp) {
  if (cp < 0x10000) return bmp().letter.test(cp);
  return inRanges(ud::kLetters, ud::kLettersCount, cp);
}

bool isNumber(char32_t cp) {
  if (cp < 0x10000) return bmp().number.test(cp);
  return inRanges(ud::kNumbers, ud::kNumbersCount, cp);
}

bool isWhitespace(char32_t cp) {
  if (cp <= 0x20) return cp == 0x20 || (cp >= 0x09 && cp <= 0x0D);
  switch (cp) {
    case 0xA0:
    case 0x1680:
    case 0x2028:
    case 0x2029:
    case 0x202F:
    case 0x205F:
    case 0x3000:
    case 0xFEFF:
      return true;
    default:
      return cp >= 0x2000 && cp <= 0x200A;
  }
}

bool isNfcUnsafe(char32_t cp) {
  if (cp < 0x300) return false;  // nothing below U+0300 decomposes or combines
  if (cp < 0x10000) return bmp().unsafe.test(cp);
  return inRanges(ud::kNfcUnsafe, ud::kNfcUnsafeCount, cp);
}

int combiningClass(char32_t cp) {
  if (cp < 0x300) return 0;
  const auto* r = ud::kCombiningClasses;
  const auto* end = r + ud::kCombiningClassesCount;
  const auto* it = std::upper_bound(r, end, cp, [](char32_t c, const ud::ClassRange& x) { return c < x.first; });
  return (it != r && cp <= (it - 1)->last) ? (it - 1)->value : 0;
}

void decompose(char32_t cp, std::u32string& out) {
  if (cp >= kSBase && cp < kSBase + kSCount) {  // Hangul syllables: algorithmic
    const int s = static_cast<int>(cp - kSBase);
    out.push_back(kLBase + s / kNCount);
    out.push_back(kVBase + (s % kNCount) / kTCount);
    if (s % kTCount) out.push_back(kTBase + s % kTCount);
    return;
  }
  const auto* r = ud::kDecompositions;
  const auto* end = r + ud::kDecompositionsCount;
  const auto* it = std::lower_bound(r, end, cp, [](const ud::Decomposition& x, char32_t c) { return x.cp < c; });
  if (it == end || it->cp != cp) {
    out.push_back(cp);
    return;
  }
  out.append(ud::kDecompositionPool + it->offset, it->length);
}

char32_t compose(char32_t first, char32_t second) {
  if (first >= kLBase && first < kLBase + kLCount && second >= kVBase && second < kVBase + kVCount)
    return kSBase + ((first - kLBase) * kVCount + (second - kVBase)) * kTCount;
  if (first >= kSBase && first < kSBase + kSCount && (first - kSBase) % kTCount == 0 && second > kTBase &&
      second < kTBase + kTCount)
    return first + (second - kTBase);
  const auto* r = ud::kCompositions;
  const auto* end = r + ud::kCompositionsCount;
  const auto* it = std::lower_bound(r, end, std::make_pair(first, second), [](const ud::Composition& x, auto key) {
    return x.first < key.first || (x.first == key.first && x.second < key.second);
  });
  return (it != end && it->first == first && it->second == second) ? it->composite : 0;
}

char32_t decodeUtf8(std::string_view s, size_t& pos) {
  const auto b0 = static_cast<unsigned char>(s[pos]);
  if (b0 < 0x80) {
    ++pos;
    return b0;
  }
  int len = 0;
  char32_t cp = 0, min = 0;
  if ((b0 & 0xE0) == 0xC0) len = 2, cp = b0 & 0x1F, min = 0x80;
  else if ((b0 & 0xF0) == 0xE0) len = 3, cp = b0 & 0x0F, min = 0x800;
  else if ((b0 & 0xF8) == 0xF0) len = 4, cp = b0 & 0x07, min = 0x10000;
  if (len == 0 || pos + len > s.size()) {
    ++pos;
    return 0xFFFD;
  }
  for (int i = 1; i < len; ++i) {
    const auto b = static_cast<unsigned char>(s[pos + i]);
    if ((b & 0xC0) != 0x80) {
      ++pos;
      return 0xFFFD;
    }
    cp = (cp << 6) | (b & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp < 0xE000)) {
    ++pos;
    return 0xFFFD;
  }
  pos += len;
  return cp;
}

void appendUtf8(char32_t cp, std::string& out) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

std::u32string toUtf32(std::string_view s) {
  std::u32string out;
  out.reserve(s.size());
  for (size_t pos = 0; pos < s.size();) out.push_back(decodeUtf8(s, pos));
  return out;
}

std::string toUtf8(std::u32string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char32_t c : s) appendUtf8(c, out);
  return out;
}

size_t firstInvalidUtf8(std::string_view bytes) {
  for (size_t pos = 0; pos < bytes.size();) {
    if (static_cast<unsigned char>(bytes[pos]) < 0x80) {
      ++pos;
      continue;
    }
    const size_t start = pos;
    if (decodeUtf8(bytes, pos) == 0xFFFD && pos - start != 3) return start;
  }
  return std::string_view::npos;
}

bool isValidUtf8(std::string_view bytes) { return firstInvalidUtf8(bytes) == std::string_view::npos; }

std::string sanitizeUtf8(std::string_view bytes) {
  std::string out;
  out.reserve(bytes.size());
  size_t pos = 0;
  while (pos < bytes.size()) {
    const size_t start = pos;
    const char32_t cp = decodeUtf8(bytes, pos);
    if (cp != 0xFFFD || pos - start == 3) {  // a real U+FFFD is 3 bytes long
      out.append(bytes.substr(start, pos - start));
      continue;
    }
    // A bad sequence: skip the continuation bytes its lead byte promised (WHATWG maximal subpart).
    const auto b0 = static_cast<unsigned char>(bytes[start]);
    const int want = (b0 & 0xE0) == 0xC0 ? 1 : (b0 & 0xF0) == 0xE0 ? 2 : (b0 & 0xF8) == 0xF0 ? 3 : 0;
    for (int i = 0; i < want && pos < bytes.size() && (static_cast<unsigned char>(bytes[pos]) & 0xC0) == 0x80; ++i) {
      const auto b = static_cast<unsigned char>(bytes[pos]);
      // Second bytes that already make the sequence overlong/surrogate/too large end the subpart.
      if (i == 0 && ((b0 == 0xE0 && b < 0xA0) || (b0 == 0xED && b > 0x9F) || (b0 == 0xF0 && b < 0x90) ||
                     (b0 == 0xF4 && b > 0x8F) || b0 < 0xC2 || b0 > 0xF4))
        break;
      ++pos;
    }
    appendUtf8(0xFFFD, out);
  }
  return out;
}

}  // namespace longrl::tokenizer::unicode
