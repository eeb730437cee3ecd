#include "core/dataset/PromptTemplate.h"

namespace longrl::dataset {
namespace {

const std::string kHead = "Please read the following text and answer the question below.\n\n<text>\n";
const std::string kClose = "\n</text>\n\n";
const std::string kTail = "\n\nFormat your response as follows: \"Therefore, the answer is (insert answer here)\".";
const std::string kOpen = "<text>\n";
const std::string kFormatParagraph = "\n\nFormat your response as follows:";

bool startsWith(const std::string& s, const std::string& p) { return s.compare(0, p.size(), p) == 0; }
bool endsWith(const std::string& s, const std::string& p) {
  return s.size() >= p.size() && s.compare(s.size() - p.size(), p.size(), p) == 0;
}

}  // namespace

const std::string& PromptTemplate::answerFormat() { return kTail; }

std::string PromptTemplate::build(const std::string& document, const std::string& question) {
  return kHead + document + kClose + question + kTail;
}

std::optional<PromptTemplate::Parts> PromptTemplate::parse(const std::string& content) {
  if (startsWith(content, kHead) && endsWith(content, kTail) && content.size() >= kHead.size() + kTail.size()) {
    const std::string middle = content.substr(kHead.size(), content.size() - kHead.size() - kTail.size());
    // The question is short and the document long: the last closing tag is the real one.
    const size_t close = middle.rfind(kClose);
    if (close != std::string::npos) return Parts{middle.substr(0, close), middle.substr(close + kClose.size())};
  }
  const size_t open = content.find(kOpen);
  if (open == std::string::npos || (open > 0 && content[open - 1] != '\n')) return std::nullopt;
  const size_t docBegin = open + kOpen.size();
  const size_t close = content.rfind(kClose);
  if (close == std::string::npos || close + 1 < docBegin) return std::nullopt;
  Parts parts;
  parts.document = close >= docBegin ? content.substr(docBegin, close - docBegin) : std::string();
  parts.question = content.substr(close + kClose.size());
  const size_t format = parts.question.rfind(kFormatParagraph);
  if (format != std::string::npos) parts.question.resize(format);
  return parts;
}

}  // namespace longrl::dataset
