#include "core/behavior/BehaviorJudgePrompt.h"

namespace longrl::behavior {

namespace {

// The longest prefix of `text` of at most `n` bytes that does not split a UTF-8 sequence.
std::string_view utf8Prefix(std::string_view text, size_t n) {
  if (text.size() <= n) return text;
  while (n > 0 && (static_cast<unsigned char>(text[n]) & 0xC0) == 0x80) --n;
  return text.substr(0, n);
}

}  // namespace

const std::string& BehaviorJudgePrompt::systemMessage() {
  static const std::string kSystem =
      "You analyse the reasoning a language model wrote while answering a question about a document.\n"
      "Count how many distinct steps of the reasoning show each of these behaviours:\n"
      "\n"
      "1) Sub-goal setting: the model breaks the problem into smaller, intermediate goals it then pursues.\n"
      "   Example: \"First, I need to find when the contract was signed; then I can compare it with the "
      "deadline.\"\n"
      "2) Backtracking: the model realises a line of reasoning is wrong or leads nowhere and explicitly goes back "
      "to try a different approach.\n"
      "   Example: \"Wait, that figure is for 2022, not 2023. Let me go back and look for the 2023 revenue.\"\n"
      "3) Verification: the model checks an intermediate result or its answer, against the document or by "
      "recomputing it.\n"
      "   Example: \"Let me verify: 4.2 billion is 12% more than 3.75 billion, which matches the text.\"\n"
      "\n"
      "Count a step once per behaviour, however many phrases it uses; a step may show several behaviours. "
      "Count 0 when a behaviour does not occur. Do not judge whether the answer is right.\n"
      "\n"
      "Reply with exactly one JSON object and nothing else, in this form:\n"
      "{\"subgoal\": <count>, \"backtracking\": <count>, \"verification\": <count>}\n"
      "where each <count> is a non-negative integer.\n";
  return kSystem;
}

std::string BehaviorJudgePrompt::userMessage(std::string_view question, std::string_view document,
                                             std::string_view reasoning, size_t maxDocumentChars) {
  std::string u = "Question:\n";
  u += question;
  if (!document.empty()) {
    const std::string_view shown = utf8Prefix(document, maxDocumentChars);
    u += "\n\nDocument";
    if (shown.size() < document.size())
      u += " (its first " + std::to_string(shown.size()) + " of " + std::to_string(document.size()) + " bytes)";
    u += ":\n<document>\n";
    u += shown;
    u += "\n</document>";
  }
  u += "\n\nReasoning:\n<reasoning>\n";
  u += reasoning;
  u += "\n</reasoning>\n";
  return u;
}

}  // namespace longrl::behavior
