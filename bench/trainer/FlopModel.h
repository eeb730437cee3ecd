#pragma once
// The FLOPs benchthroughput counts for one model (the comment at the top of BenchThroughput.cpp
// says what is counted and what is not). Header-only: benches link no library of their own.
#include <cstdint>
#include <string>

#include <torch/torch.h>

#include "trainer/model/QwenForCausalLM.h"

namespace longrl::bench {

struct FlopModel {
  double matmulParams = 0;      // decoder matrix parameters one token goes through
  double attentionPerPair = 0;  // q k^T and p v of every layer and head, per (query, key) pair
  double lmHeadPerRow = 0;      // one position's logits

  explicit FlopModel(model::QwenForCausalLM& m) {
    const auto& c = m->config();
    for (const auto& p : m->named_parameters()) {
      const bool embedding = p.key().find("embed_tokens") != std::string::npos || p.key() == "lm_head.weight";
      if (p.value().dim() == 2 && !embedding) matmulParams += static_cast<double>(p.value().numel());
    }
    // MoE: the experts a token does not visit (all matrices) do no work for it.
    matmulParams -= static_cast<double>(m->parameterCount() - m->activeParameterCount());
    attentionPerPair = 4.0 * static_cast<double>(c.numHiddenLayers * c.numAttentionHeads * c.headDim);
    lmHeadPerRow = 2.0 * static_cast<double>(c.vocabSize) * static_cast<double>(c.hiddenSize);
  }
  // Query positions [first, first + count) of a causal sequence: position t sees t + 1 keys.
  static double pairs(int64_t first, int64_t count) {
    const double a = static_cast<double>(first) + 1, b = static_cast<double>(first + count);
    return (a + b) * static_cast<double>(count) / 2;
  }
  // A forward of positions [first, first + count) with `lmRows` of them through the lm_head.
  double forward(int64_t first, int64_t count, int64_t lmRows) const {
    return 2 * matmulParams * static_cast<double>(count) + attentionPerPair * pairs(first, count) +
           lmHeadPerRow * static_cast<double>(lmRows);
  }
};

}  // namespace longrl::bench
