#pragma once
#include <cstddef>
#include <cstdint>

// Unicode character data for the tokenizer (letters/numbers for the pre-tokenizer regex, and the
// NFC normalisation data). The arrays live in the generated UnicodeTables.cpp; the lookups in
// UnicodeData.cpp.
namespace longrl::tokenizer::unicode_data {

struct CodeRange {
  char32_t first, last;
};
struct ClassRange {
  char32_t first, last;
  uint8_t value;
};
struct Decomposition {
  char32_t cp;
  uint16_t offset;  // into kDecompositionPool
  uint8_t length;
};
struct Composition {
  char32_t first, second, composite;  // sorted by (first, second)
};

extern const char* const kUnicodeVersion;
extern const CodeRange kLetters[];
extern const size_t kLettersCount;
extern const CodeRange kNumbers[];
extern const size_t kNumbersCount;
extern const CodeRange kNfcUnsafe[];
extern const size_t kNfcUnsafeCount;
extern const ClassRange kCombiningClasses[];
extern const size_t kCombiningClassesCount;
extern const char32_t kDecompositionPool[];
extern const Decomposition kDecompositions[];
extern const size_t kDecompositionsCount;
extern const Composition kCompositions[];
extern const size_t kCompositionsCount;

}  // namespace longrl::tokenizer::unicode_data
