#pragma once
#include <string>
#include <string_view>
#include <vector>

// Character properties and UTF-8 helpers used by the tokenizer. Semantics follow JavaScript
// regular expressions with the `u` flag, because the reference tokenizer is the JavaScript one:
// \p{L} = general category L*, \p{N} = N*, \s = JS WhiteSpace + LineTerminator (includes U+FEFF,
// excludes U+0085, unlike Unicode White_Space).
namespace longrl::tokenizer::unicode {

const char* version();  // Unicode version of the generated tables
bool isLetter(char32_t cp);
bool isNumber(char32_t cp);
bool isWhitespace(char32_t cp);
int combiningClass(char32_t cp);
// False when `cp` is a composition boundary (ccc 0, unchanged by NFC, never combines backward).
bool isNfcUnsafe(char32_t cp);
// Appends the full canonical decomposition of `cp` (or `cp` itself) to `out`.
void decompose(char32_t cp, std::u32string& out);
// The primary composite of the pair, or 0.
char32_t compose(char32_t first, char32_t second);

// Decodes one code point at `pos` and advances it; invalid bytes decode as U+FFFD (one byte).
char32_t decodeUtf8(std::string_view s, size_t& pos);
void appendUtf8(char32_t cp, std::string& out);
std::u32string toUtf32(std::string_view s);
std::string toUtf8(std::u32string_view s);
// Replaces invalid UTF-8 with U+FFFD the way TextDecoder does (one per maximal bad subpart).
std::string sanitizeUtf8(std::string_view bytes);
bool isValidUtf8(std::string_view bytes);
// The byte offset of the first invalid UTF-8 sequence, or std::string_view::npos when all is valid.
size_t firstInvalidUtf8(std::string_view bytes);

}  // namespace longrl::tokenizer::unicode
