#pragma once
#include <cstdint>
#include <string_view>
#include <vector>

namespace longrl::grounding {

// One word of a text: the hash of its case-folded form and its byte range in the original UTF-8.
struct GroundingWord {
  uint64_t hash;
  uint32_t begin;  // byte offset of the first byte
  uint32_t end;    // byte offset one past the last byte
};

// Splits UTF-8 text into words for grounding. A word is a run of letters/digits (ASCII folded to
// lower case, as are Latin-1, Greek and Cyrillic capitals and full-width ASCII); punctuation, symbols
// and spaces separate words and are otherwise ignored. CJK ideographs, kana and hangul syllables are
// one word each (those scripts have no spaces). Invalid UTF-8 bytes are separators. Offsets always
// fall on code point boundaries.
std::vector<GroundingWord> tokenizeForGrounding(std::string_view text);

}  // namespace longrl::grounding
