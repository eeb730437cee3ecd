#include "trainer/cprs/CprsEvaluation.h"

#include <algorithm>

#include "core/cprs/CprsPrompt.h"
#include "core/cprs/DemoSupport.h"
#include "core/demo/DemoExampleGenerator.h"

namespace longrl::cprs {

std::vector<demo::DemoExample> CprsEvaluation::heldOut(uint64_t seed, int64_t count, int band, int fillers) {
  // Training draws generator seeds seed * 1000003 + i with i < steps * examples; these start 2^40 on.
  std::vector<demo::DemoExample> out;
  for (int64_t i = 0; i < count; ++i) {
    demo::DemoExampleGenerator gen(seed * 1000003ULL + (1ULL << 40) + static_cast<uint64_t>(i));
    out.push_back(band >= static_cast<int>(demo::DemoExampleGenerator::bands().size())
                      ? gen.generateBeyondWindow(fillers)
                      : gen.generate(band));
  }
  return out;
}

CprsEvaluation CprsEvaluation::run(CprsCompressor& compressor, const std::vector<demo::DemoExample>& examples,
                                   const CprsCompressor::Options& options) {
  CprsEvaluation e;
  std::size_t docBytes = 0, keptBytes = 0, docTokens = 0, keptTokens = 0;
  for (const auto& ex : examples) {
    const auto c = compressor.compress(ex.document, CprsPrompt::defaultInstruction(), ex.question, options);
    std::vector<TextSpan> kept;
    for (const auto& s : c.spans) kept.push_back(s.span);
    const double r = DemoSupport::recall(ex.document, DemoSupport::sentences(ex), kept);
    e.recall += r;
    e.allSupportKept += r >= 1.0 ? 1.0 : 0.0;
    docBytes += c.documentBytes;
    keptBytes += c.keptBytes;
    docTokens += c.documentTokens;
    keptTokens += c.keptTokens;
    ++e.examples;
  }
  if (e.examples == 0) return e;
  e.recall /= static_cast<double>(e.examples);
  e.allSupportKept /= static_cast<double>(e.examples);
  e.ratio = static_cast<double>(docBytes) / static_cast<double>(std::max<std::size_t>(1, keptBytes));
  e.keptTokenFraction = static_cast<double>(keptTokens) / static_cast<double>(std::max<std::size_t>(1, docTokens));
  return e;
}

nlohmann::json CprsEvaluation::toJson() const {
  return {{"examples", examples},
          {"recall", recall},
          {"all_support_kept", allSupportKept},
          {"ratio", ratio},
          {"kept_token_fraction", keptTokenFraction}};
}

}  // namespace longrl::cprs
