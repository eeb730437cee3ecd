#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace longrl::behavior {

// A step of a reasoning trace: byte range [begin, end), trimmed of white space, never empty.
struct TraceStep {
  size_t begin = 0;
  size_t end = 0;
};

// Splits text[from, to) into steps: every line is a step, and a line holds several when it has
// sentences: '.', '!' or '?' followed by white space (or the end) ends one, as do '。', '！', '？'.
// A period does not end a step after an enumeration marker alone ("1.", "a.": the item is the step),
// inside "e.g."/"i.e." or after a title such as "Dr.".
std::vector<TraceStep> splitTraceSteps(std::string_view text, size_t from, size_t to);

// A word or punctuation mark of a step, for matching cue phrases. `text` is ASCII-lower-cased with
// apostrophes dropped ("Let's" -> "lets", "that’s" -> "thats"); a decimal such as "3.5" is one
// word. Punctuation tokens: , : ; . ! ? ( ). Everything else (spaces, hyphens, quotes, markdown
// marks, non-ASCII) separates words: "double-check" is "double" "check".
struct CueToken {
  uint32_t begin = 0;
  uint32_t end = 0;
  std::string text;
};

// The tokens of text[from, to), appended to `out` (cleared first).
void tokenizeCues(std::string_view text, size_t from, size_t to, std::vector<CueToken>& out);

}  // namespace longrl::behavior
