#include "core/grounding/GroundingWord.h"

namespace longrl::grounding {
namespace {

// Decodes one code point at s[i]; returns its byte length, cp = -1 for an invalid sequence (length 1).
size_t decode(std::string_view s, size_t i, int32_t& cp) {
  const auto b0 = static_cast<unsigned char>(s[i]);
  if (b0 < 0x80) {
    cp = b0;
    return 1;
  }
  size_t len = 0;
  int32_t v = 0;
  if ((b0 & 0xE0) == 0xC0) {
    len = 2;
    v = b0 & 0x1F;
  } else if ((b0 & 0xF0) == 0xE0) {
    len = 3;
    v = b0 & 0x0F;
  } else if ((b0 & 0xF8) == 0xF0) {
    len = 4;
    v = b0 & 0x07;
  } else {
    cp = -1;
    return 1;
  }
  if (i + len > s.size()) {
    cp = -1;
    return 1;
  }
  for (size_t k = 1; k < len; ++k) {
    const auto b = static_cast<unsigned char>(s[i + k]);
    if ((b & 0xC0) != 0x80) {
      cp = -1;
      return 1;
    }
    v = (v << 6) | (b & 0x3F);
  }
  static const int32_t minForLen[5] = {0, 0, 0x80, 0x800, 0x10000};
  if (v < minForLen[len] || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF)) {
    cp = -1;
    return 1;
  }
  cp = v;
  return len;
}

enum class Kind { Separator, Letter, Cjk };

bool isCjk(int32_t c) {
  return (c >= 0x3040 && c <= 0x30FF) ||  // hiragana, katakana
         (c >= 0x3400 && c <= 0x4DBF) ||  // CJK extension A
         (c >= 0x4E00 && c <= 0x9FFF) ||  // CJK unified ideographs
         (c >= 0xAC00 && c <= 0xD7AF) ||  // hangul syllables
         (c >= 0xF900 && c <= 0xFAFF) ||  // compatibility ideographs
         (c >= 0x20000 && c <= 0x3FFFF);  // extensions B and later
}

// Classifies and case-folds one code point.
Kind classify(int32_t& c) {
  if (c < 0) return Kind::Separator;
  if (c < 0x80) {
    if (c >= 'A' && c <= 'Z') c += 32;
    return ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) ? Kind::Letter : Kind::Separator;
  }
  if (c <= 0xBF || c == 0xD7 || c == 0xF7) return Kind::Separator;  // Latin-1 controls, punctuation, symbols
  if (c >= 0xC0 && c <= 0xDE) {
    c += 32;
    return Kind::Letter;
  }  // Latin-1 capitals
  if (c >= 0x391 && c <= 0x3A9) {
    c += 32;
    return Kind::Letter;
  }  // Greek capitals
  if (c >= 0x410 && c <= 0x42F) {
    c += 32;
    return Kind::Letter;
  }  // Cyrillic capitals
  if (c >= 0x400 && c <= 0x40F) {
    c += 80;
    return Kind::Letter;
  }
  if (c >= 0x2000 && c <= 0x2BFF) return Kind::Separator;  // punctuation, currency, arrows, maths
  if (c >= 0x3000 && c <= 0x303F) return Kind::Separator;  // CJK punctuation
  if (c >= 0xFE30 && c <= 0xFE6F) return Kind::Separator;  // CJK compatibility / small forms
  if (c >= 0xFF10 && c <= 0xFF19) {
    c = c - 0xFF10 + '0';
    return Kind::Letter;
  }  // full-width digits
  if (c >= 0xFF21 && c <= 0xFF3A) {
    c = c - 0xFF21 + 'a';
    return Kind::Letter;
  }
  if (c >= 0xFF41 && c <= 0xFF5A) {
    c = c - 0xFF41 + 'a';
    return Kind::Letter;
  }
  if (c >= 0xFF00 && c <= 0xFF65) return Kind::Separator;  // full-width punctuation
  if (c == 0xFEFF) return Kind::Separator;                 // BOM / zero-width no-break space
  if (isCjk(c)) return Kind::Cjk;
  return Kind::Letter;
}

constexpr uint64_t kFnvOffset = 1469598103934665603ULL;
constexpr uint64_t kFnvPrime = 1099511628211ULL;

uint64_t mixIn(uint64_t h, int32_t c) {
  for (int k = 0; k < 4; ++k) {
    h ^= static_cast<uint64_t>((c >> (8 * k)) & 0xFF);
    h *= kFnvPrime;
  }
  return h;
}

}  // namespace

std::vector<GroundingWord> tokenizeForGrounding(std::string_view text) {
  std::vector<GroundingWord> words;
  words.reserve(text.size() / 5);
  bool inWord = false;
  GroundingWord cur{kFnvOffset, 0, 0};
  size_t i = 0;
  while (i < text.size()) {
    int32_t c;
    const size_t len = decode(text, i, c);
    const Kind kind = classify(c);
    if (kind == Kind::Letter) {
      if (!inWord) cur = {kFnvOffset, static_cast<uint32_t>(i), 0};
      inWord = true;
      cur.hash = mixIn(cur.hash, c);
      cur.end = static_cast<uint32_t>(i + len);
    } else {
      if (inWord) words.push_back(cur);
      inWord = false;
      if (kind == Kind::Cjk)
        words.push_back({mixIn(kFnvOffset, c), static_cast<uint32_t>(i), static_cast<uint32_t>(i + len)});
    }
    i += len;
  }
  if (inWord) words.push_back(cur);
  return words;
}

}  // namespace longrl::grounding
