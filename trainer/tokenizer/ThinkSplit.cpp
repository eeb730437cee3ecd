#include "trainer/tokenizer/ThinkSplit.h"

namespace longrl::tokenizer {
namespace {

std::string trim(std::string_view s) {
  const char* ws = " \t\r\n\f\v";
  const auto b = s.find_first_not_of(ws);
  if (b == std::string_view::npos) return {};
  return std::string(s.substr(b, s.find_last_not_of(ws) - b + 1));
}

}  // namespace

ThinkSplit ThinkSplit::split(std::string_view response) {
  static constexpr std::string_view kOpen = "<think>", kClose = "</think>";
  ThinkSplit out;
  const auto close = response.rfind(kClose);
  std::string_view thinking = response;
  if (close != std::string_view::npos) {
    out.closed = true;
    out.answer = trim(response.substr(close + kClose.size()));
    thinking = response.substr(0, close);
  }
  // A leading <think> (possibly after whitespace) opens the thinking; the prompt may have sent it.
  const std::string t = trim(thinking);
  std::string_view tv(t);
  if (tv.substr(0, kOpen.size()) == kOpen) tv.remove_prefix(kOpen.size());
  out.thinking = trim(tv);
  return out;
}

}  // namespace longrl::tokenizer
