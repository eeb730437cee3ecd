#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace longrl::engine {

// One completion. logprobs[i] is log p(tokenIds[i]) under softmax(logits / temperature) over
// the FULL vocabulary -- before top-k / top-p truncation, and with temperature 1 when sampling
// greedily. That is the policy's log-prob as verl's actor recomputes it (logits.div_(temperature)
// then log_softmax), so GRPO can use these as old log-probs.
struct GeneratedSample {
  size_t promptIndex = 0;
  int sampleIndex = 0;       // 0..n-1 within its prompt's group
  int64_t promptLength = 0;  // tokens of the prompt (no padding)
  std::vector<int> tokenIds;
  std::vector<float> logprobs;  // one per token id
  // "stop" (stop token or stop string), "length" (max new tokens), "abort" (the token callback
  // asked to stop).
  std::string finishReason;
  int stopTokenId = -1;    // the stop token that ended it, or -1
  std::string stopString;  // the stop string that ended it, or ""
};

}  // namespace longrl::engine
