#include "core/memory/MemoryPrompt.h"

#include "core/dataset/PromptTemplate.h"

namespace longrl::memory {

namespace {
const std::string& orEmpty(const std::string& s) {
  static const std::string empty = MemoryPrompt::kEmpty;
  return s.empty() ? empty : s;
}
}  // namespace

std::string MemoryPrompt::section(const std::string& question, const std::string& memory, const std::string& plan,
                                  const std::string& sectionText, int index, int count) {
  return "You are reading a long text one section at a time in order to answer a question. Your memory holds what "
         "you kept from the sections before; your plan says what to look for next.\n\n<question>\n" +
         question + "\n</question>\n\n<memory>\n" + orEmpty(memory) + "\n</memory>\n\n<plan>\n" + orEmpty(plan) +
         "\n</plan>\n\n<section " + std::to_string(index + 1) + " of " + std::to_string(count) + ">\n" + sectionText +
         "\n</section>\n\nRewrite the memory: keep what still helps to answer the question and add what this section "
         "adds. Then rewrite the plan. Reply as <memory>...</memory> <plan>...</plan>.";
}

std::string MemoryPrompt::final(const std::string& question, const std::string& memory) {
  return "You have read a long text one section at a time and kept this memory of it.\n\n<memory>\n" + orEmpty(memory) +
         "\n</memory>\n\nAnswer the question from the memory.\n\n" + question + dataset::PromptTemplate::answerFormat();
}

}  // namespace longrl::memory
