#pragma once
#include <string>

namespace longrl::memory {

// The user turns of a memory-agent trajectory (QwenLong-L1.5): one per document section, in which
// the model rewrites its memory and plan, and a final one that answers from the memory alone. The
// final turn asks for the recipe's answer format, so the usual reward extraction applies.
class MemoryPrompt {
 public:
  // Section `index` (0-based) of `count`.
  static std::string section(const std::string& question, const std::string& memory, const std::string& plan,
                             const std::string& sectionText, int index, int count);
  static std::string final(const std::string& question, const std::string& memory);

  // What an empty memory / plan is shown as, so the model sees the tags either way.
  static constexpr const char* kEmpty = "(empty)";
};

}  // namespace longrl::memory
