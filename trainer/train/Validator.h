#pragma once
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "core/reward/RewardFunction.h"
#include "trainer/engine/GenerationEngine.h"
#include "trainer/tokenizer/Tokenizer.h"
#include "trainer/train/TrainExample.h"

namespace longrl::train {

// A validation pass: n samples (greedy by default) for each held-out example, scored with the run's
// reward. Reports verl's `val-core/{data_source}/acc/mean@n` (the share of samples whose rule/judge
// score is 1, before the overlong penalty) and, for a closer look, the same split by a chosen
// extra_info key (the demo's length band or question kind). Per example it also counts whether
// any of its n samples was correct (pass@n) and what the judge did. Each example samples from its own
// seed (from Options::seed and its id), so how the examples are batched or split over ranks changes
// its draws only where batched logits differ in rounding.
class Validator {
 public:
  struct Options {
    int64_t maxNewTokens = 256;
    double temperature = 0.0;  // 0: greedy
    double topP = 1.0;
    int n = 1;
    uint64_t seed = 0;
    // Called as generation goes (examples whose samples are all generated, of all), then once
    // more before scoring starts. From the generating thread.
    std::function<void(size_t done, size_t total)> onProgress;
  };
  // The seed example `id` samples from in a pass seeded `seed`.
  static uint64_t exampleSeed(uint64_t seed, const std::string& id);

  struct Tally {
    double accSum = 0, scoreSum = 0;
    int64_t samples = 0;
    int64_t examples = 0;
    int64_t examplesAnyCorrect = 0;  // examples with at least one sample of acc 1
    double ruleAccSum = 0;           // samples the rule alone scores 1
    int64_t ruleAnyCorrect = 0;      // examples with at least one such sample
    int64_t judged = 0, judgeYes = 0, judgeErrors = 0;
    double exampleAccSqSum = 0;  // sum over examples of (its share of correct samples)^2
    double acc() const { return samples ? accSum / samples : 0.0; }
    // Standard error of acc() over examples: the sample standard deviation of the per-example
    // accuracy over sqrt(examples) (every example has the same n samples). 0 below two examples.
    double accSem() const;
    double score() const { return samples ? scoreSum / samples : 0.0; }
    double ruleAcc() const { return samples ? ruleAccSum / samples : 0.0; }
    // pass@n with n samples per example: the share of examples with a correct sample (Chen et
    // al.'s unbiased estimator 1 - C(n-c, n)/C(n, n) is exactly this when k = n).
    double passAtN() const { return examples ? static_cast<double>(examplesAnyCorrect) / examples : 0.0; }
    double rulePassAtN() const { return examples ? static_cast<double>(ruleAnyCorrect) / examples : 0.0; }
  };
  struct Result {
    std::map<std::string, Tally> bySource;
    // extra_info[key] -> tally, for each key asked for (values rendered as text).
    std::map<std::string, std::map<std::string, Tally>> byExtra;
    Tally overall;
    // Per example, in the order given: the share of its n samples that were correct (what a
    // paired comparison of two passes needs).
    std::vector<double> exampleAcc;
    double seconds = 0;
    // val-core/{data_source}/acc/mean@n for every source, plus val-core/all/acc/mean@n; and
    // val-core/.../acc/sem@n, its standard error over examples (Tally::accSem), where a source has
    // two examples or more (the charts draw it as error bars).
    std::map<std::string, double> metrics(int n) const;
  };

  Validator(engine::GenerationEngine& engine, const tokenizer::Tokenizer& tokenizer,
            const reward::RewardFunction& reward);

  Result run(const std::vector<TrainExample>& examples, const Options& options,
             const std::vector<std::string>& extraKeys = {});
  // A Result's accuracy figures (not the scores or judge counts) from each example's share of n
  // correct samples: how passes validated in parts (one per rank) are put back together.
  static Result summarize(const std::vector<TrainExample>& examples, const std::vector<double>& shares, int n,
                          const std::vector<std::string>& extraKeys = {});

 private:
  std::vector<engine::GeneratedSample> generate(const std::vector<TrainExample>& examples, const Options& options);
  // Rewards of every sample, in order; on several threads when a judge is asked.
  std::vector<reward::RewardResult> score(const std::vector<TrainExample>& examples,
                                          const std::vector<engine::GeneratedSample>& samples, int n) const;

  engine::GenerationEngine& engine_;
  const tokenizer::Tokenizer& tokenizer_;
  const reward::RewardFunction& reward_;
};

}  // namespace longrl::train
