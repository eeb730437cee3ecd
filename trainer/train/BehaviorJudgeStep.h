#pragma once
#include <map>
#include <string>
#include <vector>

#include "core/behavior/JudgeBehaviorClassifier.h"
#include "core/config/RunConfig.h"
#include "trainer/train/RolloutGroup.h"
#include "trainer/train/TrainExample.h"

namespace longrl::train {

// The LLM judge of behaviours in a GRPO step (behavior.judge): the share of the step's samples that
// JudgeShare picks go to the judge, concurrently; their records land in RolloutSample::judgeBehavior
// (stored beside the rule-based ones) and behavior_judge/* in the step's metrics. Only rank 0 makes
// the calls: the records are stored and the metrics logged there, and N ranks would pay N times.
class BehaviorJudgeStep {
 public:
  // The judge's options from the config, with the API key read from behavior.judge.api_key_env.
  static reward::JudgeOptions options(const config::BehaviorJudgeConfig& judge);

  explicit BehaviorJudgeStep(const config::RunConfig& config);

  void run(std::vector<RolloutGroup>& groups, const std::vector<TrainExample>& examples, std::int64_t step,
           std::map<std::string, double>& m) const;

 private:
  const config::RunConfig& config_;
  behavior::JudgeBehaviorClassifier classifier_;
};

}  // namespace longrl::train
