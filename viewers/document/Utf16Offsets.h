#pragma once
#include <cstddef>
#include <string_view>
#include <vector>

namespace longrl::viewers {

// Byte offsets into UTF-8 text (what core reports) -> positions in the QString that
// QString::fromUtf8 makes of it (what Qt widgets take): a code point above U+FFFF is two UTF-16
// units, every other one is one; an invalid byte becomes one U+FFFD, as Qt decodes it.
class Utf16Offsets {
 public:
  // One pass over the text for any number of offsets (in any order; returned in the same order).
  // An offset inside a multi-byte sequence maps to the position of that code point; offsets past
  // the end map to the end.
  static std::vector<int> fromUtf8(std::string_view text, const std::vector<std::size_t>& byteOffsets);
  // Length of a UTF-8 sequence starting with `lead`, 1 for a byte that cannot start one.
  static int sequenceLength(unsigned char lead);
};

}  // namespace longrl::viewers
