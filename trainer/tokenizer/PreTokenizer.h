#pragma once
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace longrl::tokenizer {

// The Qwen2/Qwen3 "Split" pre-tokenizer, a hand-compiled matcher for the regex
//   (?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+
// with JavaScript `u`-flag semantics (leftmost alternative wins, greedy with backtracking), and
// behaviour "Isolated": every match is its own piece. The contraction group is case-insensitive
// on ASCII letters only, as the JS reference rewrites it to [sS] etc.
class PreTokenizer {
 public:
  static const char* qwenPattern();
  // Byte ranges [begin, end) of the pieces of `utf8`, in order; together they cover the input.
  static void split(std::string_view utf8, std::vector<std::pair<size_t, size_t>>& pieces);
  static std::vector<std::string> splitToStrings(std::string_view utf8);
};

}  // namespace longrl::tokenizer
