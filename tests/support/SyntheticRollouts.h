#pragma once
#include <cstdint>
#include <string>

namespace longrl::test {

// Writes the rollout side of a run store (documents, examples, rollouts in GRPO groups, difficulty)
// for the rollout browser, detail view and annotation queue tests. Deterministic for a seed.
// Example i has id "ex-<i>" and data_source kSources[i % 4]; rollout (step, group g, sample s)
// uses example (step * groupsPerStep + g) % examples, reward rule 1 on sample s % 3 == 0, judge
// "error" on every 37th rollout, truncated on every 50th.
struct SyntheticRolloutsOptions {
  std::int64_t steps = 20;
  int groupsPerStep = 8;
  int samplesPerGroup = 8;
  int examples = 40;
  int documentWords = 2000;  // words of each document (120,000 tokens ~ 90,000 words)
  int documents = 4;
  bool quoteInResponses = true;  // responses quote their document (grounding); else short
  unsigned seed = 1;
};

struct SyntheticRolloutsResult {
  std::int64_t rollouts = 0;
  int examples = 0;
  int documents = 0;
};

SyntheticRolloutsResult writeSyntheticRollouts(const std::string& runDir, const SyntheticRolloutsOptions& options);

// A document of `words` words (with some non-ASCII: accents, CJK, an emoji) from a seed.
std::string syntheticDocument(int words, unsigned seed);
// A response whose thinking quotes `quotes` passages of 12 words of `document` verbatim.
std::string syntheticResponse(const std::string& document, int quotes, unsigned seed, const std::string& answer);

}  // namespace longrl::test
