#pragma once
#include <functional>
#include <vector>

#include <torch/torch.h>

#include "core/plan/GenerationBatches.h"
#include "trainer/engine/GeneratedSample.h"
#include "trainer/engine/SamplingParams.h"
#include "trainer/engine/StopStringMatcher.h"
#include "trainer/model/QwenForCausalLM.h"

namespace longrl::engine {

class TokenSampler;

struct EngineOptions {
  std::vector<int> eosTokenIds;  // end every sample unless SamplingParams::ignoreEos
  Detokenizer detokenize;        // needed only for stop strings
  // Prompts decoded together, at most; more are run batch after batch. Their n samples decode
  // together too, so a batch holds up to maxPromptsPerBatch * n rows, and fewer prompts when their
  // rows x (longest prompt + max_new_tokens) would exceed maxBatchKvTokens (plan::GenerationBatches).
  int64_t maxPromptsPerBatch = plan::GenerationBatches::kMaxPrompts;
  int64_t maxBatchKvTokens = plan::GenerationBatches::kMaxKvTokens;
  // The prefill runs in slices of this many positions through the cache, which bounds the
  // attention score memory of long documents (0 = the whole prompt at once).
  int64_t prefillChunkTokens = 2048;
  int padTokenId = 0;  // filler id under the left padding (never attended to)
};

// Called for every generated token: (output index of the sample, token id, its log-prob).
// Returning false aborts the whole generate() call (samples still running end as "abort").
using TokenCallback = std::function<bool(size_t sample, int token, float logprob)>;

// Batched sampling with a KV cache. For each batch of prompts: prefill each prompt once (however
// large n is), stack their caches left-padded into P * n rows, then decode all rows together,
// dropping rows as they finish. Greedy output equals greedy
// recomputation without the cache (tests/trainer/TestEngineGeneration.cpp checks it).
// Not thread-safe (nor is the model): serialise calls.
class GenerationEngine {
 public:
  GenerationEngine(model::QwenForCausalLM model, EngineOptions options);

  // Samples in output order: prompt-major, prompt p's sample j at p * n + j.
  // Throws std::invalid_argument for an empty prompt, an id outside the vocabulary or bad params.
  std::vector<GeneratedSample> generate(const std::vector<std::vector<int>>& prompts, const SamplingParams& params,
                                        const TokenCallback& onToken = {});

  // The [begin, end) prompt ranges generate() runs as batches, in order.
  std::vector<std::pair<size_t, size_t>> batches(const std::vector<std::vector<int>>& prompts,
                                                 const SamplingParams& params) const;

  model::QwenForCausalLM& model() { return model_; }
  const EngineOptions& options() const { return options_; }

 private:
  // Returns false when the callback aborted.
  bool runBatch(const std::vector<std::vector<int>>& prompts, size_t first, size_t count, const SamplingParams& params,
                TokenSampler& sampler, const StopStringMatcher& stops, const TokenCallback& onToken,
                std::vector<GeneratedSample>& out);
  // Prompts [first, first + count) left-padded into one forward through `cache`: next-token logits [count, V].
  torch::Tensor prefill(const std::vector<std::vector<int>>& prompts, size_t first, size_t count,
                        model::KvCache& cache);

  model::QwenForCausalLM model_;
  EngineOptions options_;
  torch::Device device_;
};

}  // namespace longrl::engine
