#include "trainer/tokenizer/ThinkStream.h"

#include <algorithm>
#include <string_view>

namespace longrl::tokenizer {
namespace {

constexpr std::string_view kOpen = "<think>", kClose = "</think>";

bool isSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

std::size_t skipSpace(const std::string& s, std::size_t p) {
  while (p < s.size() && isSpace(s[p])) ++p;
  return p;
}

// Length of the longest suffix of `s` that is a proper prefix of </think> (it may become one).
std::size_t partialCloseAtEnd(const std::string& s) {
  for (std::size_t n = std::min(s.size(), kClose.size() - 1); n > 0; --n)
    if (std::string_view(s).substr(s.size() - n) == kClose.substr(0, n)) return n;
  return 0;
}

}  // namespace

std::string ThinkStream::push(const std::string& text, bool final) {
  if (done_) return "";
  std::size_t start = skipSpace(text, 0);
  const std::string_view rest = std::string_view(text).substr(start);
  if (rest.substr(0, kOpen.size()) == kOpen) {
    start = skipSpace(text, start + kOpen.size());
  } else if (rest.size() < kOpen.size() && kOpen.substr(0, rest.size()) == rest && !final) {
    return "";  // may still become <think>
  } else if (!opened_) {
    done_ = true;  // no thinking block: the response is all answer
    return "";
  }
  std::size_t end = text.size();
  if (const auto close = text.find(kClose, start); close != std::string::npos) {
    end = close;
    done_ = true;
  } else if (!final) {
    end -= partialCloseAtEnd(text);
  }
  while (end > start && isSpace(text[end - 1])) --end;  // trailing whitespace is trimmed (or not yet known)
  if (final) done_ = true;
  const std::size_t from = std::max(start, sent_);
  if (end <= from) return "";
  sent_ = end;
  return text.substr(from, end - from);
}

}  // namespace longrl::tokenizer
