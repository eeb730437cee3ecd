#pragma once
#include <torch/torch.h>

#include "trainer/model/QwenForCausalLM.h"
#include "trainer/train/SequenceBatch.h"
#include "trainer/train/TokenLogProbs.h"

namespace longrl::train {

// TokenLogProbs::compute for a batch whose rows share prompts (a GRPO group: G responses to one
// document). Each distinct prompt goes through the model once, into a KV cache that keeps its
// autograd history; the cache is expanded to the group's rows and only the responses run on top
// of it. The prompt's gradient is then accumulated once from all G responses instead of being
// computed G times: with long documents and short answers (the QwenLong setting) the forward and
// backward shrink by nearly G. Same values and gradients as the padded batch, up to rounding.
class SharedPromptLogProbs {
 public:
  static TokenLogProbsResult compute(model::QwenForCausalLM& model, const SequenceBatch& batch, double temperature,
                                     bool withEntropy);
};

}  // namespace longrl::train
