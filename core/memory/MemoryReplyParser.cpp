#include "core/memory/MemoryReplyParser.h"

#include <algorithm>
#include <cctype>
#include <optional>

namespace longrl::memory {

namespace {

std::string lowered(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

std::string trimmed(std::string_view s) {
  const auto b = s.find_first_not_of(" \t\r\n");
  if (b == std::string_view::npos) return {};
  const auto e = s.find_last_not_of(" \t\r\n");
  return std::string(s.substr(b, e - b + 1));
}

struct Extracted {
  std::string text;
  bool closed = false;
};

// The last closed <tag> block after `from`, or else the text of an unclosed last opening up to the
// next tag of the protocol (or the end).
std::optional<Extracted> extract(std::string_view reply, const std::string& lower, std::size_t from,
                                 const std::string& tag) {
  const std::string open = "<" + tag + ">", close = "</" + tag + ">";
  std::optional<Extracted> lastClosed, unclosed;
  for (std::size_t p = lower.find(open, from); p != std::string::npos;) {
    const std::size_t start = p + open.size();
    const std::size_t end = lower.find(close, start);
    const std::size_t nextOpen = lower.find(open, start);
    if (end != std::string::npos && (nextOpen == std::string::npos || end < nextOpen)) {
      lastClosed = Extracted{trimmed(reply.substr(start, end - start)), true};
      p = lower.find(open, end + close.size());
      continue;
    }
    if (nextOpen == std::string::npos) {
      std::size_t stop = lower.size();
      for (const char* other : {"<memory>", "</memory>", "<plan>", "</plan>"})
        if (const auto q = lower.find(other, start); q != std::string::npos) stop = std::min(stop, q);
      unclosed = Extracted{trimmed(reply.substr(start, stop - start)), false};
    }
    p = nextOpen;
  }
  if (lastClosed) return lastClosed;
  return unclosed;
}

}  // namespace

MemoryUpdate MemoryReplyParser::parse(std::string_view reply, const std::string& previousMemory,
                                      const std::string& previousPlan) {
  const std::string lower = lowered(reply);
  std::size_t from = 0;
  if (const auto t = lower.rfind("</think>"); t != std::string::npos) from = t + 8;

  MemoryUpdate u;
  std::string problems;
  auto note = [&](const std::string& p) { problems += (problems.empty() ? "" : "; ") + p; };
  // Each tag alone: a reply may get one right and the other wrong.
  auto read = [&](const char* tag, const std::string& previous, std::string& value, bool& fromReply) {
    if (const auto e = extract(reply, lower, from, tag)) {
      value = e->text;
      fromReply = true;
      if (!e->closed) note(std::string("<") + tag + "> not closed");
    } else {
      value = previous;
      note(std::string("no <") + tag + "> in the reply: the previous " + tag + " is kept");
    }
  };
  read("memory", previousMemory, u.memory, u.memoryFromReply);
  read("plan", previousPlan, u.plan, u.planFromReply);
  u.problem = problems;
  return u;
}

}  // namespace longrl::memory
