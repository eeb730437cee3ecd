#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace longrl::grpo {

// What one GRPO step reports about its samples (verl's names, DESIGN.md section 3), from plain
// figures so that the arithmetic is testable without a model.
class StepMetrics {
 public:
  using Metrics = std::map<std::string, double>;

  // One model call of a memory-agent trajectory.
  struct Call {
    int64_t promptTokens = 0;
    int64_t responseTokens = 0;
  };

  // One generated sample.
  struct Sample {
    double score = 0.0;            // the reward, overlong penalty included
    double overlongPenalty = 0.0;  // its part of score (<= 0)
    double advantage = 0.0;
    int64_t responseTokens = 0;
    bool truncated = false;    // hit max new tokens
    bool judged = false;       // the judge was asked
    bool judgeFailed = false;  // and its call failed (the rule score stood)
    // Memory agent only: every call, the final answer last; section replies with a tag problem,
    // and those cut by the memory budget.
    std::vector<Call> calls;
    int malformedReplies = 0;
    int truncatedCalls = 0;
  };

  // The samples of one prompt in one generation batch.
  struct Group {
    bool kept = false;         // survived dynamic sampling (trained on)
    int64_t promptTokens = 0;  // the example's whole prompt
    std::vector<Sample> samples;
  };

  // `prefix`/mean, /max and /min of `values` (all 0 when there are none).
  static void stats(Metrics& m, const std::string& prefix, const std::vector<double>& values);

  // judge/calls and judge/errors over every sample generated this step. A failed call keeps the
  // rule score, so training goes on; these make the failure visible.
  static void judge(const std::vector<Group>& groups, Metrics& m);

  // critic/*, response_length/* and prompt_length/* over the samples trained on (every generated
  // sample when no group was kept), critic/gen_score over every generated sample, and memory/*
  // when `memoryAgent`. Returns the tokens the trained samples put through the model.
  static double batch(const std::vector<Group>& groups, int64_t maxInputTokens, bool memoryAgent, Metrics& m);

  // The memory agent's health: sections read, replies whose tags were malformed or cut by the
  // memory budget, and the tokens spent on section calls.
  static void memory(const std::vector<const Group*>& batch, Metrics& m);

  // Token-weighted mean of per-sequence means: sum(mean_i * tokens_i) / sum(tokens_i), 0 without tokens.
  static double tokenWeightedMean(const std::vector<double>& means, const std::vector<double>& tokens);

  // Per-sample token-weighted means of per-sequence means, sequence i belonging to sample
  // sampleOf[i] (a memory-agent sample has a sequence per call); 0 for a sample without tokens.
  static std::vector<double> perSample(const std::vector<double>& means, const std::vector<double>& tokens,
                                       const std::vector<std::size_t>& sampleOf, std::size_t samples);

  // timing_s/step, perf/time_per_step and perf/throughput (tokens a second).
  static void throughput(double stepSeconds, double tokens, Metrics& m);
};

}  // namespace longrl::grpo
