#pragma once
#include <string>
#include <vector>

namespace longrl::grpo {

// GRPO's outcome advantage, one scalar per sample, broadcast to its response tokens later:
//   grpo:          A_i = (r_i - mean(group)) / (std(group) + eps)
//   grpo_task_std: A_i = (r_i - mean(group)) / (std(samples of the same task in the batch) + eps)
//                  (QwenLong-L1.5: tasks with different reward scales get comparable advantages)
// std is the unbiased (n-1) estimate, as verl's torch.std; a group of one sample gets mean 0 and
// std 1, as verl does, so its advantage is its reward.
class GroupAdvantage {
 public:
  enum class Estimator { Grpo, GrpoTaskStd };
  static constexpr double kEpsilon = 1e-6;

  struct Sample {
    double reward = 0.0;
    int group = 0;     // samples of one prompt share a group
    std::string task;  // data_source, for grpo_task_std
  };

  static std::vector<double> compute(const std::vector<Sample>& samples, Estimator estimator,
                                     double epsilon = kEpsilon);
  // Unbiased standard deviation; 0 for fewer than two values.
  static double stddev(const std::vector<double>& values);
};

}  // namespace longrl::grpo
