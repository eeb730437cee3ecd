#pragma once
#include <string>
#include <string_view>

#include "core/memory/MemoryUpdate.h"

namespace longrl::memory {

// Reads <memory>...</memory> and <plan>...</plan> from a section call's reply. Small models write
// malformed replies, and a trajectory must go on: the last complete block of a tag wins; an opening
// tag whose reply ends (or reaches the other tag) before it closes still yields its text, as a reply
// cut by the token limit does; a tag that is missing keeps the previous value. Tags are matched
// without regard to case; text inside <think>...</think> is ignored.
class MemoryReplyParser {
 public:
  static MemoryUpdate parse(std::string_view reply, const std::string& previousMemory, const std::string& previousPlan);
};

}  // namespace longrl::memory
