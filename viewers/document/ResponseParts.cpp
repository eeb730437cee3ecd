#include "viewers/document/ResponseParts.h"

namespace longrl::viewers {
namespace {
bool isSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

void trim(std::string_view s, std::size_t& b, std::size_t& e) {
  while (b < e && isSpace(s[b])) ++b;
  while (e > b && isSpace(s[e - 1])) --e;
}
}  // namespace

ResponseParts ResponseParts::split(std::string_view response) {
  static constexpr std::string_view kOpen = "<think>", kClose = "</think>";
  ResponseParts p;
  std::size_t thinkEnd = response.size();
  const auto close = response.rfind(kClose);
  if (close != std::string_view::npos) {
    p.closed = true;
    thinkEnd = close;
    p.answerBegin = close + kClose.size();
    p.answerEnd = response.size();
    trim(response, p.answerBegin, p.answerEnd);
  } else {
    p.answerBegin = p.answerEnd = response.size();
  }
  std::size_t b = 0;
  trim(response, b, thinkEnd);
  if (response.substr(b, kOpen.size()) == kOpen) b += kOpen.size();
  trim(response, b, thinkEnd);
  p.thinkBegin = b;
  p.thinkEnd = thinkEnd;
  return p;
}

}  // namespace longrl::viewers
