#pragma once
#include <utility>
#include <vector>

#include <torch/torch.h>

#include "trainer/engine/SamplingParams.h"

namespace longrl::engine {

// Draws the next token of every row from its logits, with one seeded generator for a whole
// generate() call, or one per prompt (SamplingParams::promptSeeds). Sampling runs on the CPU in
// float32 so that a seed gives the same tokens whatever device or dtype the model uses.
class TokenSampler {
 public:
  explicit TokenSampler(const SamplingParams& params);

  // logits [R, V] -> {tokens [R] int64, logprobs [R] float32} (CPU tensors). The log-prob is
  // that of GeneratedSample::logprobs: full-vocabulary log_softmax(logits / temperature).
  // rowPrompt[r] is row r's prompt index, needed with per-prompt seeds: a prompt's rows must be
  // contiguous, and each run of them draws from that prompt's generator.
  std::pair<torch::Tensor, torch::Tensor> sample(const torch::Tensor& logits,
                                                 const std::vector<size_t>& rowPrompt = {});

  // The distribution draws are made from ([R, V] logits / temperature with -inf outside the
  // top-k and top-p sets). Exposed for tests.
  torch::Tensor filteredLogits(const torch::Tensor& logits) const;

 private:
  torch::Tensor draw(const torch::Tensor& probs, const std::vector<size_t>& rowPrompt);

  SamplingParams params_;
  std::vector<at::Generator> generators_;  // one, or one per prompt
};

}  // namespace longrl::engine
