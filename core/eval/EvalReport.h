#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace longrl::eval {

// Accuracies of one row, as shares in [0, 1]. greedy: one answer per example at temperature 0;
// meanAtK: the mean over K sampled answers per example; passAtK: the share of examples with at
// least one correct answer among its K samples. The K-sample numbers are absent when K = 1.
struct EvalNumbers {
  double greedy = 0;
  std::optional<double> meanAtK;
  std::optional<double> passAtK;
};

// One row of the papers' table: a data source (or an extra_info value, or the average).
struct EvalRow {
  std::string name;
  std::string scorer;  // docqa, docmath, choice; "" for extra_info rows and the average
  int64_t examples = 0;
  EvalNumbers acc;   // correct = rule or judge says so (max of the two, as training scores)
  EvalNumbers rule;  // the rule alone (equal to acc without a judge)
};

struct EvalJudgeSummary {
  std::string url, model;
  int64_t calls = 0, yes = 0, no = 0, errors = 0;  // over the greedy and the sampled answers
};

// What `longrl eval` reports, and what `longrl eval --json` prints (toJson) for the studio to read
// back (fromJson). Plain data: the evaluation itself lives in trainer/cli/EvalRun.
struct EvalReport {
  std::string model, data;
  int64_t examples = 0;
  int k = 1;
  double temperature = 0.7, topP = 0.95;  // of the K samples
  uint64_t seed = 0;
  int64_t maxNewTokens = 0;
  double seconds = 0;
  std::optional<EvalJudgeSummary> judge;
  std::vector<EvalRow> sources;  // one per data_source, by name
  EvalRow average;               // unweighted mean of the source rows (the papers' Avg.); n = their sum
  std::vector<std::pair<std::string, std::vector<EvalRow>>> by;  // --by keys, in the order asked

  // The unweighted mean of rows' numbers (absent K-sample numbers stay absent), named `name`.
  static EvalRow averageOf(const std::vector<EvalRow>& rows, const std::string& name = "average");

  nlohmann::json toJson() const;
  // Throws std::runtime_error naming the missing or mistyped field.
  static EvalReport fromJson(const nlohmann::json& json);
};

}  // namespace longrl::eval
