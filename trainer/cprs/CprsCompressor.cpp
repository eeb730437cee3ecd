#include "trainer/cprs/CprsCompressor.h"

#include <algorithm>
#include <stdexcept>

#include "core/cprs/CprsPrompt.h"
#include "core/cprs/SpanSelector.h"
#include "core/cprs/WindowPlan.h"
#include "trainer/cprs/DocumentTokens.h"
#include "trainer/cprs/WindowBatch.h"

namespace longrl::cprs {

std::vector<int> CprsCompressor::prefixIds(const std::string& instruction, const std::string& query) const {
  return tok_.encode(CprsPrompt::prefix(instruction, query), /*parseSpecial=*/false);
}

int64_t CprsCompressor::prefixTokens(const std::string& instruction, const std::string& query) const {
  return static_cast<int64_t>(prefixIds(instruction, query).size());
}

std::vector<ScoredToken> CprsCompressor::score(const std::string& document, const std::string& instruction,
                                               const std::string& query, const Options& o) {
  const auto prefix = prefixIds(instruction, query);
  const int64_t room = o.windowTokens - static_cast<int64_t>(prefix.size());
  if (room <= o.overlap)
    throw std::invalid_argument("the instruction and query take " + std::to_string(prefix.size()) + " tokens of the " +
                                std::to_string(o.windowTokens) +
                                "-token window, leaving no room for the document (and its overlap)");
  const auto doc = DocumentTokens::encode(tok_, document);
  const auto windows =
      WindowPlan::cut(doc.ids.size(), static_cast<std::size_t>(room), static_cast<std::size_t>(o.overlap));
  std::vector<std::vector<double>> scores;
  torch::NoGradGuard noGrad;
  model_->eval();
  const auto step = static_cast<std::size_t>(std::max<int64_t>(1, o.batch));
  for (std::size_t b = 0; b < windows.size(); b += step) {
    const std::vector<WindowPlan::Window> part(windows.begin() + static_cast<std::ptrdiff_t>(b),
                                               windows.begin() +
                                                   static_cast<std::ptrdiff_t>(std::min(windows.size(), b + step)));
    const auto batch = WindowBatch::make(prefix, doc.ids, part);
    for (auto& s : batch.windowScores(model_->keepProbabilities(batch.ids, batch.mask), part))
      scores.push_back(std::move(s));
  }
  const auto merged = WindowPlan::merge(windows, scores, doc.ids.size());
  std::vector<ScoredToken> out;
  for (std::size_t i = 0; i < merged.size(); ++i) out.push_back({doc.spans[i], merged[i]});
  return out;
}

Compression CprsCompressor::compress(const std::string& document, const std::string& instruction,
                                     const std::string& query, const Options& o) {
  return SpanSelector::select(document, score(document, instruction, query, o), o.threshold, o.granularity);
}

}  // namespace longrl::cprs
