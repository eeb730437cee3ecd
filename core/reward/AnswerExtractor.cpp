#include "core/reward/AnswerExtractor.h"

#include <algorithm>
#include <cctype>

namespace longrl::reward {

namespace {
bool isSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

void eraseAll(std::string& s, const std::string& what) {
  for (size_t p = s.find(what); p != std::string::npos; p = s.find(what, p)) s.erase(p, what.size());
}
}  // namespace

std::string AnswerExtractor::trim(const std::string& s) {
  size_t b = 0, e = s.size();
  while (b < e && isSpace(s[b])) ++b;
  while (e > b && isSpace(s[e - 1])) --e;
  return s.substr(b, e - b);
}

std::string AnswerExtractor::toLowerAscii(std::string s) {
  for (char& c : s)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return s;
}

std::string AnswerExtractor::clean(const std::string& text) {
  std::string s = text;
  s.erase(std::remove(s.begin(), s.end(), '*'), s.end());
  // Qwen / DeepSeek end-of-turn markers (the DeepSeek ones use full-width bars).
  for (const char* tok : {"<|im_end|>", "<|endoftext|>", "<|end_of_text|>", "<|eot_id|>",
                          "<\xEF\xBD\x9C"
                          "Assistant\xEF\xBD\x9C>",
                          "<\xEF\xBD\x9C"
                          "end\xE2\x96\x81of\xE2\x96\x81sentence\xEF\xBD\x9C>"})
    eraseAll(s, tok);
  return s;
}

std::optional<std::string> AnswerExtractor::afterThink(const std::string& response) {
  const size_t p = response.rfind(kThinkEnd);
  if (p == std::string::npos) return std::nullopt;
  return trim(clean(response.substr(p + std::char_traits<char>::length(kThinkEnd))));
}

std::vector<size_t> AnswerExtractor::phraseEnds(const std::string& text, const std::string& phrase) {
  std::vector<size_t> ends;
  if (phrase.empty()) return ends;
  const std::string lower = toLowerAscii(text);
  const std::string needle = toLowerAscii(phrase);
  for (size_t p = lower.find(needle); p != std::string::npos; p = lower.find(needle, p + 1))
    ends.push_back(p + needle.size());
  return ends;
}

std::optional<std::string> AnswerExtractor::afterLastPhrase(const std::string& text, const std::string& phrase) {
  const auto ends = phraseEnds(text, phrase);
  if (ends.empty()) return std::nullopt;
  return text.substr(ends.back());
}

}  // namespace longrl::reward
