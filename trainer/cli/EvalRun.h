#pragma once
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "core/config/RunConfig.h"
#include "core/eval/EvalReport.h"

namespace longrl::cli {

// What `longrl eval` evaluates and how.
struct EvalRunOptions {
  std::string model, data;
  int64_t limit = 0;                // 0: every example
  std::vector<std::string> byKeys;  // extra_info keys to split by
  int64_t maxNewTokens = 256;
  int k = 1;  // samples per example besides the greedy answer (1: none)
  double temperature = 0.7, topP = 0.95;
  uint64_t seed = 0;
  int threads = 0;
  config::JudgeConfig judge;  // the run config's judge section (enabled or not)
};

// The papers' evaluation of one model on one dataset: a greedy pass (one answer per example at
// temperature 0) and, for K > 1, a sampled pass (K answers per example), scored with the reward
// training uses (train::RewardSetup: rule, and the judge when one is configured, max of the two).
// Every data_source is checked against the routing table, and every prompt with maxNewTokens
// against the model's context, before anything is generated.
class EvalRun {
 public:
  // progress(pass, done, total): pass is "greedy" or "sampled"; examples generated so far.
  using Progress = std::function<void(const std::string& pass, size_t done, size_t total)>;
  static eval::EvalReport run(const EvalRunOptions& options, const Progress& progress = {});
};

}  // namespace longrl::cli
