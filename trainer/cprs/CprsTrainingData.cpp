#include "trainer/cprs/CprsTrainingData.h"

#include <stdexcept>

#include "core/cprs/CprsPrompt.h"
#include "core/cprs/DemoSupport.h"
#include "trainer/cprs/DocumentTokens.h"

namespace longrl::cprs {
namespace {

std::vector<int> labelsFor(const DocumentTokens& doc, const std::vector<TextSpan>& support) {
  std::vector<int> labels(doc.ids.size(), 0);
  for (std::size_t i = 0; i < labels.size(); ++i)
    for (const auto& s : support)
      if (s.overlaps(doc.spans[i])) labels[i] = 1;
  return labels;
}

}  // namespace

std::vector<int> CprsTrainingData::tokenLabels(const tokenizer::Tokenizer& tok, const demo::DemoExample& ex) {
  return labelsFor(DocumentTokens::encode(tok, ex.document), DemoSupport::sentences(ex));
}

WindowBatch CprsTrainingData::windows(const tokenizer::Tokenizer& tok, const demo::DemoExample& ex,
                                      int64_t windowTokens) {
  const auto prefix = tok.encode(CprsPrompt::prefix(CprsPrompt::defaultInstruction(), ex.question), false);
  const int64_t room = windowTokens - static_cast<int64_t>(prefix.size());
  if (room <= 0)
    throw std::invalid_argument("the training prompt takes " + std::to_string(prefix.size()) + " tokens of the " +
                                std::to_string(windowTokens) + "-token window");
  const auto doc = DocumentTokens::encode(tok, ex.document);
  const auto labels = labelsFor(doc, DemoSupport::sentences(ex));
  return WindowBatch::make(prefix, doc.ids, WindowPlan::cut(doc.ids.size(), static_cast<std::size_t>(room)), labels);
}

}  // namespace longrl::cprs
