#pragma once
#include <cstddef>

namespace longrl::grounding {

// A passage of a reasoning trace that quotes or closely paraphrases a passage of the document.
// Byte ranges [begin, end) into the original UTF-8 strings, from the first matched word's first byte
// to the last matched word's last byte (always code point boundaries).
struct GroundingSpan {
  size_t traceBegin = 0;
  size_t traceEnd = 0;
  size_t docBegin = 0;
  size_t docEnd = 0;
  size_t matchedWords = 0;  // words aligned equal on both sides
  size_t traceWords = 0;    // words in the trace range
  size_t docWords = 0;      // words in the document range
  double score = 0;         // matchedWords / max(traceWords, docWords): 1 for a verbatim quote
};

}  // namespace longrl::grounding
