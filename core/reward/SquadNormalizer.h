#pragma once
#include <string>

namespace longrl::reward {

// SQuAD answer normalisation, as the reference docqa scorer applies it: lowercase, remove ASCII
// punctuation, replace the articles a/an/the by a space, collapse whitespace.
// Bytes >= 0x80 (UTF-8 letters) are kept as word characters and are not lowercased.
class SquadNormalizer {
 public:
  static std::string normalize(const std::string& s);
};

}  // namespace longrl::reward
