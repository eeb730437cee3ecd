#include "viewers/document/Utf16Offsets.h"

#include <algorithm>
#include <numeric>

namespace longrl::viewers {

int Utf16Offsets::sequenceLength(unsigned char lead) {
  if (lead < 0x80) return 1;
  if (lead >= 0xC2 && lead <= 0xDF) return 2;
  if (lead >= 0xE0 && lead <= 0xEF) return 3;
  if (lead >= 0xF0 && lead <= 0xF4) return 4;
  return 1;  // continuation byte or invalid lead: decoded as one U+FFFD
}

namespace {
// Whether bytes [i, i + len) form a complete sequence (continuation bytes present).
bool complete(std::string_view t, std::size_t i, int len) {
  if (i + std::size_t(len) > t.size()) return false;
  for (int k = 1; k < len; ++k)
    if ((static_cast<unsigned char>(t[i + std::size_t(k)]) & 0xC0) != 0x80) return false;
  return true;
}
}  // namespace

std::vector<int> Utf16Offsets::fromUtf8(std::string_view text, const std::vector<std::size_t>& byteOffsets) {
  std::vector<std::size_t> order(byteOffsets.size());
  std::iota(order.begin(), order.end(), std::size_t(0));
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return byteOffsets[a] < byteOffsets[b]; });
  std::vector<int> out(byteOffsets.size(), 0);
  std::size_t i = 0;  // byte position
  int units = 0;      // UTF-16 units before byte i
  for (std::size_t k : order) {
    const std::size_t target = std::min(byteOffsets[k], text.size());
    while (i < text.size()) {
      int len = sequenceLength(static_cast<unsigned char>(text[i]));
      if (len > 1 && !complete(text, i, len)) len = 1;  // broken sequence: U+FFFD for the lead byte
      if (i + std::size_t(len) > target) break;         // target is at or inside this code point
      units += len == 4 ? 2 : 1;
      i += std::size_t(len);
    }
    out[k] = units;
  }
  return out;
}

}  // namespace longrl::viewers
