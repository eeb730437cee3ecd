#include "core/cprs/CprsPrompt.h"

namespace longrl::cprs {

std::string CprsPrompt::prefix(const std::string& instruction, const std::string& query) {
  return "Instruction: " + instruction + "\nQuestion: " + query + "\nDocument:\n";
}

const std::string& CprsPrompt::defaultInstruction() {
  static const std::string text = "Keep the sentences needed to answer the question.";
  return text;
}

}  // namespace longrl::cprs
