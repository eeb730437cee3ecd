#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace longrl::engine {

// How to sample one generate() call. Applied in this order to the last position's logits:
// divide by temperature, keep the top_k largest, keep the smallest set whose probability
// reaches top_p (nucleus), draw. temperature <= 0 means greedy (argmax).
struct SamplingParams {
  double temperature = 1.0;
  double topP = 1.0;  // (0, 1]; 1 = off
  int64_t topK = 0;   // 0 = off
  int64_t maxNewTokens = 256;
  // Ids that end a sample (finish_reason "stop"), in addition to the engine's EOS ids unless
  // ignoreEos. The stop token itself is part of the sample's tokens and log-probs (as verl keeps
  // the EOS in the response it trains on).
  std::vector<int> stopTokenIds;
  bool ignoreEos = false;
  // Texts that end a sample once the decoded completion contains one (needs the engine's
  // detokenizer). The tokens up to and including the one that completed it are kept; cutting
  // the text at the string is the caller's business (GeneratedSample::stopString says which).
  std::vector<std::string> stopStrings;
  int n = 1;          // samples per prompt (a GRPO group); the prompt is prefilled once
  uint64_t seed = 0;  // same seed, prompts and params -> same samples
  // One seed per prompt, or empty. When set, prompt p's samples draw from a generator of their own
  // seeded promptSeeds[p] (seed is unused): their draws do not depend on the other prompts of the
  // call, so prompts can be batched together and still sample what each would alone.
  std::vector<uint64_t> promptSeeds;
};

}  // namespace longrl::engine
