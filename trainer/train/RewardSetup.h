#pragma once
#include <memory>

#include "core/config/RunConfig.h"
#include "core/reward/RewardFunction.h"

namespace longrl::train {

// The reward function a run config describes: rule rewards routed by data_source, the LLM judge
// when reward.judge.enabled (API key read from the environment variable it names), and the
// overlong penalty when grpo.overlong_penalty.enabled.
class RewardSetup {
 public:
  static std::shared_ptr<const reward::RewardFunction> make(const config::RunConfig& config);
};

}  // namespace longrl::train
