#pragma once
#include <string_view>
#include <vector>

#include "core/cprs/TextSpan.h"

namespace longrl::cprs {

// The units a compressor keeps, as byte spans of a document (ASCII whitespace and punctuation
// decide; UTF-8 continuation bytes are never split).
class TextUnits {
 public:
  // Maximal runs of non-whitespace: a token's keyword.
  static std::vector<TextSpan> words(std::string_view text);
  // Spans that tile the whole text: each word with the whitespace before it (trailing whitespace
  // is a piece of its own). Tokenizing piece by piece gives every token one word, so one char span.
  static std::vector<TextSpan> pieces(std::string_view text);
  // Sentences: end after '.', '!' or '?' (and closing quotes or brackets) followed by whitespace or
  // the end, or at a paragraph break; spans trimmed of surrounding whitespace.
  static std::vector<TextSpan> sentences(std::string_view text);
  // Paragraphs: separated by a line that holds only whitespace; trimmed.
  static std::vector<TextSpan> paragraphs(std::string_view text);

  static bool isSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }
  // [b, e) without leading and trailing whitespace (empty span at e when all whitespace).
  static TextSpan trimmed(std::string_view text, std::size_t b, std::size_t e);
};

}  // namespace longrl::cprs
