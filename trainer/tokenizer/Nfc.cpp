#include "trainer/tokenizer/Nfc.h"

#include <algorithm>
#include <vector>

#include "trainer/tokenizer/Unicode.h"

namespace longrl::tokenizer {
namespace uc = unicode;

std::u32string Nfc::normalizeSegment(std::u32string_view text) {
  std::u32string d;
  d.reserve(text.size() + 4);
  for (char32_t c : text) uc::decompose(c, d);
  // Canonical ordering: stable sort of each run of non-starters by combining class.
  for (size_t i = 0; i < d.size();) {
    if (uc::combiningClass(d[i]) == 0) {
      ++i;
      continue;
    }
    size_t j = i;
    while (j < d.size() && uc::combiningClass(d[j]) != 0) ++j;
    std::stable_sort(d.begin() + i, d.begin() + j,
                     [](char32_t a, char32_t b) { return uc::combiningClass(a) < uc::combiningClass(b); });
    i = j;
  }
  // Canonical composition (UAX #15): combine each character with the last starter unless blocked.
  std::u32string out;
  out.reserve(d.size());
  long starter = -1;
  int lastClass = -1;
  for (char32_t c : d) {
    const int cc = uc::combiningClass(c);
    if (starter >= 0) {
      const bool blocked = lastClass != -1 && (lastClass == 0 || lastClass >= cc);
      if (!blocked) {
        if (char32_t comp = uc::compose(out[static_cast<size_t>(starter)], c)) {
          out[static_cast<size_t>(starter)] = comp;
          continue;
        }
      }
    }
    if (cc == 0) {
      starter = static_cast<long>(out.size());
      lastClass = -1;
    } else {
      lastClass = cc;
    }
    out.push_back(c);
  }
  return out;
}

std::string Nfc::normalize(std::string_view utf8) {
  std::string out;
  out.reserve(utf8.size());
  size_t copied = 0;  // bytes of `utf8` already handled
  size_t pos = 0;
  size_t prevStart = 0;  // byte offset of the previous character
  while (pos < utf8.size()) {
    if (static_cast<unsigned char>(utf8[pos]) < 0x80) {
      prevStart = pos++;
      continue;
    }
    const size_t start = pos;
    const char32_t cp = uc::decodeUtf8(utf8, pos);
    if (!uc::isNfcUnsafe(cp) && !(cp == 0xFFFD && pos - start != 3)) {
      prevStart = start;
      continue;
    }
    // Rebuild from the previous character (a composition boundary) to the next boundary.
    const size_t segStart = start > copied ? prevStart : start;
    size_t segEnd = pos;
    while (segEnd < utf8.size()) {
      size_t next = segEnd;
      const char32_t c = uc::decodeUtf8(utf8, next);
      if (!uc::isNfcUnsafe(c)) break;
      segEnd = next;
    }
    out.append(utf8.substr(copied, segStart - copied));
    out += uc::toUtf8(normalizeSegment(uc::toUtf32(utf8.substr(segStart, segEnd - segStart))));
    copied = segEnd;
    pos = segEnd;
    prevStart = segEnd;
  }
  out.append(utf8.substr(copied));
  return out;
}

}  // namespace longrl::tokenizer
