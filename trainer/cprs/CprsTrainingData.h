#pragma once
#include <cstdint>
#include <vector>

#include "core/demo/DemoExample.h"
#include "trainer/cprs/WindowBatch.h"
#include "trainer/tokenizer/Tokenizer.h"

namespace longrl::cprs {

// Compressor training batches from demo examples: the document tokenized as the compressor reads
// it (DocumentTokens), each token labelled keep (1) when it lies in a supporting sentence
// (DemoSupport) and drop (0) otherwise, cut into the same windows inference uses, each behind the
// default instruction and the example's question.
class CprsTrainingData {
 public:
  // Per document token: 1 inside a supporting sentence, else 0.
  static std::vector<int> tokenLabels(const tokenizer::Tokenizer& tok, const demo::DemoExample& ex);
  // All windows of `ex` as one batch (labels set). Throws std::invalid_argument when the prompt
  // leaves no room in `windowTokens`.
  static WindowBatch windows(const tokenizer::Tokenizer& tok, const demo::DemoExample& ex, int64_t windowTokens);
};

}  // namespace longrl::cprs
