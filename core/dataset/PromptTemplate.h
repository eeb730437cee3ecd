#pragma once
#include <optional>
#include <string>

namespace longrl::dataset {

// The QwenLong-L1 user prompt: one user turn, no system prompt.
//
//   Please read the following text and answer the question below.
//
//   <text>
//   $DOC$
//   </text>
//
//   $Q$
//
//   Format your response as follows: "Therefore, the answer is (insert answer here)".
class PromptTemplate {
 public:
  struct Parts {
    std::string document;
    std::string question;
  };

  static std::string build(const std::string& document, const std::string& question);
  // The closing paragraph that asks for "Therefore, the answer is ...", with the blank line before
  // it: other prompts that must be scored the same way (the memory agent's final call) end with it too.
  static const std::string& answerFormat();

  // Recovers document and question from a user turn. Exact template first (then build(parts) gives
  // back the input); failing that, any prompt with a `<text>\n...\n</text>\n\n` block (variants with
  // other instructions, e.g. multiple choice): the question is what follows the block, less a final
  // "Format your response as follows: ..." paragraph. nullopt when there is no such block.
  static std::optional<Parts> parse(const std::string& userContent);
};

}  // namespace longrl::dataset
