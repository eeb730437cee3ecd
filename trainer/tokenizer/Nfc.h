#pragma once
#include <string>
#include <string_view>

namespace longrl::tokenizer {

// Unicode NFC (canonical decomposition, canonical ordering, canonical composition), the
// tokenizer.json "NFC" normaliser. Text that is already NFC (almost all text) is copied through
// with one table look-up per character; only the segments around unsafe characters are rebuilt.
class Nfc {
 public:
  static std::string normalize(std::string_view utf8);
  // NFC of a code point sequence (no fast path).
  static std::u32string normalizeSegment(std::u32string_view text);
};

}  // namespace longrl::tokenizer
