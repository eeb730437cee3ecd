#pragma once
#include <array>
#include <string>
#include <string_view>

namespace longrl::tokenizer {

// GPT-2's reversible byte <-> printable character map used by byte-level BPE vocabularies:
// printable Latin-1 bytes map to themselves, the other 68 bytes to U+0100.. in byte order.
class ByteLevel {
 public:
  static char32_t byteToChar(unsigned char b);
  // UTF-8 of the mapped characters of `bytes` (e.g. " hi" -> "Ġhi").
  static std::string encode(std::string_view bytes);
  // Inverse of encode(); returns false when a character is outside the map.
  static bool decode(std::string_view tokenText, std::string& bytes);
};

}  // namespace longrl::tokenizer
