#pragma once
#include <string>

namespace longrl::cprs {

// The text the compressor reads before each window of the document: the instruction (what to
// keep), then the query. Training and inference build it here so that both see the same layout.
class CprsPrompt {
 public:
  static std::string prefix(const std::string& instruction, const std::string& query);
  // The instruction the demo training data uses (and `longrl compress` defaults to).
  static const std::string& defaultInstruction();
};

}  // namespace longrl::cprs
